// The permission hook list endpoints use to leave out what the caller may not see, and the
// 403 PVE answers when a single object is out of reach.

import type { SimRequest } from '../../types.js';
import { permissionDenied } from '../errors.js';

/** Whether the caller holds `priv` on `aclPath` (e.g. `/vms/100`, `VM.Audit`). */
export type CanSee = (req: SimRequest, aclPath: string, priv: string) => boolean;

export const allowAll: CanSee = () => true;

export function requirePriv(canSee: CanSee, req: SimRequest, aclPath: string, priv: string): void {
  if (!canSee(req, aclPath, priv)) throw permissionDenied(`${aclPath}, ${priv}`);
}
