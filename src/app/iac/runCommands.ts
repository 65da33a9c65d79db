// `plan`, `apply`, `destroy` in a workspace: terraform with -json, streamed as plain lines
// (or, with -o json, terraform's own event lines passed through), every run saved under
// .proxmox-mpc/logs. apply and destroy plan first (-out), show the summary, ask (apply y/N,
// destroy: the workspace's name; --yes in scripts; refused without a terminal or in read-only
// mode), then apply exactly that saved plan. Ctrl-C: terraform's graceful stop; again: kill.
import type { Command } from 'commander';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { GlobalOptions } from '../cli.js';
import { ExitCode, UserError, type ExitCodeValue } from '../userError.js';
import { safeText } from '../../util/terminalText.js';
import type { RunKind } from '../../workspace/runners/confirmRun.js';
import type { RunLine } from '../../workspace/runners/terraformEvents.js';
import type { TerraformResult, TerraformRun, TerraformStep } from '../../workspace/runners/terraform.js';

export interface RunCommandOptions extends GlobalOptions {
  yes?: boolean;
  dir?: string;
  readOnly?: boolean;
}

export interface RunTarget {
  /** The workspace root (or the --dir given when it is no workspace). */
  root: string;
  terraformDir: string;
  logsDir: string;
}

function hasTfFiles(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && readdirSync(dir).some((f) => f.endsWith('.tf'));
  } catch {
    return false;
  }
}

/** The workspace around --dir (or the current directory); a --dir that is no workspace but
 * holds .tf files is run as it is (logs in its .proxmox-mpc/logs). */
export async function resolveRunTarget(command: string, dir?: string): Promise<RunTarget> {
  const { findWorkspace } = await import('../../workspace/project.js');
  const from = resolve(dir ?? process.cwd());
  const ws = findWorkspace(from);
  let target: RunTarget;
  if (ws) target = { root: ws.root, terraformDir: ws.terraformDir, logsDir: ws.logsDir };
  else if (dir !== undefined && hasTfFiles(from)) target = { root: from, terraformDir: from, logsDir: join(from, '.proxmox-mpc', 'logs') };
  else throw new UserError(`${command} works inside a workspace and none was found from ${from} up: run proxmox-mpc init and proxmox-mpc generate first (or pass --dir)`, ExitCode.usage);
  if (!hasTfFiles(target.terraformDir)) {
    throw new UserError(`${target.terraformDir} has no .tf files: run proxmox-mpc generate first`, ExitCode.usage);
  }
  return target;
}

function isReadOnly(opts: RunCommandOptions): Promise<boolean> {
  if (opts.readOnly) return Promise.resolve(true);
  return import('../commands/operationRun.js').then((m) => m.isReadOnly(opts));
}

/** Runs one terraform step, printing its lines; Ctrl-C forwarded (once: SIGINT, twice: kill). */
async function stream(step: TerraformStep, target: RunTarget, planFile: string, logName: string, json: boolean): Promise<TerraformResult> {
  const { runTerraform } = await import('../../workspace/runners/terraform.js');
  const { plainLines } = await import('../../workspace/runners/plainText.js');
  const print = (line: RunLine): void => {
    if (json) {
      process.stdout.write(`${line.kind === 'event' ? line.raw : JSON.stringify({ type: 'proxmox-mpc.text', stream: line.stream, text: line.text })}\n`);
      return;
    }
    const out = line.kind === 'text' && line.stream === 'stderr' ? process.stderr : process.stdout;
    for (const l of plainLines(line)) out.write(`${l}\n`);
  };
  // Our own process group for terraform: the terminal's Ctrl-C reaches only us, and we decide.
  const run: TerraformRun = runTerraform({ dir: target.terraformDir, step, planFile, logsDir: target.logsDir, logName, onLine: print, detached: true });
  const onSigint = (): void => {
    const sent = run.interrupt();
    if (sent === 'sigint') process.stderr.write('proxmox-mpc: stopping terraform cleanly (Ctrl-C again kills it)...\n');
    else if (sent === 'killed') process.stderr.write('proxmox-mpc: terraform killed: the state may be locked or incomplete\n');
  };
  process.on('SIGINT', onSigint);
  try {
    const r = await run.done;
    if (r.spawnError) {
      throw new UserError(
        r.spawnError.code === 'ENOENT' ? 'terraform was not found on PATH: install Terraform (1.5 or later), or set PMC_TERRAFORM to its path' : `terraform could not be started: ${safeText(r.spawnError.message)}`,
        ExitCode.usage,
      );
    }
    if (r.dropped > 0 && !json) process.stderr.write(`proxmox-mpc: ${r.dropped} earlier lines were not kept in memory (all are in the log)\n`);
    return r;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function askOnTerminal(lines: string[]): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(`${lines.map(safeText).join('\n')} `);
  } catch {
    process.stderr.write('\n');
    return '';
  } finally {
    rl.close();
  }
}

function outcome(r: TerraformResult): ExitCodeValue {
  return r.code === 0 ? ExitCode.ok : ExitCode.failure;
}

