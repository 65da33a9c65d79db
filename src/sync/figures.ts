// The live figures of one poll (guest and node cpu/mem/disk/uptime/net/io, storage usage), for
// the console's live bars. The cache writes them at most once a minute (they are no change);
// the sync posts them on every poll as one compact frame: the guests' figures in typed arrays
// (structured-cloned as one block each, or transferred), nodes and storage as short tuples.
import {
  GUEST_FIGURE_FIELDS,
  type ClusterObservation,
  type GuestFigures,
  type GuestKey,
  type GuestType,
  NODE_FIGURE_FIELDS,
  type NodeRow,
  STORAGE_FIGURE_FIELDS,
  type StorageRow,
} from '../db/model.js';

/** Figures per guest in `FiguresFrame.guests.values`, in GUEST_FIGURE_FIELDS order. */
export const GUEST_FIGURES_STRIDE = GUEST_FIGURE_FIELDS.length;

const TYPE_CODES: readonly GuestType[] = ['qemu', 'lxc'];

/** `[node, cpu, mem, disk, uptime]` (NODE_FIGURE_FIELDS order; null when not reported). */
export type NodeFigures = [node: string, ...values: (number | null)[]];
/** `[node, storage, used, avail, total]` (STORAGE_FIGURE_FIELDS order). */
export type StorageFigures = [node: string, storage: string, ...values: (number | null)[]];

export interface FiguresFrame {
  /** Epoch ms the figures were observed. */
  at: number;
  guests: {
    vmids: Uint32Array;
    /** 0 qemu, 1 lxc. */
    types: Uint8Array;
    /** GUEST_FIGURES_STRIDE values per guest, in GUEST_FIGURE_FIELDS order; NaN when not reported. */
    values: Float64Array;
  };
  nodes: NodeFigures[];
  storage: StorageFigures[];
}

const num = (value: number | undefined): number => (value === undefined ? Number.NaN : value);
const orNull = (value: number | undefined): number | null => (value === undefined ? null : value);

/** The frame of an observation. */
export function figuresFrame(obs: Pick<ClusterObservation, 'at' | 'guests' | 'nodes' | 'storage'>): FiguresFrame {
  const count = obs.guests.length;
  const vmids = new Uint32Array(count);
  const types = new Uint8Array(count);
  const values = new Float64Array(count * GUEST_FIGURES_STRIDE);
  for (let i = 0; i < count; i++) {
    const g = obs.guests[i]!;
    vmids[i] = g.vmid;
    types[i] = g.type === 'lxc' ? 1 : 0;
    const base = i * GUEST_FIGURES_STRIDE;
    for (let f = 0; f < GUEST_FIGURES_STRIDE; f++) values[base + f] = num(g[GUEST_FIGURE_FIELDS[f]!]);
  }
  return {
    at: obs.at,
    guests: { vmids, types, values },
    nodes: obs.nodes.map((n: NodeRow): NodeFigures => [n.node, ...NODE_FIGURE_FIELDS.map((f) => orNull(n[f]))]),
    storage: (obs.storage ?? []).map((s: StorageRow): StorageFigures => [s.node, s.storage, ...STORAGE_FIGURE_FIELDS.map((f) => orNull(s[f]))]),
  };
}

/** The buffers to transfer with a frame in postMessage (the sender's copy is then unusable). */
export function figuresTransferList(frame: FiguresFrame): ArrayBuffer[] {
  const { vmids, types, values } = frame.guests;
  return [vmids.buffer, types.buffer, values.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

/** Calls `fn` for each guest of the frame with its figures (fields left out when not reported). */
export function forEachGuestFigures(frame: FiguresFrame, fn: (key: GuestKey, figures: GuestFigures) => void): void {
  const { vmids, types, values } = frame.guests;
  for (let i = 0; i < vmids.length; i++) {
    const figures: GuestFigures = {};
    const base = i * GUEST_FIGURES_STRIDE;
    for (let f = 0; f < GUEST_FIGURES_STRIDE; f++) {
      const value = values[base + f]!;
      if (!Number.isNaN(value)) figures[GUEST_FIGURE_FIELDS[f]!] = value;
    }
    fn(`${TYPE_CODES[types[i]!] ?? 'qemu'}/${vmids[i]!}`, figures);
  }
}

/** The frame's guests as a map (convenient; forEachGuestFigures allocates less). */
export function guestFiguresMap(frame: FiguresFrame): Map<GuestKey, GuestFigures> {
  const out = new Map<GuestKey, GuestFigures>();
  forEachGuestFigures(frame, (key, figures) => out.set(key, figures));
  return out;
}
