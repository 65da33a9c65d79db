// terraform plan / apply / destroy / init with `-json`, streamed: each stdout line parsed into a
// typed event (terraformEvents.ts) and folded into the run's state (runState.ts), every line
// saved to `<logs>/<timestamp>-<command>.jsonl`.
//
// Secrets: the provider reads PROXMOX_VE_* from the environment we pass on; nothing secret is
// ever put on terraform's command line or into the log's header.
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess, type ProcessLine, type ProcessResult, type ProcessRun } from './process.js';
import { INITIAL_RUN_STATE, reduceRun, type RunState } from './runState.js';
import { parseTerraformLine, type RunLine } from './terraformEvents.js';

export type TerraformStep = 'init' | 'plan' | 'plan-destroy' | 'apply' | 'validate';

export interface TerraformRunOptions {
  /** The directory with the .tf files. */
  dir: string;
  step: TerraformStep;
  /** plan / plan-destroy: where to save the plan (-out); apply: the saved plan to apply. */
  planFile?: string;
  /** Where the run's log goes (`.proxmox-mpc/logs`); no log without it. */
  logsDir?: string;
  /** The log file's name part after the timestamp (default: the step). */
  logName?: string;
  /** The environment to start from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The terraform executable (default `terraform` on PATH, or PMC_TERRAFORM). */
  terraform?: string;
  onLine?: (line: RunLine) => void;
  keepLines?: number;
  detached?: boolean;
}

export interface TerraformResult extends ProcessResult {
  state: RunState;
}

export interface TerraformRun {
  readonly process: ProcessRun;
  /** The state folded so far. */
  state(): RunState;
  interrupt(): 'sigint' | 'killed' | 'ended';
  readonly done: Promise<TerraformResult>;
  readonly logPath?: string;
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** The environment terraform runs with: the user's CLI config when it is set and readable,
 * else none (/dev/null: no "Unable to open CLI configuration file" warning, no surprises);
 * no prompts; everything else (PROXMOX_VE_* for the provider) passed through. */
export function terraformEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  const cli = base.TF_CLI_CONFIG_FILE;
  if (cli === undefined || cli === '' || !readable(cli)) env.TF_CLI_CONFIG_FILE = '/dev/null';
  return env;
}

/** The command line (never with a secret: those stay in the environment). */
export function terraformArgs(step: TerraformStep, planFile?: string): string[] {
  switch (step) {
    case 'init':
      return ['init', '-json', '-input=false'];
    case 'validate':
      return ['validate', '-json'];
    case 'plan':
      return ['plan', '-json', '-input=false', ...(planFile ? [`-out=${planFile}`] : [])];
    case 'plan-destroy':
      return ['plan', '-destroy', '-json', '-input=false', ...(planFile ? [`-out=${planFile}`] : [])];
    case 'apply':
      if (!planFile) throw new Error('apply needs a saved plan');
      return ['apply', '-json', '-input=false', planFile];
  }
}

/** `2026-12-08T01-53-00-123Z`: sortable and safe in a file name. */
export function logStamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/** `<logsDir>/<stamp>-<name>.jsonl` */
export function runLogPath(logsDir: string, name: string, date = new Date()): string {
  return join(logsDir, `${logStamp(date)}-${name.replace(/[^A-Za-z0-9_-]/g, '_')}.jsonl`);
}

/** A terraform event line is logged as terraform printed it; anything else as a record. */
function logLineOf(line: ProcessLine): string {
  if (line.stream === 'stdout') {
    const t = line.text.trim();
    if (t.startsWith('{') && t.endsWith('}')) {
      try {
        JSON.parse(t);
        return t;
      } catch {
        // not JSON after all
      }
    }
  }
  return JSON.stringify({ type: 'proxmox-mpc.text', stream: line.stream, text: line.text });
}

/** Whether `dir` needs `terraform init` before a plan: its code requires providers
 * (`required_providers`, as generated code does) and they were never installed (no
 * `.terraform/`). Code on Terraform's built-in providers alone needs none. */
export function needsTerraformInit(dir: string): boolean {
  if (existsSync(join(dir, '.terraform'))) return false;
  try {
    // versions.tf first (where generated code and convention put it): no reading a thousand
    // guest files on the console's thread when it is there.
    const files = readdirSync(dir).filter((f) => f.endsWith('.tf'));
    const ordered = [...files.filter((f) => f === 'versions.tf'), ...files.filter((f) => f !== 'versions.tf')];
    return ordered.some((f) => /\brequired_providers\s*\{/.test(readFileSync(join(dir, f), 'utf8')));
  } catch {
    return false;
  }
}

export function terraformExecutable(explicit?: string): string {
  return explicit ?? process.env.PMC_TERRAFORM ?? 'terraform';
}

export function runTerraform(opts: TerraformRunOptions): TerraformRun {
  let state: RunState = INITIAL_RUN_STATE;
  const args = terraformArgs(opts.step, opts.planFile);
  const logPath = opts.logsDir !== undefined ? runLogPath(opts.logsDir, opts.logName ?? opts.step) : undefined;
  // Each line is parsed once: the log's writer (called first) keeps its parse for onLine.
  let parsed: { of: ProcessLine; line: RunLine } | undefined;
  const logLine = (l: ProcessLine): string => {
    const line = parseTerraformLine(l.text, l.stream);
    parsed = { of: l, line };
    return l.stream === 'stdout' && line.kind === 'event' && line.raw.endsWith('}') ? line.raw : logLineOf(l);
  };
  const proc = runProcess({
    command: terraformExecutable(opts.terraform),
    args,
    cwd: opts.dir,
    env: terraformEnv(opts.env),
    ...(opts.keepLines !== undefined ? { keepLines: opts.keepLines } : {}),
    ...(opts.detached !== undefined ? { detached: opts.detached } : {}),
    ...(logPath !== undefined ? { logPath, logLine, logHeader: { type: 'proxmox-mpc.run', tool: 'terraform', step: opts.step, args, dir: opts.dir } } : {}),
    onLine: (l) => {
      const line = parsed?.of === l ? parsed.line : parseTerraformLine(l.text, l.stream);
      parsed = undefined;
      state = reduceRun(state, line);
      opts.onLine?.(line);
    },
  });
  return {
    process: proc,
    state: () => state,
    interrupt: () => proc.interrupt(),
    ...(logPath !== undefined ? { logPath } : {}),
    done: proc.done.then((r) => ({ ...r, state })),
  };
}