export async function runTerraformCommand(kind: RunKind, opts: RunCommandOptions): Promise<void> {
  const json = opts.output === 'json';
  if (opts.output !== undefined && opts.output !== 'text' && !json) throw new UserError(`-o ${opts.output} is not available for ${kind}: use text or json`, ExitCode.usage);
  if (kind !== 'plan' && (await isReadOnly(opts))) {
    throw new UserError(`${kind} refused: read-only mode (--read-only or console.readOnly in the config file) refuses every change`, ExitCode.refused);
  }
  const target = await resolveRunTarget(kind, opts.dir);
  const { hasChanges, isRunConfirmed, runConfirmation, unconfirmedRunMessage } = await import('../../workspace/runners/confirmRun.js');
  const { changesText } = await import('../../workspace/runners/terraformEvents.js');
  // The saved plan can hold sensitive values: a private temporary directory, removed after.
  const tmp = mkdtempSync(join(tmpdir(), 'pmc-plan-'));
  const planFile = join(tmp, `${kind}.tfplan`);
  try {
    const { needsTerraformInit } = await import('../../workspace/runners/terraform.js');
    if (needsTerraformInit(target.terraformDir)) {
      // A new workspace: the providers first (as `terraform init` would be run by hand).
      if (!json) process.stderr.write('proxmox-mpc: the providers are not installed yet: terraform init first\n');
      const init = await stream('init', target, planFile, 'init', json);
      if (init.code !== 0 || init.interrupted !== 'no') {
        process.exitCode = ExitCode.failure;
        if (!json) process.stderr.write(`proxmox-mpc: terraform init ${init.interrupted !== 'no' ? 'was interrupted' : 'failed'}, so no ${kind}${init.logPath ? `: the log is ${init.logPath}` : ''}\n`);
        return;
      }
    }
    const plan = await stream(kind === 'destroy' ? 'plan-destroy' : 'plan', target, planFile, kind === 'destroy' ? 'plan-destroy' : 'plan', json);
    if (plan.code !== 0 || plan.interrupted !== 'no') {
      process.exitCode = ExitCode.failure;
      if (!json) process.stderr.write(`proxmox-mpc: ${kind === 'plan' ? 'plan' : `the plan before ${kind}`} ${plan.interrupted !== 'no' ? 'was interrupted' : 'failed'}${plan.logPath ? `: the log is ${plan.logPath}` : ''}\n`);
      return;
    }
    if (kind === 'plan') {
      process.exitCode = ExitCode.ok;
      return;
    }
    const summary = plan.state.planSummary;
    if (!summary || !hasChanges(summary) || !existsSync(planFile)) {
      if (!json) process.stdout.write(`No changes: nothing to ${kind}.\n`);
      process.exitCode = ExitCode.ok;
      return;
    }
    const question = runConfirmation(kind, summary, target.root);
    if (!opts.yes) {
      if (!process.stdin.isTTY) throw new UserError(unconfirmedRunMessage(kind), ExitCode.refused);
      const answer = await askOnTerminal(question.lines);
      if (!isRunConfirmed(question, answer)) throw new UserError(`${kind} not confirmed: nothing was changed`, ExitCode.refused);
    } else if (!json) {
      process.stderr.write(`${safeText(question.lines[0]!)} (confirmed by --yes)\n`);
    }
    const applied = await stream('apply', target, planFile, kind, json);
    process.exitCode = outcome(applied);
    if (!json) {
      const s = applied.state.summary;
      const verdict = applied.interrupted !== 'no' ? 'interrupted' : applied.code === 0 ? 'done' : 'failed';
      process.stderr.write(`proxmox-mpc: ${kind} ${verdict}${s ? ` (planned: ${changesText(summary)})` : ''}${applied.logPath ? `; the log is ${applied.logPath}` : ''}\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function registerRunCommands(program: Command): void {
  const help = (kind: RunKind, extra: string) => `
Runs terraform with -json in the workspace's terraform/ directory (found from the current
directory up, like git; or --dir). Every run is saved under .proxmox-mpc/logs/.
Credentials reach the provider only through the PROXMOX_VE_* environment variables.${extra}
-o json prints terraform's own JSON event lines.
Exit codes: 0 done, 1 terraform failed or was interrupted, 2 usage (no workspace, no terraform), 4 refused (read-only, not confirmed).

Example:
  proxmox-mpc ${kind}${kind === 'plan' ? '' : ' --yes'}`;
  program
    .command('plan')
    .description('terraform plan in the workspace, streamed')
    .option('--dir <dir>', 'the workspace (default: found from the current directory up)')
    .addHelpText('after', help('plan', ''))
    .action(async (opts, cmd: Command) => runTerraformCommand('plan', { ...cmd.optsWithGlobals<RunCommandOptions>(), ...opts }));
  for (const kind of ['apply', 'destroy'] as const) {
    program
      .command(kind)
      .description(kind === 'apply' ? 'terraform apply in the workspace: plans, shows the summary, asks (high risk), applies that plan' : 'terraform destroy in the workspace: plans the destroy, asks for the workspace name (critical risk), applies it')
      .option('--dir <dir>', 'the workspace (default: found from the current directory up)')
      .option('-y, --yes', 'confirm without asking (needed without a terminal)')
      .addHelpText('after', help(kind, `\nIt plans first (-out), shows "N to add, N to change, N to destroy", asks, then applies that saved plan.\nCtrl-C stops terraform cleanly (its own graceful stop); a second Ctrl-C kills it.`))
      .action(async (opts, cmd: Command) => runTerraformCommand(kind, { ...cmd.optsWithGlobals<RunCommandOptions>(), ...opts }));
  }
}
