// What every operation command shares: the guests from the cache and then their live state,
// the plans with their refusals printed, --dry-run, the y/N question (or a refusal without a
// terminal and --yes), the run at most --parallel at once, a re-sync, the exit code.
import { guestKeyOf } from '../../db/model.js';
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { confirmationFor, confirmationText, isConfirmed, unconfirmedMessage } from '../../operations/confirm.js';
import { describeCall, executePlan, isConnectionFailure, runBounded } from '../../operations/execute.js';
import { isRefusal, liveTarget } from '../../operations/power.js';
import type { GuestTarget, OperationPlan, OperationResult, Refusal } from '../../operations/types.js';
import { createRecorder, operationEntry, userOf } from '../../operations/record.js';
import { resolveReadProfile } from '../read/context.js';
import { configPath, loadConfigFile } from '../../workspace/configFile.js';
import type { GlobalOptions } from '../cli.js';
import { createClient, loadConnectionSettings } from '../connect.js';
import { openReadContext } from '../read/context.js';
import { findGuest, parseGuestKind } from '../read/guestLookup.js';
import { ExitCode, type ExitCodeValue } from '../userError.js';
import { loggedPlan } from '../../observability/operationLog.js';
import { toJson } from '../output/serialize.js';
import { safeText } from '../../util/terminalText.js';

export interface OperationCommandOptions extends GlobalOptions {
  yes?: boolean;
  dryRun?: boolean;
  /** commander's --no-wait. */
  wait?: boolean;
  /** Seconds to follow each task (and shutdown's own timeout). */
  timeout?: number;
  forceStop?: boolean;
  parallel?: number;
  readOnly?: boolean;
}

const DEFAULT_PARALLEL = 4;

function targetOf(g: { type: 'qemu' | 'lxc'; vmid: number; node: string; name: string; status: string; template: boolean; lock?: string }): GuestTarget {
  return { type: g.type, vmid: g.vmid, node: g.node, name: g.name, status: g.status, template: g.template, ...(g.lock ? { lock: g.lock } : {}) };
}

export function isReadOnly(opts: OperationCommandOptions): boolean {
  if (opts.readOnly) return true;
  try {
    return loadConfigFile(configPath()).config.console?.readOnly === true;
  } catch {
    return false;
  }
}

