// Config edits as operations: tags added or removed, and the basics (cores, memory, on-boot,
// description). Each is one PUT of the changed keys; the risk is MEDIUM (a config edit), and
// the summary says each change as old -> new.
import { apiPath } from '../proxmox/params.js';
import { commonRefusal } from './common.js';
import { guestLabel, type GuestTarget, type OperationPlan, type Refusal } from './types.js';

const TAG = /^[a-z0-9_][a-z0-9_\-+.]*$/i;

/** Why a tag is not one PVE takes (undefined: fine). */
export function tagProblem(tag: string): string | undefined {
  return TAG.test(tag) ? undefined : `'${tag}' is not a tag: letters, digits and _ - + . (not starting with - + .), e.g. web or prod-db`;
}

/** `2048`, `2048M`, `2G`, `1.5GiB` -> MiB (PVE's memory unit); undefined when it is not a size. */
export function parseMemoryMiB(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(m|mb|mib|g|gb|gib)?$/i.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = (m[2] ?? 'm').toLowerCase();
  const mib = unit.startsWith('g') ? value * 1024 : value;
  return Number.isInteger(mib) ? mib : undefined;
}

export interface ConfigChanges {
  cores?: number;
  /** MiB. */
  memory?: number;
  onboot?: boolean;
  description?: string;
  /** The tag list as it should be. */
  tags?: readonly string[];
}

/** The guest's current values of the keys a change touches (from its config, read live). */
export type CurrentConfig = Readonly<Record<string, string | number | undefined>>;

const show = (v: string | number | undefined): string => (v === undefined || v === '' ? '(unset)' : String(v));

/** One PUT of what differs from `current`; `digest` (the config's, read with it) makes PVE
 * refuse the edit if someone else changed the config in between. */
export function planConfig(target: GuestTarget, changes: ConfigChanges, current: CurrentConfig, ctx: { readOnly: boolean; digest?: string }, action = 'set'): OperationPlan | Refusal {
  const label = guestLabel(target);
  const common = commonRefusal(action, target, ctx);
  if (common) return common;
  const params: Record<string, string | number> = {};
  if (changes.cores !== undefined) params.cores = changes.cores;
  if (changes.memory !== undefined) params.memory = changes.memory;
  if (changes.onboot !== undefined) params.onboot = changes.onboot ? 1 : 0;
  if (changes.description !== undefined) params.description = changes.description;
  if (changes.tags !== undefined) params.tags = changes.tags.join(';');
  // Only what differs from now.
  for (const key of Object.keys(params)) if (String(current[key] ?? '') === String(params[key])) delete params[key];
  if (Object.keys(params).length === 0) return { action, target, reason: 'not-applicable', message: `${label}: nothing to change (it already is so)` };
  const parts = Object.entries(params).map(([k, v]) => `${k} ${show(current[k])} -> ${show(v)}`);
  return {
    action,
    target,
    risk: 'medium',
    calls: [{ method: 'PUT', path: apiPath`/nodes/${target.node}/${target.type}/${target.vmid}/config`, params: ctx.digest ? { ...params, digest: ctx.digest } : params }],
    summary: `change ${label}: ${parts.join(', ')}${target.status === 'running' && (params.cores !== undefined || params.memory !== undefined) ? ' (CPU and memory apply at once only where they are hot-pluggable, else at the next start)' : ''}`,
  };
}

/** The tag list after adding and removing (PVE compares tags case-insensitively; order kept). */
export function nextTags(current: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  const gone = new Set(remove.map((t) => t.toLowerCase()));
  const out = current.filter((t) => !gone.has(t.toLowerCase()));
  for (const t of add) if (!out.some((o) => o.toLowerCase() === t.toLowerCase())) out.push(t);
  return out;
}
