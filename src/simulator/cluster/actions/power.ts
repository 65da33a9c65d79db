// Dispatches POST .../status/<action> to the qemu or lxc implementation.

import type { SimRequest } from '../../types.js';
import type { Cluster } from '../cluster.js';
import type { GuestKind } from '../model.js';
import { lxcPower } from './lxcPower.js';
import type { PowerAction } from './powerCommon.js';
import { qemuPower } from './qemuPower.js';

export type { PowerAction };
export { lxcStartScript, lxcStopScript } from './lxcPower.js';
export { qemuStartScript, qemuStopScript } from './qemuPower.js';

export function powerAction(cluster: Cluster, kind: GuestKind, action: PowerAction, req: SimRequest): string {
  return kind === 'qemu' ? qemuPower(cluster, action, req) : lxcPower(cluster, action, req);
}