/** The y/N (or name) question on the terminal; `question` replaces its last line. */
export async function ask(plan: OperationPlan, question?: string): Promise<boolean> {
  const { lines } = confirmationText(plan);
  if (question !== undefined) lines[lines.length - 1] = question;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${lines.map(safeText).join('\n')} `);
    return isConfirmed(plan, answer);
  } catch {
    // Ctrl-D or Ctrl-C at the question: no.
    process.stderr.write('\n');
    return false;
  } finally {
    rl.close();
  }
}

/** The operation a live read is for: when the cluster cannot be reached at all, the command
 * stops before planning (exit 3), and history still says the operation was attempted. */
export interface LiveReadAttempt {
  /** As runPlanned records it (`start`, `snapshot create`). */
  action: string;
  cachePath: string | undefined;
}

/** Each guest as PVE reports it now (the cache can be a poll behind, and calls a paused VM
 * running); the cache's view when the cluster cannot be asked. A connection failure is thrown
 * (after recording each guest's attempt as failed, given `attempt`). */
export async function liveTargets(targets: GuestTarget[], opts: OperationCommandOptions, attempt?: LiveReadAttempt): Promise<GuestTarget[]> {
  let client: ReturnType<typeof createClient> | undefined;
  const startedAt = Date.now();
  try {
    client = createClient(loadConnectionSettings(opts));
    const api = client;
    return await Promise.all(targets.map(async (t) => liveTarget(t, await api.guest(t.type).status(t.node, t.vmid))));
  } catch (error) {
    if (isConnectionFailure(error)) {
      if (attempt) await recordUnreached(attempt, targets, error, startedAt, opts);
      throw error;
    }
    process.stderr.write(`proxmox-mpc: warning: planning from the cached state (the live one could not be read: ${safeText((error as Error).message)})\n`);
    return targets;
  } finally {
    client?.close();
  }
}

function resultLine(r: OperationResult): string {
  const who = `${r.target.type}/${r.target.vmid} ${safeText(r.target.name)}`;
  // The time a followed task took (a task not followed has none to tell).
  const took = r.durationMs !== undefined && r.outcome === 'done' && r.exitStatus !== undefined ? ` (${(r.durationMs / 1000).toFixed(1)} s)` : '';
  // A dry run's message is the calls, with volume ids and names as the API gave them.
  return `${who}: ${r.action} ${r.outcome}${took}: ${safeText(r.message)}`;
}

/** Records results in the history of the profile's cache (nothing without a cache; a failure
 * to record is a warning on stderr). */
function historyRecorder(cachePath: string | undefined, opts: OperationCommandOptions): { add(r: OperationResult, plan?: OperationPlan, startedAt?: number): Promise<void>; close(): void } {
  let recorder: ReturnType<typeof createRecorder> | undefined;
  let user: string | undefined;
  if (cachePath !== undefined) {
    try {
      const profile = resolveReadProfile(opts);
      if (profile.settings) user = userOf(profile.settings.auth);
      recorder = createRecorder({
        cachePath,
        profile: { name: profile.name, ...(profile.settings ? { endpoint: profile.settings.endpoint } : {}) },
        onWarning: (message) => process.stderr.write(`proxmox-mpc: warning: ${message}\n`),
      });
    } catch (error) {
      process.stderr.write(`proxmox-mpc: warning: operations not recorded in history: ${safeText((error as Error).message)}\n`);
    }
  }
  return {
    add: async (r, plan, startedAt) => recorder?.record([operationEntry(r, plan, { source: 'cli', ...(user !== undefined ? { user } : {}), ...(startedAt !== undefined ? { startedAt } : {}) })]),
    close: () => recorder?.close(),
  };
}

/** Each guest's operation as failed with the connection error (redacted when recorded). */
async function recordUnreached(attempt: LiveReadAttempt, targets: readonly GuestTarget[], error: unknown, startedAt: number, opts: OperationCommandOptions): Promise<void> {
  // Dry runs change nothing and are not recorded.
  const history = historyRecorder(opts.dryRun ? undefined : attempt.cachePath, opts);
  try {
    const message = safeText(error instanceof Error ? error.message : String(error));
    for (const target of targets) await history.add({ action: attempt.action, target, outcome: 'failed', message }, undefined, startedAt);
  } finally {
    history.close();
  }
}

/** The guests `refs` name (from the cache, each once, in the order given). */
export async function resolveTargets(command: string, kind: string, refs: readonly string[], opts: OperationCommandOptions): Promise<{ targets: GuestTarget[]; cachePath?: string }> {
  const type = parseGuestKind(kind, command);
  const ctx = await openReadContext(opts);
  try {
    const seen = new Set<string>();
    const targets: GuestTarget[] = [];
    for (const ref of refs) {
      const g = findGuest(ctx, type, ref, command);
      const key = guestKeyOf(g);
      if (!seen.has(key)) targets.push(targetOf(g));
      seen.add(key);
    }
    return { targets, ...(ctx.cachePath !== undefined ? { cachePath: ctx.cachePath } : {}) };
  } finally {
    ctx.close();
  }
}

/** Plans each guest, prints refusals and skips, then (unless --dry-run) confirms what is risky,
 * runs the rest at most --parallel at once, re-syncs, and sets the exit code. */
export async function runPlanned(
  action: string,
  targets: readonly GuestTarget[],
  plan: (target: GuestTarget) => OperationPlan | Refusal,
  cachePath: string | undefined,
  opts: OperationCommandOptions,
  /** explain: rewrites a finished run's result before it is printed (create names the flags a
   * PVE 400 is about). */
  hooks: { explain?(r: OperationResult): OperationResult } = {},
): Promise<OperationResult[]> {
  const results: OperationResult[] = [];
  const plans: OperationPlan[] = [];
  // Dry runs change nothing and are not recorded.
  const history = historyRecorder(opts.dryRun ? undefined : cachePath, opts);
  for (const t of targets) {
    const p = plan(t);
    if (!isRefusal(p)) plans.push(p);
    else results.push({ action, target: t, outcome: p.reason === 'not-applicable' ? 'skipped' : 'refused', message: p.message });
  }

  const json = opts.output === 'json';
  const print = (r: OperationResult): void => {
    if (!json) process.stdout.write(`${resultLine(r)}\n`);
  };
  for (const r of results) {
    print(r);
    await history.add(r);
  }

  if (opts.dryRun) {
    for (const p of plans) {
      const r: OperationResult = { action, target: p.target, outcome: 'planned', message: p.calls.map(describeCall).join('; ') };
      results.push(r);
      print(r);
    }
    return finish(inOrder(results, targets), json);
  }

  // Confirm what is risky: on the terminal, or --yes; never a prompt without one.
  const confirmed: OperationPlan[] = [];
  for (const p of plans) {
    if (confirmationFor(p.risk) === 'none' || opts.yes) confirmed.push(p);
    else if (!process.stdin.isTTY) {
      const r: OperationResult = { action, target: p.target, outcome: 'refused', message: unconfirmedMessage(p) };
      results.push(r);
      print(r);
      await history.add(r, p);
    } else if (await ask(p)) confirmed.push(p);
    else {
      const r: OperationResult = { action, target: p.target, outcome: 'refused', message: 'not confirmed' };
      results.push(r);
      print(r);
      await history.add(r, p);
    }
  }

  if (confirmed.length > 0) {
    const settings = loadConnectionSettings(opts);
    const client = createClient(settings);
    try {
      if (!json && confirmed.length > 1) process.stderr.write(`${action}: ${confirmed.length} guests, ${Math.min(opts.parallel ?? DEFAULT_PARALLEL, confirmed.length)} at a time...\n`);
      const done = await runBounded(confirmed, opts.parallel ?? DEFAULT_PARALLEL, async (p) => {
        const startedAt = Date.now();
        let executed: OperationResult;
        try {
          executed = await loggedPlan(p, 'cli', () => executePlan(client, p, { wait: opts.wait !== false, ...(opts.timeout !== undefined ? { timeoutMs: opts.timeout * 1000 } : {}) }));
        } catch (error) {
          // The cluster cannot be reached: the run ends here, and what was tried is recorded.
          await history.add({ action: p.action, target: p.target, outcome: 'failed', message: safeText((error as Error).message) }, p, startedAt);
          throw error;
        }
        const r = hooks.explain ? hooks.explain(executed) : executed;
        print(r);
        await history.add(r, p, startedAt);
        return r;
      });
      results.push(...done);
    } finally {
      client.close();
      history.close();
    }
    // A targeted re-sync: what changed reaches the cache (the configs it already has are trusted).
    // A plan that failed half-way changed something too (a create left its guest).
    if (cachePath !== undefined && results.some((r) => r.outcome === 'done' || (r.completedCalls ?? 0) > 0)) {
      const { runSyncOnce } = await import('./sync.js');
      const quiet = new Writable({ write: (_c, _e, cb) => cb() });
      await runSyncOnce(settings, cachePath, { stderr: quiet, summaryTo: quiet, collect: { trustCachedConfigs: true } }).catch((error: unknown) => {
        process.stderr.write(`proxmox-mpc: warning: the cache was not refreshed after ${action}: ${safeText((error as Error).message)}\n`);
      });
    }
  }
  history.close();
  return finish(inOrder(results, targets), json);
}

/** Results in the order the guests were given (refusals are known first, tasks end later). */
function inOrder(results: OperationResult[], targets: readonly GuestTarget[]): OperationResult[] {
  const index = new Map(targets.map((t, i) => [guestKeyOf(t), i]));
  const at = (r: OperationResult): number => index.get(guestKeyOf(r.target)) ?? 0;
  return [...results].sort((a, b) => at(a) - at(b));
}

/** 1 when a task failed, 4 when something was refused, else 0. */
export function exitCodeFor(results: readonly OperationResult[]): ExitCodeValue {
  return results.some((r) => r.outcome === 'failed') ? ExitCode.failure : results.some((r) => r.outcome === 'refused') ? ExitCode.refused : ExitCode.ok;
}

/** The summary line (stderr), the JSON (stdout), and the exit code (exitCodeFor); the results
 * are returned for what a command does next (shutdown's offer to stop). */
function finish(results: OperationResult[], json: boolean): OperationResult[] {
  const count = (o: OperationResult['outcome']) => results.filter((r) => r.outcome === o).length;
  if (json) {
    process.stdout.write(
      toJson(
        results.map((r) => ({ action: r.action, guest: guestKeyOf(r.target), name: r.target.name, node: r.target.node, outcome: r.outcome, message: r.message, upid: r.upid ?? null, exitStatus: r.exitStatus ?? null, durationMs: r.durationMs ?? null })),
      ),
    );
  } else if (results.length > 1) {
    const parts = (['done', 'planned', 'failed', 'refused', 'skipped'] as const).filter((o) => count(o) > 0).map((o) => `${count(o)} ${o}`);
    process.stderr.write(`${parts.join(', ')}\n`);
  }
  process.exitCode = exitCodeFor(results);
  return results;
}

