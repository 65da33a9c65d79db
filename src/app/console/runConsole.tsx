// Opens the full-screen console: the cache first (the first frame comes from it, before any
// network call), then the sync worker, the store, the input router and Ink on the alternate
// screen. Whatever ends it (q, an error, SIGINT, SIGTERM) restores the terminal.
import { render, type Instance } from 'ink';
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
import { createTrustHost } from '../../observability/reportConsole.js';
import { applyKeyOverrides, DEFAULT_KEYMAP } from '../keymap.js';
import { historyPath, openPaletteHistory } from '../paletteHistory.js';
import { cacheDataSource, consoleProfile, type TaskLogSource } from './dataSource.js';
import { createController } from './controller.js';
import { createRecorder, declinedEntries, operationEntry, userOf } from '../../operations/record.js';
import { enterFullScreen, type FullScreen } from './terminal.js';
import { firstFrameDrawn } from './firstFrame.js';

/** Configs the console's sync reads per poll at most: a cluster new to the cache is listed
 * in full by the first poll and its configs follow over the next polls, so the console stays
 * responsive and small while a large cluster is read. */
const CONFIGS_PER_POLL = 2000;

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
  /** Where settings the user changed are saved (default: the config file). */
  saveSettings?: (changed: Partial<ConsoleSettings>) => void;
  env?: NodeJS.ProcessEnv;
}

/** Saves the console's settings into the config file's `console:` section (other sections
 * untouched). Failures are reported, never fatal. */
