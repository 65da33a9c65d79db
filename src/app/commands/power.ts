// `proxmox-mpc start|stop|shutdown|reboot|reset|suspend|resume vm|ct|guest <id|name>...`: the
// lifecycle actions through the shared operation run (operationRun.ts).
import { planPower, type PowerAction, type PowerOptions } from '../../operations/power.js';
import { isReadOnly, liveTargets, resolveTargets, runPlanned, type OperationCommandOptions } from './operationRun.js';


export async function runPower(action: PowerAction, kind: string, refs: string[], opts: OperationCommandOptions): Promise<void> {
  const { targets, cachePath } = await resolveTargets(action, kind, refs, opts);
  const power: PowerOptions = {
    ...(action === 'shutdown' && opts.timeout !== undefined ? { timeoutSeconds: opts.timeout } : {}),
    ...(opts.forceStop ? { forceStop: true } : {}),
  };
  const readOnly = isReadOnly(opts);
  await runPlanned(action, await liveTargets(targets, opts), (t) => planPower(action, t, { readOnly }, power), cachePath, opts);
}

