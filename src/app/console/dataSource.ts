// Where the console's data comes from: the SQLite cache (synchronous reads, a few rows at a
// time after the first load) and, for a task's log, the API. The controller calls these; the
// store and the components never do.
import type { Cache, CacheReader, ProfileRef } from '../../db/cacheApi.js';
import { selectGuestTasks } from '../read/describeGuest.js';
import { type GuestKey, type GuestRow, type GuestType, type NodeRow, type StorageContentRow, type StorageRow, type TaskRow, guestKeyOf } from '../../db/model.js';
import type { DetailData, SnapshotListRow } from '../../store/types.js';

/** The newest tasks the console keeps (the tasks screen and the running-task count). */
export const TASKS_SHOWN = 500;
/** A guest's tasks its detail view shows. */
export const DETAIL_TASKS = 50;
/** A guest's recorded operations its History tab shows. */
export const DETAIL_OPERATIONS = 100;

export interface ConsoleDataSource {
  profile(): ProfileRef | undefined;
  /** Epoch ms of the newest successful sync or confirmation. */
  lastSyncAt(): number | undefined;
  all(): { guests: GuestRow[]; nodes: NodeRow[]; storage: StorageRow[]; tasks: TaskRow[] };
  /** The first `limit` guests by vmid: enough for the first frame, read in a few ms. */
  firstGuests(limit: number): GuestRow[];
  /** The guests (without config) that still exist among `keys`. */
  guests(keys: readonly GuestKey[]): GuestRow[];
  nodes(): NodeRow[];
  storage(): StorageRow[];
  tasks(): TaskRow[];
  content(node: string, storage: string): StorageContentRow[];
  snapshots(): SnapshotListRow[];
  detail(key: GuestKey): DetailData;
}

export interface TaskLogPage {
  /** Lines from `start` on, as text. */
  lines: string[];
  /** The page was full: more lines follow at once (a long log of a finished task). */
  more?: boolean;
  running: boolean;
  exitStatus?: string;
}

export interface TaskLogSource {
  /** The log from line `start` (0-based) and the task's state. */
  read(upid: string, start: number): Promise<TaskLogPage>;
}

/** The profile's row in the cache. Without a connection (the cache only) an existing row keeps
 * the endpoint it has; with one, the row follows the endpoint. */
export function consoleProfile(cache: Cache, name: string, endpoint: string | undefined): ProfileRef {
  return endpoint !== undefined ? cache.profile(name, endpoint) : (cache.findProfile(name) ?? cache.profile(name, ''));
}

export function cacheDataSource(cache: CacheReader, profileId: number): ConsoleDataSource {
  const lastSync = (): number | undefined => {
    const f = cache.freshness(profileId);
    const at = Math.max(f.lastSyncAt ?? 0, f.verifiedAt ?? 0);
    return at > 0 ? at : undefined;
  };
  return {
    profile: () => cache.profiles().find((p) => p.id === profileId),
    lastSyncAt: lastSync,
    all: () =>
      cache.snapshot(() => ({
        guests: cache.guests(profileId, { withConfig: false }),
        nodes: cache.nodes(profileId),
        storage: cache.storage(profileId),
        tasks: cache.tasks(profileId, { limit: TASKS_SHOWN }),
      })),
    firstGuests: (limit) => cache.guests(profileId, { withConfig: false, limit }),
    guests(keys) {
      const out: GuestRow[] = [];
      for (const key of keys) {
        const row = cache.guest(profileId, key);
        if (row === undefined) continue;
        delete row.config;
        out.push(row);
      }
      return out;
    },
    nodes: () => cache.nodes(profileId),
    storage: () => cache.storage(profileId),
    tasks: () => cache.tasks(profileId, { limit: TASKS_SHOWN }),
    content: (node, storage) => cache.storageContent(profileId, { node, storage }),
    snapshots() {
      const names = new Map<string, string>();
      return cache.snapshot(() => {
        for (const g of cache.guests(profileId, { withConfig: false })) names.set(guestKeyOf(g), g.name);
        return cache.snapshots(profileId).map((s) => ({ ...s, guestName: names.get(guestKeyOf(s)) ?? '' }));
      });
    },
    detail(key) {
      return cache.snapshot(() => {
        const guest = cache.guest(profileId, key);
        const [type, vmid] = [key.split('/')[0] as GuestType, Number(key.split('/')[1])];
        const detail: DetailData = {
          key,
          snapshots: cache.snapshots(profileId, key),
          tasks: selectGuestTasks(cache.tasks(profileId, { vmid, limit: 500 }), { type, vmid }, undefined, DETAIL_TASKS),
          history: cache.history(profileId, { key, limit: 500 }),
          operations: cache.operations(profileId, { key, limit: DETAIL_OPERATIONS }),
          loadedAt: Date.now(),
        };
        if (guest !== undefined) detail.guest = guest;
        return detail;
      });
    },
  };
}