export function saveConsoleSettings(changed: Partial<Pick<ConsoleSettings, 'theme' | 'icons' | 'refreshMs'>>, env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    const path = configPath(env);
    const loaded = loadConfigFile(path);
    const consoleSection: ConsoleConfig = { ...loaded.config.console, ...changed };
    saveConfigFile(path, { ...loaded.config, console: consoleSection });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Log lines read per request. */
const LOG_PAGE = 1000;

/** The console's own API client (task logs, operations), loaded on first use, not at start. */
function lazyClient(connection: ConnectionSettings): { get(): Promise<ProxmoxClient>; close(): void } {
  let client: Promise<ProxmoxClient> | undefined;
  return {
    get: () => (client ??= import('../connect.js').then((m) => m.createClient(connection))),
    close: () => void client?.then((c) => c.close()),
  };
}

/** Task logs through the API. */
function taskLogSource(client: { get(): Promise<ProxmoxClient> }): TaskLogSource {
  return {
    async read(upid, start) {
      const api = await client.get();
      const [page, status] = await Promise.all([api.taskLog(upid, { start, limit: LOG_PAGE }), api.taskStatus(upid)]);
      const running = status.status === 'running';
      return {
        lines: page.lines.map((l) => l.t),
        running,
        ...(page.lines.length >= LOG_PAGE ? { more: true } : {}),
        ...(status.exitstatus !== undefined ? { exitStatus: status.exitstatus } : {}),
      };
    },
  };
}

export async function runConsole(options: ConsoleRunOptions): Promise<number> {
  const env = options.env ?? process.env;
  const config = options.config ?? {};
  const { keymap, warnings } = applyKeyOverrides(DEFAULT_KEYMAP, config.keys);
  const color = options.color !== false && env.NO_COLOR === undefined;

  const cache: Cache = openCache(options.cachePath, { quickCheck: false });
  const profileRow = consoleProfile(cache, options.profile, options.connection?.endpoint);

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
  const api = options.connection ? lazyClient(options.connection) : undefined;
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
      collect: { trustCachedConfigs: true, maxConfigsPerPoll: CONFIGS_PER_POLL },
    });
    controller.attachSync(sync);
  };
  if (!api) actions.notify('no connection settings: showing the cache only (see proxmox-mpc --help)', 'warn');

  // Operations are recorded in history over a connection of their own: a write waits at most
  // 50 ms for the sync worker's transaction (the UI thread must not stall), then tries again.
  const recorder = options.connection
    ? createRecorder({
        cachePath: options.cachePath,
        profile: { name: options.profile, endpoint: options.connection.endpoint },
        busyTimeoutMs: 50,
        retries: 40,
        retryDelayMs: 250,
        onWarning: (message) => actions.notify(message, 'warn'),
      })
    : undefined;
  const user = options.connection ? userOf(options.connection.auth) : undefined;

  let instance: Instance | undefined;
  let screen: FullScreen | undefined;
  let finished = false as boolean;
  const controller = createController({
    console: consoleStore,
    cachePath: options.cachePath,
    source: cacheDataSource(cache, profileRow.id),
    ...(recorder ? { recordOperation: (plan, result, startedAt) => recorder.record([operationEntry(result, plan, { source: 'console', startedAt, ...(user !== undefined ? { user } : {}) })]) } : {}),
    ...(api
      ? {
          taskLogs: taskLogSource(api),
          operationsClient: api.get,
          createChoices: async (node?: string) => (await import('../../operations/choices.js')).loadCreateChoices(await api.get(), node),
          templateFacts: async (node: string, vmid: number) => (await import('../../operations/choices.js')).loadTemplateFacts(await api.get(), node, vmid),
          guestDialogContext: async (id, targets, readOnly) => (await import('../../screens/wizards/guestDialogs.js')).loadGuestDialog(await api.get(), id, targets, readOnly),
        }
      : {}),
  });
  const router = createInputRouter({
    console: consoleStore,
    keymap,
    history: openPaletteHistory(historyPath(env)),
    refresh: (opts) => void controller.refresh(opts),
    operate: (plans) => void controller.runOperations(plans),
    ...(recorder ? { declined: (plans, refusals) => void recorder.record(declinedEntries(plans, refusals, { source: 'console', ...(user !== undefined ? { user } : {}) })) } : {}),
    wizards: controller.wizards,
    runs: controller.runs,
    trust: createTrustHost({ profile: options.profile, cachePath: options.cachePath, ...(options.connection ? { connection: options.connection } : {}) }),
    exit: () => actions.quit(),
  });

  // Settings changed on the settings screen: apply them, and save what the user changed
  // (not what a flag such as --no-icons set for this run).
  const save = options.saveSettings ?? ((changed: Partial<ConsoleSettings>) => {
    const error = saveConsoleSettings(changed, env);
    if (error) actions.notify(`settings not saved: ${error}`, 'error');
  });
  let lastSettings = store.getState().settings;
  const unsubscribeSettings = store.subscribe((state) => {
    if (state.settings === lastSettings) return;
    const before = lastSettings;
    lastSettings = state.settings;
    if (before.refreshMs !== state.settings.refreshMs) sync?.setInterval(state.settings.refreshMs);
    const changed: Partial<ConsoleSettings> = {};
    for (const key of ['theme', 'icons', 'refreshMs'] as const) if (before[key] !== state.settings[key]) Object.assign(changed, { [key]: state.settings[key] });
    if (Object.keys(changed).length > 0) save(changed);
  });

  /** Everything the console holds, released once, whatever ended it. */
  const finish = async (): Promise<void> => {
    if (finished) return;
    finished = true;
    router.dispose();
    controller.dispose();
    unsubscribeSettings();
    // Ink first: no frame may land on the shell's screen once it is back.
    instance?.unmount();
    screen?.restore();
    api?.close();
    await sync?.stop().catch(() => undefined);
    recorder?.close();
    cache.close();
  };

  let exitCode = 0;
  try {
    screen = enterFullScreen(process.stdout, {
      beforeRestore: () => instance?.unmount(),
      onSignal: (signal) => {
        exitCode = SIGNAL_EXIT_CODES[signal] ?? 143;
        void finish().then(() => process.exit(exitCode));
      },
    });
    instance = render(<App console={consoleStore} keymap={keymap} router={router} />, {
      exitOnCtrlC: false,
      patchConsole: true,
      incrementalRendering: true,
      maxFps: 60,
      isScreenReaderEnabled: options.screenReader ?? env.INK_SCREEN_READER === 'true',
    });
    // The first frame is on screen (render is synchronous): now the sync worker and the log.
    setImmediate(startSync);
    setImmediate(firstFrameDrawn);
    await instance.waitUntilExit();
  } finally {
    instance?.cleanup();
    await finish();
  }
  return exitCode;
}

const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
