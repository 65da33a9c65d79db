// One operation on a guest in the log: `operation started` / `operation ended` with its own
// correlation id, the guest, the risk, where it came from (cli, console) and how it ended.
import type { OperationPlan, OperationResult } from '../operations/types.js';
import { loggedOperation } from './log.js';

export function loggedPlan(plan: OperationPlan, source: 'cli' | 'console', run: () => Promise<OperationResult>): Promise<OperationResult> {
  const t = plan.target;
  return loggedOperation(
    'operation',
    { source, action: plan.action, guest: `${t.type}/${t.vmid}`, name: t.name, node: t.node, risk: plan.risk },
    run,
    (r) => ({ outcome: r.outcome, upid: r.upid, exitStatus: r.exitStatus, ...(r.outcome === 'failed' ? { error: r.message } : {}) }),
  );
}
