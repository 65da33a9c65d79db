// The header wired to the store: profile, cluster, connection, data age, counts, breadcrumbs.
import { useEffect, useState } from 'react';
import { Header } from '../../components/Header.js';
import { selectGuestCounts } from '../../store/selectors.js';
import type { ConsoleState, Route } from '../../store/types.js';
import { safeText } from '../../util/terminalText.js';
import { useConsole, useTheme } from '../ConsoleContext.js';
import { formatAge } from '../output/units.js';

/** How often the header's "synced N s ago" is redrawn when nothing else changes. */
const AGE_TICK_MS = 5000;

const SCREEN_TITLES: Record<Route['screen'], string> = {
  overview: 'Overview',
  guests: 'Guests',
  nodes: 'Nodes',
  storage: 'Storage',
  content: 'Content',
  tasks: 'Tasks',
  snapshots: 'Snapshots',
  detail: 'Detail',
  taskLog: 'Task log',
  help: 'Help',
  settings: 'Settings',
  run: 'Terraform run',
  health: 'Health',
  logs: 'Logs',
  drift: 'Drift',
};

function crumb(route: Route): string {
  switch (route.screen) {
    case 'guests':
      return route.type === 'qemu' ? 'VMs' : route.type === 'lxc' ? 'Containers' : 'Guests';
    case 'detail':
      return route.key;
    case 'content':
      return safeText(`${route.node}/${route.storage}`);
    default:
      return SCREEN_TITLES[route.screen];
  }
}

function ageText(s: ConsoleState, now: number): string {
  if (s.lastSyncAt === undefined) return 'never synced';
  return `synced ${formatAge(now - s.lastSyncAt)} ago`;
}

/** Re-renders every `ms` (the age of the data keeps counting while nothing else changes). */
function useTick(ms: number): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), ms);
    timer.unref();
    return () => clearInterval(timer);
  }, [ms]);
}

export function AppHeader({ width }: { width: number }) {
  useTick(AGE_TICK_MS);
  const theme = useTheme();
  const meta = useConsole((s) => s.meta);
  const state = useConsole((s) => s.connection?.state ?? 'cache');
  const age = useConsole((s) => ageText(s, Math.floor(Date.now() / 1000) * 1000));
  const counts = useConsole(selectGuestCounts);
  const stack = useConsole((s) => s.stack);
  const progress = useConsole((s) => s.progress);
  const nodes = useConsole((s) => s.data.nodes.length);
  const partial = useConsole((s) => s.data.guestsPartial);
  return (
    <Header
      profile={safeText(meta.profile)}
      {...(meta.clusterName ? { cluster: safeText(meta.clusterName) } : {})}
      {...(meta.pveVersion ? { pveVersion: safeText(meta.pveVersion) } : {})}
      connection={state}
      age={age}
      readOnly={meta.readOnly}
      counts={partial ? `${nodes} nodes  reading the cache...` : `${nodes} nodes  ${counts.qemu} VMs  ${counts.lxc} CTs  ${counts.running} running`}
      breadcrumbs={stack.map(crumb)}
      {...(progress ? { progress: `syncing ${progress.phase}${progress.total ? ` ${progress.done ?? 0}/${progress.total}` : ''}` } : {})}
      width={width}
      theme={theme}
    />
  );
}
