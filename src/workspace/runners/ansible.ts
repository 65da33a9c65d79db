// ansible-playbook runs, streamed line by line like terraform's (ansible has no line-per-event
// JSON mode on the CLI: its default output, uncoloured and unbuffered, is the stream), saved to
// `<logs>/<timestamp>-ansible-<playbook>.jsonl`.
import { basename } from 'node:path';
import { runProcess, type ProcessLine, type ProcessRun } from './process.js';
import { runLogPath } from './terraform.js';

export interface AnsibleRunOptions {
  /** The ansible/ directory (cwd of the run). */
  dir: string;
  playbook: string;
  inventory?: string;
  /** --check --diff: what would change. */
  check?: boolean;
  /** --limit */
  limit?: string;
  /** Extra ansible-playbook arguments (never secrets: those go in the environment or in a
   * private `-e @file`, see vaultExtraVars.ts). */
  extraArgs?: readonly string[];
  logsDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Default `ansible-playbook` on PATH, or PMC_ANSIBLE_PLAYBOOK. */
  executable?: string;
  onLine?: (line: ProcessLine) => void;
  keepLines?: number;
  detached?: boolean;
}

/** A PLAY RECAP line: `web-01 : ok=2 changed=1 unreachable=0 failed=0 ...`. */
export interface RecapHost {
  host: string;
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

const RECAP = /^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$/;

export function parseRecapLine(text: string): RecapHost | undefined {
  const m = RECAP.exec(text.trim());
  if (!m) return undefined;
  const counts: Record<string, number> = {};
  for (const part of m[2]!.trim().split(/\s+/)) {
    const [k, v] = part.split('=');
    if (k !== undefined && v !== undefined) counts[k] = Number(v);
  }
  if (counts.ok === undefined) return undefined;
  return {
    host: m[1]!,
    ok: counts.ok ?? 0,
    changed: counts.changed ?? 0,
    unreachable: counts.unreachable ?? 0,
    failed: counts.failed ?? 0,
    skipped: counts.skipped ?? 0,
    rescued: counts.rescued ?? 0,
    ignored: counts.ignored ?? 0,
  };
}

export function ansibleEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  // Unbuffered python so lines come as they happen; no colour codes in the stream; no cows.
  return { ...base, PYTHONUNBUFFERED: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_NOCOWS: '1', ANSIBLE_RETRY_FILES_ENABLED: '0' };
}

export function ansibleArgs(opts: Pick<AnsibleRunOptions, 'playbook' | 'inventory' | 'check' | 'limit' | 'extraArgs'>): string[] {
  return [
    ...(opts.inventory ? ['-i', opts.inventory] : []),
    ...(opts.check ? ['--check', '--diff'] : []),
    ...(opts.limit ? ['--limit', opts.limit] : []),
    ...(opts.extraArgs ?? []),
    opts.playbook,
  ];
}

export function runAnsiblePlaybook(opts: AnsibleRunOptions): ProcessRun {
  const args = ansibleArgs(opts);
  const logPath = opts.logsDir !== undefined ? runLogPath(opts.logsDir, `ansible-${basename(opts.playbook).replace(/\.ya?ml$/, '')}`) : undefined;
  return runProcess({
    command: opts.executable ?? process.env.PMC_ANSIBLE_PLAYBOOK ?? 'ansible-playbook',
    args,
    cwd: opts.dir,
    env: ansibleEnv(opts.env),
    ...(opts.keepLines !== undefined ? { keepLines: opts.keepLines } : {}),
    ...(opts.detached !== undefined ? { detached: opts.detached } : {}),
    // A secret the playbook prints (a vault value given with -e) is masked where runProcess reads
    // each line: in the saved log, the kept lines and what onLine shows alike.
    ...(logPath !== undefined ? { logPath, logHeader: { type: 'proxmox-mpc.run', tool: 'ansible-playbook', args, dir: opts.dir } } : {}),
    ...(opts.onLine ? { onLine: opts.onLine } : {}),
  });
}
