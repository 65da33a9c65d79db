// A console data source over fixed guests and nothing else (no cache): what controller tests
// against the simulator start from. Other tests may use it in place of their own empty source.
import type { GuestKey, GuestRow } from '../../../db/model.js';
import type { ConsoleDataSource } from '../dataSource.js';

export function staticSource(guests: readonly GuestRow[] = []): ConsoleDataSource {
  const byKey = (keys: readonly GuestKey[]) => guests.filter((g) => keys.includes(`${g.type}/${g.vmid}`));
  return {
    profile: () => undefined,
    lastSyncAt: () => undefined,
    all: () => ({ guests: [...guests], nodes: [], storage: [], tasks: [] }),
    firstGuests: (limit) => guests.slice(0, limit),
    guests: byKey,
    nodes: () => [],
    storage: () => [],
    tasks: () => [],
    content: () => [],
    snapshots: () => [],
    detail: (key) => ({ key, snapshots: [], tasks: [], history: [], loadedAt: 0 }),
  };
}
