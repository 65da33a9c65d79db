// How a drift report reads, shared by `proxmox-mpc drift` (driftCommand.ts) and the console's
// drift screen (src/screens/driftModel.ts). Pure and free of the HCL parser, so that the
// console's first chunk does not load it.
import type { GuestType } from '../../db/model.js';
import { safeText } from '../../util/terminalText.js';
import type { DriftReport } from './drift.js';

/** An attribute's value as one line: `(absent)`, `"text"`, `2048`, `["a","b"]`. */
export function driftValueText(v: unknown): string {
  return safeText(v === null || v === undefined ? '(absent)' : JSON.stringify(v));
}

/** The guest type a resource type stands for. */
export function guestTypeOfResource(resourceType: string): GuestType {
  return resourceType.endsWith('_container') ? 'lxc' : 'qemu';
}

/** `vm` or `ct`, as the CLI prints a guest's kind. */
export function kindOfResource(resourceType: string): 'vm' | 'ct' {
  return guestTypeOfResource(resourceType) === 'lxc' ? 'ct' : 'vm';
}

/** The one-line verdict: `no drift: 36 guests match the code` or the counts of each section. */
export function driftSummary(r: Pick<DriftReport, 'drift' | 'notInCode' | 'noGuest' | 'changed' | 'matching'>): string {
  return r.drift
    ? `drift: ${r.notInCode.length} not in code, ${r.noGuest.length} with no guest, ${r.changed.length} changed`
    : `no drift: ${r.matching} guest${r.matching === 1 ? '' : 's'} match the code`;
}
