// Guests travel to and from SQLite as positional tuples (GUEST_COLUMNS order): at 100,000 rows,
// raw arrays and fixed-shape objects cost a third of what row objects do.
import { GUEST_FIGURE_FIELDS, type GuestRow, type GuestType } from './model.js';

export type SqlValue = string | number | null;
export type GuestTuple = SqlValue[];

/** Column order of every guest tuple. */
export const GUEST_COLUMNS = [
  'type',
  'vmid',
  'node',
  'name',
  'status',
  'template',
  'tags',
  'pool',
  'lock',
  'hastate',
  'cpu',
  'maxcpu',
  'mem',
  'maxmem',
  'disk',
  'maxdisk',
  'uptime',
  'netin',
  'netout',
  'diskread',
  'diskwrite',
  'config',
  'config_digest',
  'config_fingerprint',
] as const;

export type GuestColumn = (typeof GUEST_COLUMNS)[number];

export const G = Object.fromEntries(GUEST_COLUMNS.map((c, i) => [c, i])) as { readonly [K in GuestColumn]: number };

/** Optional GuestRow fields stored as they are (NULL when absent) that are not live figures. */
const OPTIONAL_FIELDS = ['pool', 'lock', 'hastate', 'maxcpu', 'maxmem', 'maxdisk'] as const satisfies readonly (keyof GuestRow & GuestColumn)[];
const OPTIONAL_INDEX = OPTIONAL_FIELDS.map((f) => G[f]);
/** Column indexes of the live figures, in GUEST_FIGURE_FIELDS order. */
export const FIGURE_INDEX: readonly number[] = GUEST_FIGURE_FIELDS.map((f) => G[f]);

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/** The tuple to write for an observed guest. `configText` null: keep the stored config (and a
 * NULL digest/fingerprint keeps the stored ones). */
export function guestTuple(g: GuestRow, configText: string | null): GuestTuple {
  return [
    g.type,
    g.vmid,
    g.node,
    g.name,
    g.status,
    g.template ? 1 : 0,
    g.tags.join(';'),
    orNull(g.pool),
    orNull(g.lock),
    orNull(g.hastate),
    orNull(g.cpu),
    orNull(g.maxcpu),
    orNull(g.mem),
    orNull(g.maxmem),
    orNull(g.disk),
    orNull(g.maxdisk),
    orNull(g.uptime),
    orNull(g.netin),
    orNull(g.netout),
    orNull(g.diskread),
    orNull(g.diskwrite),
    configText,
    orNull(g.configDigest),
    orNull(g.configFingerprint),
  ];
}

function tagsEqual(stored: SqlValue, tags: string[]): boolean {
  if (tags.length === 0) return stored === '';
  if (tags.length === 1) return stored === tags[0];
  return stored === tags.join(';');
}

/** The fields (model names) other than the config columns and the live figures in which the
 * observed guest differs from the stored tuple; undefined when none (no allocation on the
 * no-change path). */
export function plainGuestChanges(stored: GuestTuple, g: GuestRow): string[] | undefined {
  let out: string[] | undefined;
  if (stored[G.node] !== g.node) (out ??= []).push('node');
  if (stored[G.name] !== g.name) (out ??= []).push('name');
  if (stored[G.status] !== g.status) (out ??= []).push('status');
  if (stored[G.template] !== (g.template ? 1 : 0)) (out ??= []).push('template');
  if (!tagsEqual(stored[G.tags] ?? null, g.tags)) (out ??= []).push('tags');
  for (let i = 0; i < OPTIONAL_FIELDS.length; i++) {
    const field = OPTIONAL_FIELDS[i]!;
    const value = g[field];
    if (stored[OPTIONAL_INDEX[i]!] !== (value === undefined ? null : value)) (out ??= []).push(field);
  }
  return out;
}

/** Whether the observed guest's live figures differ from the stored tuple's. */
export function guestFiguresDiffer(stored: GuestTuple, g: GuestRow): boolean {
  for (let i = 0; i < GUEST_FIGURE_FIELDS.length; i++) {
    const value = g[GUEST_FIGURE_FIELDS[i]!];
    if (stored[FIGURE_INDEX[i]!] !== (value === undefined ? null : value)) return true;
  }
  return false;
}

/** The observed guest's live figures, in GUEST_FIGURE_FIELDS order (NULL when absent). */
export function guestFigureValues(g: GuestRow): (number | null)[] {
  return GUEST_FIGURE_FIELDS.map((f) => orNull(g[f]));
}

const u = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

/** A stored tuple as a GuestRow (fixed shape: absent optional fields are undefined). The config
 * column holds JSON text, or is left out when `withConfig` is false. */
export function guestFromTuple(r: GuestTuple, withConfig = true): GuestRow {
  const tags = r[6] as string;
  const config = withConfig ? (r[21] as string | null) : null;
  return {
    type: r[0] as GuestType,
    vmid: r[1] as number,
    node: r[2] as string,
    name: r[3] as string,
    status: r[4] as string,
    template: r[5] === 1,
    tags: tags === '' ? [] : tags.split(';'),
    pool: u(r[7] as string | null),
    lock: u(r[8] as string | null),
    hastate: u(r[9] as string | null),
    cpu: u(r[10] as number | null),
    maxcpu: u(r[11] as number | null),
    mem: u(r[12] as number | null),
    maxmem: u(r[13] as number | null),
    disk: u(r[14] as number | null),
    maxdisk: u(r[15] as number | null),
    uptime: u(r[16] as number | null),
    netin: u(r[17] as number | null),
    netout: u(r[18] as number | null),
    diskread: u(r[19] as number | null),
    diskwrite: u(r[20] as number | null),
    config: config === null ? undefined : (JSON.parse(config) as Record<string, string | number>),
    configDigest: u(r[22] as string | null),
    configFingerprint: u(r[23] as string | null),
  };
}
