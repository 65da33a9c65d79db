// The lifecycle actions as data: per action its risk, where it applies, what it does and what
// it could lose, and the one API call it makes. Planning checks read-only mode and locks first.
import { apiPath } from '../proxmox/params.js';
import { guestLabel, type ApiCall, type GuestTarget, type OperationPlan, type Refusal, type RiskLevel } from './types.js';

export type PowerAction = 'start' | 'stop' | 'shutdown' | 'reboot' | 'reset' | 'suspend' | 'resume';
export const POWER_ACTIONS: readonly PowerAction[] = ['start', 'stop', 'shutdown', 'reboot', 'reset', 'suspend', 'resume'];

export interface PowerOptions {
  /** shutdown: seconds to wait for the guest OS. */
  timeoutSeconds?: number;
  /** shutdown: stop the guest when the timeout passes. */
  forceStop?: boolean;
}

interface PowerDef {
  risk: RiskLevel;
  /** Why it does not apply to this guest now (undefined: it applies). */
  notApplicable(t: GuestTarget): string | undefined;
  summary(t: GuestTarget, o: PowerOptions): string;
  loss?(t: GuestTarget): string;
  params?(t: GuestTarget, o: PowerOptions): Record<string, string | number>;
  /** The PVE endpoint under status/, when it differs from the action's name. */
  endpoint?: string;
}

const isRunning = (t: GuestTarget): boolean => t.status === 'running';
const isPaused = (t: GuestTarget): boolean => t.status === 'paused' || t.status === 'suspended';

const needsRunning = (verb: string) => (t: GuestTarget) => (isRunning(t) ? undefined : `it is ${t.status}: only a running guest can be ${verb}`);

export const POWER: Readonly<Record<PowerAction, PowerDef>> = {
  start: {
    risk: 'low',
    notApplicable: (t) => (isRunning(t) ? 'it is already running' : isPaused(t) ? `it is ${t.status}: resume it instead` : undefined),
    summary: (t) => `start ${guestLabel(t)} on ${t.node}`,
  },
  shutdown: {
    risk: 'medium',
    notApplicable: needsRunning('shut down'),
    summary: (t, o) =>
      `shut down ${guestLabel(t)} on ${t.node} cleanly${o.timeoutSeconds !== undefined ? `, waiting up to ${o.timeoutSeconds} s` : ''}${o.forceStop ? ', then stop it if it has not' : ''}`,
    loss: (t) => `its services stop; ${t.name || 'the guest'} is unreachable until started again`,
    params: (_t, o) => ({ ...(o.timeoutSeconds !== undefined ? { timeout: o.timeoutSeconds } : {}), ...(o.forceStop ? { forceStop: 1 } : {}) }),
  },
  reboot: {
    risk: 'medium',
    notApplicable: needsRunning('rebooted'),
    summary: (t) => `reboot ${guestLabel(t)} on ${t.node} cleanly`,
    loss: () => 'its services are down while it restarts',
  },
  stop: {
    risk: 'high',
    notApplicable: (t) => (isRunning(t) || isPaused(t) ? undefined : `it is ${t.status}: nothing to stop`),
    summary: (t) => `stop ${guestLabel(t)} on ${t.node} at once, like pulling the power`,
    loss: () => 'anything the guest has not written to disk is lost',
  },
  reset: {
    risk: 'high',
    notApplicable: (t) => (t.type !== 'qemu' ? 'containers cannot be reset: use reboot or stop' : needsRunning('reset')(t)),
    summary: (t) => `reset ${guestLabel(t)} on ${t.node} at once, like pressing its reset button`,
    loss: () => 'anything the guest has not written to disk is lost',
  },
  suspend: {
    risk: 'medium',
    notApplicable: needsRunning('suspended'),
    summary: (t) => `suspend ${guestLabel(t)} on ${t.node} (paused in memory)`,
    loss: () => 'it stops answering until resumed',
  },
  resume: {
    risk: 'low',
    notApplicable: (t) => (isPaused(t) || t.lock === 'suspended' ? undefined : `it is ${t.status}: only a paused or suspended guest can be resumed`),
    summary: (t) => `resume ${guestLabel(t)} on ${t.node}`,
  },
};

export function isPowerAction(value: string): value is PowerAction {
  return (POWER_ACTIONS as readonly string[]).includes(value);
}

export interface PlanContext {
  readOnly: boolean;
}

/** The plan for one guest, or why it is refused (read-only, locked, not applicable). */
export function planPower(action: PowerAction, target: GuestTarget, ctx: PlanContext, options: PowerOptions = {}): OperationPlan | Refusal {
  const def = POWER[action];
  if (ctx.readOnly) return { action, target, reason: 'read-only', message: `read-only mode: ${action} is refused (drop --read-only or console.readOnly to act)` };
  if (target.template) return { action, target, reason: 'not-applicable', message: `${guestLabel(target)} is a template: templates do not run (clone it instead)` };
  // A VM suspended to disk holds the `suspended` lock until it is started or resumed again.
  const lockAllows = target.lock === 'suspended' && (action === 'start' || action === 'resume');
  if (target.lock && !lockAllows) return { action, target, reason: 'locked', message: `${guestLabel(target)} is locked (${target.lock}): wait for the ${target.lock} to finish` };
  const why = def.notApplicable(target);
  if (why !== undefined) return { action, target, reason: 'not-applicable', message: `${guestLabel(target)}: ${why}` };
  const params = def.params?.(target, options);
  const call: ApiCall = {
    method: 'POST',
    path: apiPath`/nodes/${target.node}/${target.type}/${target.vmid}/status/${def.endpoint ?? action}`,
    ...(params && Object.keys(params).length > 0 ? { params } : {}),
  };
  const loss = def.loss?.(target);
  return { action, target, risk: def.risk, calls: [call], summary: def.summary(target, options), ...(loss ? { loss } : {}) };
}

/** The state PVE reports for a guest right now: `/cluster/resources` (and so the cache) calls
 * a paused VM `running`; its own status says `qmpstatus: paused`. */
export function liveTarget(target: GuestTarget, status: { status: string; qmpstatus?: string; lock?: string; node?: string }): GuestTarget {
  const paused = status.qmpstatus === 'paused' || status.qmpstatus === 'suspended' || status.qmpstatus === 'prelaunch';
  const { lock: _cachedLock, ...rest } = target;
  return { ...rest, status: paused ? (status.qmpstatus as string) : status.status, ...(status.lock ? { lock: status.lock } : {}) };
}

/** The stop for a guest whose shutdown did not finish: it also ends a shutdown task still
 * running (PVE's overrule-shutdown), which would otherwise hold the guest. */
export function forceStopPlan(plan: OperationPlan): OperationPlan {
  return { ...plan, calls: plan.calls.map((c) => ({ ...c, params: { ...c.params, 'overrule-shutdown': 1 } })) };
}

export function isRefusal(value: OperationPlan | Refusal): value is Refusal {
  return 'reason' in value;
}
