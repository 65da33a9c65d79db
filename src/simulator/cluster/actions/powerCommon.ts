// Shared by the power actions: the checks both kinds make and the root-only options.

import type { SimRequest } from '../../types.js';
import { guestType, onlyRoot } from '../errors.js';
import type { Guest, GuestKind } from '../model.js';
import { flag, int, isRoot } from './context.js';

export type PowerAction = 'start' | 'stop' | 'shutdown' | 'reboot' | 'reset' | 'suspend' | 'resume';

/** qemu-server check_running on a vmid whose config is not on this node. */
export function notOnNode(kind: GuestKind, node: string, vmid: number): string {
  return `unable to find configuration file for ${guestType(kind)} ${vmid} on node '${node}'`;
}

/** Options only root@pam may use (`$get_root_param`): refused when given a true value. */
export function requireRootFor(req: SimRequest, ...params: string[]): void {
  for (const p of params) {
    const v = req.params[p];
    const given = v !== undefined && v !== '' && v !== 0 && v !== '0';
    if (given && !isRoot(req)) throw onlyRoot(p);
  }
}

/** Re-reads the state after an await (TypeScript would keep the earlier narrowing). */
export function isRunning(guest: Guest): boolean {
  return guest.status === 'running';
}

/** A shutdown's `timeout` (seconds the guest OS gets) and `forceStop` (stop it after that). */
export interface ShutdownLimits {
  timeoutSeconds?: number;
  forceStop?: boolean;
}

export function shutdownLimits(req: SimRequest): ShutdownLimits {
  const timeoutSeconds = int(req, 'timeout');
  return { ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}), ...(flag(req, 'forceStop') ? { forceStop: true } : {}) };
}
