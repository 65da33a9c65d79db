// The console's frame: header, the current screen (or a dialog, or a too-small notice), the
// palette's completions, the status bar. Keys go to the input router, nowhere else.
import { Box, useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { CommandPalette } from '../components/CommandPalette.js';
import { Header } from '../components/Header.js';
import { Modal } from '../components/Modal.js';
import { StatusBar, type KeyHint } from '../components/StatusBar.js';
import { TooSmall } from '../components/TooSmall.js';
import { DetailScreen } from '../screens/DetailScreen.js';
import { HelpScreen } from '../screens/HelpScreen.js';
import { ListScreen } from '../screens/ListScreen.js';
import { OverviewScreen } from '../screens/OverviewScreen.js';
import { SettingsScreen } from '../screens/SettingsScreen.js';
import { TaskLogScreen } from '../screens/TaskLogScreen.js';
import type { ConsoleStore } from '../store/consoleStore.js';
import { currentRoute, listOf, selectGuestCounts, selectRunningTasks } from '../store/selectors.js';
import type { ConsoleState, Route } from '../store/types.js';
import { safeText } from '../util/terminalText.js';
import { completions } from './commands.js';
import { ConsoleContext, useConsole, useTheme } from './ConsoleContext.js';
import type { InputRouter } from './inputRouter.js';
import { contextsFor } from './inputRouter.js';
import { bindingsFor, type Binding } from './keymap.js';
import { bodyRows, HEADER_ROWS, isTooSmall, MIN_COLUMNS, MIN_ROWS, PALETTE_ROWS, SPARE_ROWS, STATUS_ROWS } from './layout.js';
import { formatAge } from './output/units.js';

export interface AppProps {
  console: ConsoleStore;
  keymap: readonly Binding[];
  router: InputRouter;
}

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

function AppHeader({ width }: { width: number }) {
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

function AppStatus({ width, keymap }: { width: number; keymap: readonly Binding[] }) {
  const theme = useTheme();
  const mode = useConsole((s) => s.mode);
  const input = useConsole((s) => (s.mode === 'palette' ? s.palette.input : s.mode === 'filter' ? s.filterInput : ''));
  const pending = useConsole((s) => s.count + (s.pendingKey ?? ''));
  const message = useConsole((s) => s.message);
  const running = useConsole(selectRunningTasks);
  const route = useConsole(currentRoute);
  const hints = useMemo<KeyHint[]>(() => {
    if (mode === 'palette') return [{ key: 'tab', label: 'complete' }, { key: 'up/down', label: 'history' }, { key: 'enter', label: 'run' }, { key: 'esc', label: 'cancel' }];
    if (mode === 'filter') return [{ key: 'enter', label: 'apply' }, { key: 'esc', label: 'cancel' }, { key: '!', label: 'negate' }, { key: 'node: status: tag: type:', label: 'fields' }];
    // The ones to find everything else first: a narrow terminal cuts the line from the right.
    const first = ['help', 'quit', 'palette'];
    const hinted = bindingsFor(keymap, contextsFor(route)).filter((b) => b.hint !== undefined);
    hinted.sort((a, b) => rank(first, a.action) - rank(first, b.action));
    return hinted.map((b) => ({ key: b.keys[0] === 'g g' ? 'gg' : b.keys[0]!, label: b.hint! })).concat([{ key: '1-7', label: 'screens' }]);
  }, [mode, route, keymap]);
  return (
    <StatusBar
      mode={mode}
      input={safeText(input)}
      {...(pending ? { pending } : {})}
      {...(message ? { message: { text: safeText(message.text), level: message.level } } : {})}
      {...(running.length ? { tasks: `${running.length} task${running.length === 1 ? '' : 's'} running` } : {})}
      hints={hints}
      width={width}
      theme={theme}
    />
  );
}

function rank(order: readonly string[], action: string): number {
  const i = order.indexOf(action);
  return i < 0 ? order.length : i;
}

function Palette({ width }: { width: number }) {
  const theme = useTheme();
  const input = useConsole((s) => s.palette.input);
  const selected = useConsole((s) => s.palette.selected);
  const guests = useConsole((s) => s.data.guests);
  const nodes = useConsole((s) => s.data.nodes);
  const storage = useConsole((s) => s.data.storage);
  const items = useMemo(
    () => completions(input, { guests, nodes, storage }).map((c) => ({ ...c, label: safeText(c.label), description: safeText(c.description) })),
    [input, guests, nodes, storage],
  );
  return <CommandPalette items={items} selected={selected} height={PALETTE_ROWS} width={width} theme={theme} />;
}

function Body({ width, height }: { width: number; height: number }) {
  const route = useConsole(currentRoute);
  const modal = useConsole((s) => s.modal);
  const theme = useTheme();
  if (modal) return <Modal title={safeText(modal.title)} body={modal.body.map(safeText)} width={width} height={height} theme={theme} />;
  const list = listOf(route);
  if (list !== undefined) return <ListScreen list={list} width={width} height={height} />;
  switch (route.screen) {
    case 'overview':
      return <OverviewScreen width={width} height={height} />;
    case 'detail':
      return <DetailScreen width={width} height={height} />;
    case 'taskLog':
      return <TaskLogScreen width={width} height={height} />;
    case 'help':
      return <HelpScreen width={width} height={height} />;
    case 'settings':
      return <SettingsScreen width={width} height={height} />;
    default:
      return null;
  }
}

function Frame({ keymap, router, console: c }: AppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const size = useConsole((s) => s.size);
  const quitting = useConsole((s) => s.quitting);
  const paletteOpen = useConsole((s) => s.mode === 'palette');

  useInput((input, key) => router.handle(input, key));

  useEffect(() => {
    const onResize = () => c.actions.setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    onResize();
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, c]);

  useEffect(() => {
    if (quitting) exit();
  }, [quitting, exit]);

  if (isTooSmall(size)) return <TooSmall columns={size.columns} rows={size.rows} minColumns={MIN_COLUMNS} minRows={MIN_ROWS} />;
  const width = size.columns;
  const body = bodyRows(size, paletteOpen);
  return (
    <Box flexDirection="column" width={width} height={size.rows - SPARE_ROWS}>
      <Box height={HEADER_ROWS}>
        <AppHeader width={width} />
      </Box>
      <Box height={body}>
        <Body width={width} height={body} />
      </Box>
      {paletteOpen ? <Palette width={width} /> : null}
      <Box height={STATUS_ROWS}>
        <AppStatus width={width} keymap={keymap} />
      </Box>
    </Box>
  );
}

export function App(props: AppProps) {
  const value = useMemo(() => ({ console: props.console, keymap: props.keymap }), [props.console, props.keymap]);
  return (
    <ConsoleContext.Provider value={value}>
      <Frame {...props} />
    </ConsoleContext.Provider>
  );
}
