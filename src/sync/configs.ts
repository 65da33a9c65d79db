// One guest's config and, when they may have changed, its snapshots.
import type { GuestRow, SnapshotRow } from '../db/model.js';
import type { ProxmoxClient } from '../proxmox/client.js';
import type { CallOptions } from '../proxmox/caller.js';
import { apiPath } from '../proxmox/params.js';
import { asRecord, type Snapshot } from '../proxmox/types.js';
import { toStr } from '../proxmox/values.js';

export type ConfigClient = Pick<ProxmoxClient, 'get' | 'guest'>;

export interface FetchedConfig {
  config: Record<string, string | number>;
  digest?: string;
  /** Undefined when the snapshots were not read (the config file, and so they, did not change)
   * or could not be (snapshotsError). */
  snapshots?: SnapshotRow[];
  snapshotsError?: unknown;
  /** Requests made (1 or 2). */
  requests: number;
}

export interface FetchConfigOptions extends CallOptions {
  /** The digest cached for this guest: the same digest means the same file, snapshots included. */
  previousDigest?: string;
  /** Read the snapshots even if the digest did not change (a snapshot task named the guest). */
  forceSnapshots?: boolean;
}

/** The config as GET .../config sends it, as flat key -> value (without `digest`). Booleans
 * become 1/0 as PVE sends them; LXC's raw `lxc.*` pairs become one key each, as in the file. */
export function flattenConfig(raw: Readonly<Record<string, unknown>>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'digest' || value === undefined || value === null) continue;
    if (typeof value === 'number' || typeof value === 'string') out[key] = value;
    else if (typeof value === 'boolean') out[key] = value ? 1 : 0;
    else if (key === 'lxc' && Array.isArray(value)) {
      for (const pair of value) {
        if (!Array.isArray(pair) || pair.length < 2) continue;
        const k = String(pair[0]);
        const v = String(pair[1]);
        const prev = out[k];
        out[k] = prev === undefined ? v : `${String(prev)}\n${v}`;
      }
    } else out[key] = JSON.stringify(value);
  }
  return out;
}

export function snapshotRows(guest: Pick<GuestRow, 'type' | 'vmid'>, list: readonly Snapshot[]): SnapshotRow[] {
  const rows: SnapshotRow[] = [];
  for (const s of list) {
    if (s.name === 'current') continue; // PVE's marker for "now", not a snapshot
    const row: SnapshotRow = { type: guest.type, vmid: guest.vmid, name: s.name, vmstate: s.vmstate === true };
    if (s.parent !== undefined) row.parent = s.parent;
    if (s.description !== undefined) row.description = s.description;
    if (s.snaptime !== undefined) row.snaptime = s.snaptime;
    rows.push(row);
  }
  return rows;
}

export async function fetchGuestConfig(client: ConfigClient, guest: Pick<GuestRow, 'type' | 'vmid' | 'node'>, options: FetchConfigOptions = {}): Promise<FetchedConfig> {
  const call: CallOptions = options.signal ? { signal: options.signal } : {};
  // The raw answer (the typed normaliser's fields are not needed here: the cache keeps the
  // config as PVE sends it, and at 10,000 guests every microsecond per config counts).
  const raw = asRecord(await client.get(apiPath`/nodes/${guest.node}/${guest.type}/${guest.vmid}/config`, undefined, call), `${guest.type} config`);
  const digest = toStr(raw.digest);
  const result: FetchedConfig = { config: flattenConfig(raw), requests: 1 };
  if (digest !== undefined) result.digest = digest;
  const fileChanged = digest === undefined || digest !== options.previousDigest;
  if (!fileChanged && !options.forceSnapshots) return result;
  // PVE keeps `parent` in the current config while the guest has snapshots (it names the
  // snapshot the current state descends from); without it there are none to list.
  if (result.config.parent === undefined) {
    result.snapshots = [];
    return result;
  }
  try {
    result.requests++;
    result.snapshots = snapshotRows(guest, await client.guest(guest.type).snapshots(guest.node, guest.vmid, call));
  } catch (error) {
    if (options.signal?.aborted) throw error;
    result.snapshotsError = error;
  }
  return result;
}
