// Opens the full-screen console: the cache first (the first frame comes from it, before any
// network call), then the sync worker, the store, the input router and Ink on the alternate
// screen. Whatever ends it (q, an error, SIGINT, SIGTERM) restores the terminal.
import { render } from 'ink';
import { openCache } from '../../db/client.js';
import type { Cache } from '../../db/cacheApi.js';
import { createConsoleStore } from '../../store/consoleStore.js';
import type { ConsoleSettings, Route } from '../../store/types.js';
import { startSyncWorker, type SyncWorkerHandle } from '../../sync/host.js';
import type { ConnectionSettings } from '../../workspace/connection.js';
import type { ProxmoxClient } from '../../proxmox/client.js';
import { configPath, loadConfigFile, saveConfigFile, type ConsoleConfig } from '../../workspace/configFile.js';
import { App } from '../App.js';
import { toCredentials } from '../credentials.js';
import { createInputRouter } from '../inputRouter.js';
import { applyKeyOverrides, DEFAULT_KEYMAP } from '../keymap.js';
import { historyPath, openPaletteHistory } from '../paletteHistory.js';
import { cacheDataSource, type TaskLogSource } from './dataSource.js';
import { createController } from './controller.js';
import { enterFullScreen, type FullScreen } from './terminal.js';

export interface ConsoleRunOptions {
  /** The profile name the cache is kept under. */
  profile: string;
  /** Connection settings; without them the console shows the cache only. */
  connection?: ConnectionSettings;
  cachePath: string;
  readOnly?: boolean;
  color?: boolean;
  icons?: boolean;
  screenReader?: boolean;
  /** Saved console settings (config file `console:`). */
  config?: ConsoleConfig;
  /** Where settings changes are saved (default: the config file). */
  saveSettings?: (settings: ConsoleSettings) => void;
  env?: NodeJS.ProcessEnv;
}

/** Saves the console's settings into the config file's `console:` section (other sections
 * untouched). Failures are reported, never fatal. */
export function saveConsoleSettings(settings: ConsoleSettings, env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    const path = configPath(env);
    const loaded = loadConfigFile(path);
    const consoleSection: ConsoleConfig = { ...loaded.config.console, theme: settings.theme, icons: settings.icons, refreshMs: settings.refreshMs };
    saveConfigFile(path, { ...loaded.config, console: consoleSection });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Task logs through the API; the HTTP client is loaded on the first log opened, not at start. */
function taskLogSource(connection: ConnectionSettings): TaskLogSource & { close(): void } {
  let client: Promise<ProxmoxClient> | undefined;
  const connected = (): Promise<ProxmoxClient> => (client ??= import('../connect.js').then((m) => m.createClient(connection)));
  return {
    async read(upid, start) {
      const api = await connected();
      const [page, status] = await Promise.all([api.taskLog(upid, { start, limit: 1000 }), api.taskStatus(upid)]);
      const running = status.status === 'running';
      return { lines: page.lines.map((l) => l.t), running, ...(status.exitstatus !== undefined ? { exitStatus: status.exitstatus } : {}) };
    },
    close: () => void client?.then((c) => c.close()),
  };
}

export async function runConsole(options: ConsoleRunOptions): Promise<number> {
  const env = options.env ?? process.env;
  const config = options.config ?? {};
  const { keymap, warnings } = applyKeyOverrides(DEFAULT_KEYMAP, config.keys);
  const color = options.color !== false && env.NO_COLOR === undefined;

  const cache: Cache = openCache(options.cachePath, { quickCheck: false });
  const profileRow = cache.profile(options.profile, options.connection?.endpoint ?? '');

  const columns = process.stdout.columns || 80;
  const rows = process.stdout.rows || 24;
  const startRoute: Route = { screen: config.startScreen ?? 'guests' };
  const consoleStore = createConsoleStore({
    meta: { profile: options.profile, endpoint: options.connection?.endpoint ?? '', readOnly: options.readOnly ?? config.readOnly ?? false },
    settings: {
      theme: config.theme ?? 'dark',
      icons: options.icons ?? config.icons ?? true,
      color,
      refreshMs: config.refreshMs ?? 10_000,
    },
    size: { columns, rows },
    route: startRoute,
  });
  const { store, actions } = consoleStore;
  for (const w of warnings) actions.notify(w, 'warn');

  let sync: SyncWorkerHandle | undefined;
  let logs: (TaskLogSource & { close(): void }) | undefined;
  const startSync = (): void => {
    if (!options.connection || finished) return;
    const c = options.connection;
    sync = startSyncWorker({
      connection: {
        endpoint: c.endpoint,
        auth: toCredentials(c.auth),
        ...(c.insecure ? { insecure: true } : {}),
        ...(c.fingerprint ? { fingerprint: c.fingerprint } : {}),
        ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}),
      },
      cachePath: options.cachePath,
      profile: { name: options.profile, endpoint: c.endpoint },
      intervalMs: store.getState().settings.refreshMs,
      // The cache's configs are trusted at start (the sweep re-checks them as polls go on).
      collect: { trustCachedConfigs: true },
    });
    controller.attachSync(sync);
  };
  if (options.connection) logs = taskLogSource(options.connection);
  else actions.notify('no connection settings: showing the cache only (see proxmox-mpc --help)', 'warn');

  const controller = createController({ console: consoleStore, source: cacheDataSource(cache, profileRow.id), ...(logs ? { taskLogs: logs } : {}) });
  const history = openPaletteHistory(historyPath(env));

  let screen: FullScreen | undefined;
  let exitCode = 0;
  let finished = false as boolean;
  const finish = async (): Promise<void> => {
    if (finished) return;
    finished = true;
    router.dispose();
    controller.dispose();
    unsubscribeSettings();
    logs?.close();
    screen?.restore();
    await sync?.stop().catch(() => undefined);
    cache.close();
  };

  const router = createInputRouter({
    console: consoleStore,
    keymap,
    history,
    refresh: () => void controller.refresh(),
    exit: () => actions.quit(),
  });

  // Settings changed on the settings screen: apply and save them.
  const save = options.saveSettings ?? ((s: ConsoleSettings) => {
    const error = saveConsoleSettings(s, env);
    if (error) actions.notify(`settings not saved: ${error}`, 'error');
  });
  let lastSettings = store.getState().settings;
  const unsubscribeSettings = store.subscribe((state) => {
    if (state.settings === lastSettings) return;
    const before = lastSettings;
    lastSettings = state.settings;
    if (before.refreshMs !== state.settings.refreshMs) sync?.setInterval(state.settings.refreshMs);
    save(state.settings);
  });

  screen = enterFullScreen(process.stdout, {
    onSignal: (signal) => {
      exitCode = signal === 'SIGINT' ? 130 : 143;
      void finish().then(() => process.exit(exitCode));
    },
  });

  const instance = render(<App console={consoleStore} keymap={keymap} router={router} />, {
    exitOnCtrlC: false,
    patchConsole: true,
    incrementalRendering: true,
    maxFps: 60,
    isScreenReaderEnabled: options.screenReader ?? env.INK_SCREEN_READER === 'true',
  });
  // The first frame is on screen (render is synchronous): now the sync worker.
  setImmediate(startSync);
  try {
    await instance.waitUntilExit();
  } catch (error) {
    exitCode = 1;
    await finish();
    throw error;
  } finally {
    instance.cleanup();
    await finish();
  }
  return exitCode;
}
