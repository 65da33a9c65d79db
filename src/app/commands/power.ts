// `proxmox-mpc start|stop|shutdown|reboot|reset|suspend|resume vm|ct|guest <id|name>...`: the
// lifecycle actions through the shared operation run (operationRun.ts). A shutdown that ends
// with the guest still running (its OS did not finish in time) is followed by an offer to stop
// it: on a terminal a y/N question, without one the commands that would force it.
import { guestKeyOf } from '../../db/model.js';
import { forceStopPlan, isRefusal, planPower, type PowerAction, type PowerOptions } from '../../operations/power.js';
import { guestLabel, type OperationPlan, type OperationResult } from '../../operations/types.js';
import { safeText } from '../../util/terminalText.js';
import { ask, exitCodeFor, isReadOnly, liveTargets, resolveTargets, runPlanned, type OperationCommandOptions } from './operationRun.js';

/** How much longer than its own timeout a shutdown task is followed. */
const SHUTDOWN_GRACE_SECONDS = 15;

export async function runPower(action: PowerAction, kind: string, refs: string[], opts: OperationCommandOptions): Promise<void> {
  const { targets, cachePath } = await resolveTargets(action, kind, refs, opts);
  const power: PowerOptions = {
    ...(action === 'shutdown' && opts.timeout !== undefined ? { timeoutSeconds: opts.timeout } : {}),
    ...(opts.forceStop ? { forceStop: true } : {}),
  };
  const readOnly = isReadOnly(opts);
  // A shutdown's --timeout is PVE's: its task ends a little after it (failed, or stopped with
  // --force-stop), so it is followed that much longer to tell which.
  const follow = action === 'shutdown' && opts.timeout !== undefined ? { ...opts, timeout: opts.timeout + SHUTDOWN_GRACE_SECONDS } : opts;
  const results = await runPlanned(action, await liveTargets(targets, opts, { action, cachePath }), (t) => planPower(action, t, { readOnly }, power), cachePath, follow);
  if (action === 'shutdown' && !opts.forceStop) await offerForceStop(results, cachePath, opts);
}

async function offerForceStop(results: readonly OperationResult[], cachePath: string | undefined, opts: OperationCommandOptions): Promise<void> {
  const failed = results.filter((r) => r.outcome === 'failed' && r.upid !== undefined);
  if (failed.length === 0) return;
  const readOnly = isReadOnly(opts);
  const stuck = (await liveTargets(failed.map((r) => r.target), opts)).filter((t) => t.status === 'running');
  const after = opts.timeout !== undefined ? `after ${opts.timeout} s` : 'after its shutdown failed';
  const plans = new Map<string, OperationPlan>();
  for (const t of stuck) {
    const plan = planPower('stop', t, { readOnly });
    if (isRefusal(plan)) continue;
    const label = guestLabel(t);
    const kind = t.type === 'qemu' ? 'vm' : 'ct';
    if (!process.stdin.isTTY || opts.output === 'json') {
      const timeout = opts.timeout !== undefined ? ` --timeout ${opts.timeout}` : '';
      process.stderr.write(`proxmox-mpc: ${safeText(label)} is still running ${after}: force it with proxmox-mpc shutdown ${kind} ${t.vmid}${timeout} --force-stop, or proxmox-mpc stop ${kind} ${t.vmid}\n`);
    } else if (await ask(plan, `${label} is still running ${after}: stop it now? [y/N]`)) {
      plans.set(guestKeyOf(t), forceStopPlan(plan));
    }
  }
  if (plans.size === 0) return;
  const confirmed = stuck.filter((t) => plans.has(guestKeyOf(t)));
  // Already confirmed: the run asks nothing more; --timeout was the shutdown's, not the stop's.
  const { timeout: _shutdownTimeout, ...rest } = opts;
  const stops = await runPlanned('stop', confirmed, (t) => plans.get(guestKeyOf(t))!, cachePath, { ...rest, yes: true });
  // A shutdown that a stop finished is no longer a failure; the rest of the run still counts.
  const stopped = new Set(stops.filter((r) => r.outcome === 'done').map((r) => guestKeyOf(r.target)));
  process.exitCode = exitCodeFor([...results.filter((r) => !stopped.has(guestKeyOf(r.target))), ...stops]);
}
