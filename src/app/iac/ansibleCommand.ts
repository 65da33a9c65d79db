// `proxmox-mpc ansible <playbook> [-e k=v ...] [--check] [--limit hosts]` in a workspace:
// ansible-playbook on one of the workspace's playbooks (ansible/ first, then tests/), with the
// workspace's inventory, streamed as plain lines like `plan`, saved under .proxmox-mpc/logs/,
// then a one-line PLAY RECAP summary. The exit code is ansible-playbook's own (0 ok, 2 a host
// failed, 4 unreachable...). Credentials only from the PROXMOX_VE_* environment.
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import type { GlobalOptions } from '../cli.js';
import { ExitCode, UserError } from '../userError.js';
import { safeText } from '../../util/terminalText.js';
import type { RecapHost } from '../../workspace/runners/ansible.js';

export interface AnsibleCommandOptions extends GlobalOptions {
  extraVars?: string[];
  check?: boolean;
  limit?: string;
  dir?: string;
  readOnly?: boolean;
}

export interface AnsibleTarget {
  root: string;
  /** The ansible/ directory: the run's working directory. */
  ansibleDir: string;
  /** ansible/inventory.yml when it exists. */
  inventory?: string;
  /** The playbook's absolute path. */
  playbook: string;
  logsDir: string;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `site`, `site.yml`, `tests/inventory_check`, a path: the playbook in the workspace, looked
 * for in ansible/ then tests/ (then as a path from the current directory or the root). */
export function findPlaybook(name: string, ws: { root: string; ansibleDir: string; testsDir: string }, cwd: string = process.cwd()): string | undefined {
  const names = /\.ya?ml$/.test(name) ? [name] : [`${name}.yml`, `${name}.yaml`, name];
  const bases = isAbsolute(name) ? [''] : [ws.ansibleDir, ws.testsDir, cwd, ws.root];
  for (const base of bases) {
    for (const n of names) {
      const p = base === '' ? n : resolve(base, n);
      if (isFile(p)) return p;
    }
  }
  return undefined;
}

/** Each -e value must be k=v (or ansible's JSON / @file forms); an empty one is a mistake. */
export function checkExtraVars(vars: readonly string[]): void {
  for (const v of vars) {
    const t = v.trim();
    if (t === '' || (!t.startsWith('{') && !t.startsWith('@') && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(t))) {
      throw new UserError(`-e ${safeText(v)}: expected key=value (e.g. -e target=web-01), a JSON object or @file`, ExitCode.usage);
    }
  }
}

export async function resolveAnsibleTarget(playbookName: string, dir?: string): Promise<AnsibleTarget> {
  const { findWorkspace } = await import('../../workspace/project.js');
  const from = resolve(dir ?? process.cwd());
  const ws = findWorkspace(from);
  if (!ws) throw new UserError(`ansible works inside a workspace and none was found from ${from} up: run proxmox-mpc init and proxmox-mpc generate first (or pass --dir)`, ExitCode.usage);
  const playbook = findPlaybook(playbookName, ws, from);
  if (!playbook) {
    throw new UserError(`no playbook ${safeText(playbookName)} in ${ws.ansibleDir} nor ${ws.testsDir}: run proxmox-mpc generate, or name one of site, start, stop, snapshot, baseline`, ExitCode.notFound);
  }
  const inventory = join(ws.ansibleDir, 'inventory.yml');
  return {
    root: ws.root,
    ansibleDir: existsSync(ws.ansibleDir) ? ws.ansibleDir : ws.root,
    ...(isFile(inventory) ? { inventory } : {}),
    playbook,
    logsDir: ws.logsDir,
  };
}

/** The summary of a PLAY RECAP: `3 hosts: ok=5 changed=2 unreachable=0 failed=1`. */
export function recapSummary(hosts: readonly RecapHost[]): string {
  if (hosts.length === 0) return 'no PLAY RECAP';
  const sum = (k: keyof Omit<RecapHost, 'host'>) => hosts.reduce((n, h) => n + h[k], 0);
  const failedHosts = hosts.filter((h) => h.failed > 0 || h.unreachable > 0).map((h) => h.host);
  return `${hosts.length} host${hosts.length === 1 ? '' : 's'}: ok=${sum('ok')} changed=${sum('changed')} unreachable=${sum('unreachable')} failed=${sum('failed')} skipped=${sum('skipped')}${failedHosts.length > 0 ? ` (failed: ${failedHosts.join(', ')})` : ''}`;
}

/** Collects the PLAY RECAP lines of a run (only those after the `PLAY RECAP` header). */
export class RecapCollector {
  private inRecap = false;
  readonly hosts: RecapHost[] = [];
  constructor(private readonly parse: (text: string) => RecapHost | undefined) {}
  push(text: string): void {
    if (/^PLAY RECAP\b/.test(text)) {
      this.inRecap = true;
      return;
    }
    if (!this.inRecap) return;
    const h = this.parse(text);
    if (h) this.hosts.push(h);
  }
}

export async function runAnsibleCommand(playbookName: string, opts: AnsibleCommandOptions): Promise<void> {
  if (opts.output !== undefined && opts.output !== 'text') throw new UserError(`-o ${opts.output} is not available for ansible: it prints ansible-playbook's own lines`, ExitCode.usage);
  const extraVars = opts.extraVars ?? [];
  checkExtraVars(extraVars);
  if (!opts.check) {
    const readOnly = opts.readOnly || (await import('../commands/operationRun.js')).isReadOnly(opts);
    if (readOnly) throw new UserError('ansible refused: read-only mode (--read-only or console.readOnly in the config file) refuses every change; --check runs the playbook without changing anything', ExitCode.refused);
  }
  const target = await resolveAnsibleTarget(playbookName, opts.dir);
  const { cliResolver, prepareExtraVars } = await import('../../workspace/runners/vaultExtraVars.js');
  // `-e pw=$vault.db`: resolved now, handed over in a private file removed after the run.
  const vars = prepareExtraVars(extraVars, cliResolver());
  try {
    await runPlaybook(target, opts, vars.args);
  } finally {
    vars.cleanup();
  }
}

async function runPlaybook(target: AnsibleTarget, opts: AnsibleCommandOptions, extraArgs: string[]): Promise<void> {
  const { parseRecapLine, runAnsiblePlaybook } = await import('../../workspace/runners/ansible.js');
  const recap = new RecapCollector(parseRecapLine);
  const run = runAnsiblePlaybook({
    dir: target.ansibleDir,
    playbook: target.playbook,
    ...(target.inventory ? { inventory: target.inventory } : {}),
    ...(opts.check ? { check: true } : {}),
    ...(opts.limit ? { limit: opts.limit } : {}),
    extraArgs,
    logsDir: target.logsDir,
    detached: true,
    onLine: (line) => {
      recap.push(line.text);
      (line.stream === 'stderr' ? process.stderr : process.stdout).write(`${safeText(line.text)}\n`);
    },
  });
  const onSigint = (): void => {
    const sent = run.interrupt();
    if (sent === 'sigint') process.stderr.write('proxmox-mpc: stopping ansible-playbook (Ctrl-C again kills it)...\n');
    else if (sent === 'killed') process.stderr.write('proxmox-mpc: ansible-playbook killed\n');
  };
  process.on('SIGINT', onSigint);
  try {
    const r = await run.done;
    if (r.spawnError) {
      throw new UserError(
        r.spawnError.code === 'ENOENT' ? 'ansible-playbook was not found on PATH: install Ansible (apt install ansible), or set PMC_ANSIBLE_PLAYBOOK to its path' : `ansible-playbook could not be started: ${safeText(r.spawnError.message)}`,
        ExitCode.usage,
      );
    }
    const name = relative(target.root, target.playbook) || basename(target.playbook);
    const verdict = r.interrupted !== 'no' ? 'interrupted' : r.code === 0 ? 'done' : `failed (exit ${r.code ?? r.signal})`;
    process.stderr.write(`proxmox-mpc: ansible ${safeText(name)}${opts.check ? ' --check' : ''} ${verdict}: ${recapSummary(recap.hosts)}${r.logPath ? `; the log is ${safeText(r.logPath)}` : ''}\n`);
    process.exitCode = r.code ?? ExitCode.failure;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export function registerAnsibleCommand(program: Command): void {
  program
    .command('ansible')
    .description("ansible-playbook on one of the workspace's playbooks, streamed")
    .argument('<playbook>', 'a playbook of ansible/ or tests/ (site, start, stop, snapshot, baseline, inventory_check...) or a path')
    .option('-e, --extra-vars <key=value>', 'a variable for the playbook (repeatable)', (v: string, all: string[] = []) => [...all, v])
    .option('--check', 'ansible --check --diff: show what would change, change nothing')
    .option('--limit <hosts>', 'only these hosts or groups')
    .option('--dir <dir>', 'the workspace (default: found from the current directory up)')
    .addHelpText(
      'after',
      `
Runs ansible-playbook in the workspace's ansible/ directory (found from the current directory up,
like git; or --dir) with ansible/inventory.yml. The playbook is looked for in ansible/, then tests/.
Its lines are printed as they come, then a summary of the PLAY RECAP; every run is saved under
.proxmox-mpc/logs/. Credentials reach the Proxmox modules only through the environment:
PROXMOX_VE_ENDPOINT, PROXMOX_VE_API_TOKEN (user@realm!tokenid=secret) or PROXMOX_VE_USERNAME and
PROXMOX_VE_PASSWORD (the token wins when both are set), PROXMOX_VE_INSECURE=true for a self-signed
certificate. PMC_ANSIBLE_PLAYBOOK: another ansible-playbook.
A variable's value may be a vault reference (-e pw=$vault.NAME): it is resolved when the run
starts and given to ansible-playbook in a private file (0600, removed after the run), never on its
command line; lines that echo it show ***NAME***.
Read-only mode refuses runs without --check.
Exit codes: ansible-playbook's own (0 ok, 1 error, 2 a host failed, 4 unreachable, ...),
2 usage (no workspace, no ansible-playbook), 4 refused (read-only) or no such playbook.

Examples:
  proxmox-mpc ansible start -e target=web-01
  proxmox-mpc ansible snapshot -e target=web-01 -e snapname=before_upgrade
  proxmox-mpc ansible site --check
  proxmox-mpc ansible baseline -e db_password='$vault.db'
  proxmox-mpc ansible inventory_check`,
    )
    .action(async (playbook: string, opts: AnsibleCommandOptions, cmd: Command) => runAnsibleCommand(playbook, { ...cmd.optsWithGlobals<AnsibleCommandOptions>(), ...opts }));
}
