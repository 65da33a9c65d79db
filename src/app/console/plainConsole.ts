// `proxmox-mpc console --plain` / `demo --plain`: the line-based console for dumb terminals,
// screen readers and pipes. A readline loop over the palette's commands (src/app/commands.ts):
// tables laid out from the list kinds, a guest's description, the `/` filter language, one
// sync on demand. No colours, no cursor movement: every line printed is plain text, and every
// value from the API goes through safeText. Nothing here changes the cluster.
import { log } from '../../observability/log.js';
import { createInterface, type Interface } from 'node:readline';
import type { Cache, ProfileRef } from '../../db/cacheApi.js';
import { openCache } from '../../db/client.js';
import { type GuestKey, type GuestRow, type GuestType, guestKeyOf } from '../../db/model.js';
import { columnWidths, joinCells } from '../../components/fit.js';
import { guestsKind, LIST_KINDS, type ListKind } from '../../screens/listKinds.js';
import { initialState } from '../../store/consoleStore.js';
import { selectGuestCounts, selectListRows, selectNodeGuestCounts, selectRunningTasks } from '../../store/selectors.js';
import type { ConsoleState, ListId, Route } from '../../store/types.js';
import { safeText } from '../../util/terminalText.js';
import { configPath } from '../../workspace/configFile.js';
import type { ConnectionSettings } from '../../workspace/connection.js';
import { exactGuest, parseCommandLine, PALETTE_COMMANDS, type ArgumentKind } from '../commands.js';
import { runSyncOnce } from '../commands/sync.js';
import { historyLine } from '../commands/syncDisplay.js';
import { formatAge, formatPercent, formatUsage } from '../output/units.js';
import { DESCRIBE_TASKS, describeView, formatGuestDescription } from '../read/describeGuest.js';
import { cacheDataSource, consoleProfile } from './dataSource.js';

export interface PlainConsoleOptions {
  profile: string;
  /** Absent: the cache only (no sync). */
  connection?: ConnectionSettings;
  cachePath: string;
  readOnly: boolean;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** stderr for progress/warnings (default process.stderr) */
  errors?: NodeJS.WritableStream;
  /** Sync once before the first prompt even when the cache has data (the demo's cluster is
   * new on every run). */
  syncFirst?: boolean;
}

/** Table width when the output is not a terminal. */
const PIPE_WIDTH = 120;
/** Change lines printed after a sync (then a count of the rest). */
const CHANGE_LINES = 20;

type Outcome = 'ok' | 'failed' | 'quit';

const isTTY = (stream: NodeJS.ReadableStream | NodeJS.WritableStream): boolean => (stream as { isTTY?: boolean }).isTTY === true;

const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

function messageOf(error: unknown): string {
  return safeText(error instanceof Error ? error.message : String(error));
}

/** What a guest command's rows are called in messages. */
function guestNoun(kind: ArgumentKind): string {
  return kind === 'vm' ? 'VMs' : kind === 'ct' ? 'containers' : 'guests';
}

function guestType(kind: ArgumentKind): GuestType | undefined {
  return kind === 'vm' ? 'qemu' : kind === 'ct' ? 'lxc' : undefined;
}

/** The help text: the commands from PALETTE_COMMANDS, then the filter language. */
export function plainHelpLines(): string[] {
  const names = PALETTE_COMMANDS.map((c) => `${c.name}${c.argument ? ` [${c.argument === 'node' ? 'NODE' : c.argument === 'storage' ? '[NODE/]STORAGE' : 'NAME|VMID|FILTER'}]` : ''}`);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const lines = ['Commands (a leading : or / works too: :vm, /sync):'];
  PALETTE_COMMANDS.forEach((c, i) => {
    const aliases = c.aliases.length ? `  (also ${c.aliases.join(', ')})` : '';
    lines.push(`  ${names[i]!.padEnd(width)}${c.description}${aliases}`);
  });
  lines.push('');
  lines.push('vm, ct and guests with a vmid or an exact name describe that guest; anything else is a filter:');
  const fields = Object.keys(guestsKind.filter.fields).join(' ');
  for (const [example, meaning] of [
    ['vm web', 'VMs whose name, vmid, node or tags contain "web"'],
    ['vm status:running tag:web', 'field terms; all terms must match'],
    ['guests !node:pve1', '! inverts any term'],
    ['ct node:pve1,pve2', 'any of several values'],
    ['guests /^web-0[1-3]$/', 'a regular expression'],
    ['guests name:"my vm"', 'double quotes keep spaces'],
  ] as const) {
    lines.push(`  ${example.padEnd(28)}${meaning}`);
  }
  lines.push(`  fields: ${fields}`);
  lines.push('task and snap take a filter too (task status:error, snap vmid:100).');
  return lines;
}

interface Session {
  profileId: number;
  state: ConsoleState;
  /** lastSyncAt when the data was loaded (reloaded when another sync has written since). */
  loadedSync: number | undefined;
}

export async function runPlainConsole(options: PlainConsoleOptions): Promise<number> {
  const { output, input } = options;
  const errors = options.errors ?? process.stderr;
  const width = isTTY(output) ? Math.max(40, (output as NodeJS.WriteStream).columns || 80) : PIPE_WIDTH;
  const interactive = isTTY(input);
  const print = (lines: string | readonly string[]): void => {
    const list = typeof lines === 'string' ? [lines] : lines;
    if (list.length > 0) output.write(`${list.join('\n')}\n`);
  };
  const fail = (message: string): Outcome => {
    errors.write(`error: ${message}\n`);
    return 'failed';
  };
  const note = (message: string): void => {
    errors.write(`proxmox-mpc: ${message}\n`);
  };

  let cache: Cache;
  try {
    cache = openCache(options.cachePath, { quickCheck: false });
  } catch (error) {
    fail(`cannot open the cache: ${messageOf(error)}`);
    return 1;
  }

  try {
    let profileRow: ProfileRef;
    try {
      // Without a connection, an existing profile keeps its endpoint.
      profileRow = consoleProfile(cache, options.profile, options.connection?.endpoint);
    } catch (error) {
      fail(`cannot read the cache: ${messageOf(error)}`);
      return 1;
    }
    const source = cacheDataSource(cache, profileRow.id);
    const session: Session = {
      profileId: profileRow.id,
      state: initialState({ meta: { profile: options.profile, endpoint: options.connection?.endpoint ?? '', readOnly: options.readOnly }, settings: { icons: false, color: false } }),
      loadedSync: undefined,
    };

    const load = (): void => {
      const loadedSync = source.lastSyncAt();
      const all = source.all();
      const state = session.state;
      session.state = {
        ...state,
        ...(loadedSync !== undefined ? { lastSyncAt: loadedSync } : {}),
        data: { ...state.data, ...all, guestsVersion: state.data.guestsVersion + 1, content: [], snapshots: [] },
      };
      session.loadedSync = loadedSync;
    };
    /** Reloads when a sync (this one's or another process's) has written since the last load. */
    const fresh = (): ConsoleState => {
      if (source.lastSyncAt() !== session.loadedSync) load();
      return session.state;
    };

    const sync = async (connection: ConnectionSettings, summaryTo: NodeJS.WritableStream): Promise<boolean> => {
      try {
        const summary = await runSyncOnce(connection, options.cachePath, { stderr: errors, summaryTo });
        load();
        if (summary.syncRunId !== undefined && summaryTo === output) {
          const runId = summary.syncRunId;
          const entries = cache
            .history(session.profileId, { sinceRunId: runId - 1 })
            .filter((e) => e.syncRunId === runId)
            .reverse();
          const names = new Map(session.state.data.guests.map((g) => [guestKeyOf(g), g.name]));
          const lines = entries.slice(0, CHANGE_LINES).map((e) => safeText(historyLine(e, e.event === 'deleted' ? e.old : names.get(guestKeyOf(e)))));
          if (entries.length > CHANGE_LINES) lines.push(`and ${entries.length - CHANGE_LINES} more changes`);
          print(lines);
        }
        return true;
      } catch (error) {
        fail(`sync failed: ${messageOf(error)}`);
        return false;
      }
    };

    try {
      load();
    } catch (error) {
      fail(`cannot read the cache: ${messageOf(error)}`);
      return 1;
    }
    if (options.connection && (source.lastSyncAt() === undefined || options.syncFirst)) {
      note(
        source.lastSyncAt() === undefined
          ? `the cache has nothing for profile '${safeText(options.profile)}' yet: syncing once first`
          : 'a new cluster: syncing once first',
      );
      await sync(options.connection, errors);
    }

    // --- the banner ---------------------------------------------------------------------------
    {
      const profile = source.profile();
      const state = session.state;
      const lastSync = session.loadedSync;
      const parts = [
        `profile ${safeText(options.profile)}`,
        ...(profile?.clusterName ? [`cluster ${safeText(profile.clusterName)}`] : []),
        plural(state.data.guests.length, 'guest'),
        lastSync === undefined ? 'never synced' : `synced ${formatAge(Date.now() - lastSync)} ago`,
        ...(options.connection ? [] : ['cache only (no connection)']),
        ...(options.readOnly ? ['read-only'] : []),
      ];
      print(`proxmox-mpc console: ${parts.join(', ')}${interactive ? '; type help for the commands, quit to leave' : ''}`);
    }

    // --- commands -------------------------------------------------------------------------------
    const cellContext = (): { now: number; icons: boolean } => ({ now: Date.now(), icons: false });

    const tableLines = (list: ListId, rows: readonly unknown[]): string[] => {
      const kind = LIST_KINDS[list] as ListKind<unknown>;
      const widths = columnWidths(kind.columns, width);
      const aligns = kind.columns.map((c) => c.align);
      const ctx = cellContext();
      const lines = [joinCells(kind.columns.map((c) => c.header), widths, aligns).trimEnd()];
      for (const row of rows) lines.push(joinCells(kind.columns.map((c) => safeText(c.cell(row, ctx))), widths, aligns).trimEnd());
      return lines;
    };

    /** The rows of a list screen as the full-screen console shows them (filter, default sort). */
    const listing = (state: ConsoleState, list: ListId, route: Route, filter: string, noun: string): Outcome => {
      const view = { ...state, mode: 'normal' as const, stack: [route], views: { ...state.views, [list]: { ...state.views[list], filter } } };
      const result = selectListRows(view, list);
      if (result.filterError !== undefined) return fail(safeText(result.filterError));
      if (result.rows.length === 0) {
        print(filter.trim() === '' ? `no ${noun} in the cache` : `no ${noun} match '${safeText(filter)}'`);
        return 'ok';
      }
      print(tableLines(list, result.rows));
      return 'ok';
    };

    const describe = (guest: GuestRow): Outcome => {
      const key: GuestKey = guestKeyOf(guest);
      const detail = source.detail(key);
      if (detail.guest === undefined) return fail(`${key} is no longer in the cache`);
      const now = Date.now();
      const view = describeView(detail.guest, { snapshots: detail.snapshots, tasks: detail.tasks.slice(0, DESCRIBE_TASKS), history: detail.history }, now);
      print(formatGuestDescription(view, { now }, width).replace(/\n$/, '').split('\n').map(safeText));
      return 'ok';
    };

    const guests = (kind: ArgumentKind, arg: string): Outcome => {
      const state = fresh();
      const type = guestType(kind);
      const route: Route = type ? { screen: 'guests', type } : { screen: 'guests' };
      const noun = guestNoun(kind);
      const text = arg.trim();
      if (text !== '') {
        // A vmid or an exact name (of one guest only) describes it; anything else filters.
        const found = exactGuest(state.data, text, kind);
        if (found !== undefined) return describe(found);
      }
      return listing(state, 'guests', route, text, noun);
    };

    const nodes = (arg: string): Outcome => {
      const state = fresh();
      if (arg === '') return listing(state, 'nodes', { screen: 'nodes' }, '', 'nodes');
      const node = state.data.nodes.find((n) => n.node.toLowerCase() === arg.toLowerCase());
      if (node === undefined) return fail(`no node '${safeText(arg)}': try node`);
      return listing(state, 'guests', { screen: 'guests' }, `node:"${node.node}"`, `guests on ${safeText(node.node)}`);
    };

    const storage = (arg: string): Outcome => {
      const state = fresh();
      if (arg === '') return listing(state, 'storage', { screen: 'storage' }, '', 'storage');
      const [nodeName, name] = arg.includes('/') ? (arg.split('/', 2) as [string, string]) : [undefined, arg];
      const matches = state.data.storage.filter((s) => s.storage === name && (nodeName === undefined || s.node === nodeName));
      if (matches.length === 0) return fail(`no storage '${safeText(arg)}': try storage`);
      // Shared storage shows the same content on every node: once is enough.
      const shown = matches[0]!.shared ? [matches[0]!] : matches;
      let outcome: Outcome = 'ok';
      for (const s of shown) {
        const content = source.content(s.node, s.storage);
        if (shown.length > 1) print(`${safeText(s.node)}/${safeText(s.storage)}:`);
        const view = { ...state, data: { ...state.data, content } };
        if (listing(view, 'content', { screen: 'content', node: s.node, storage: s.storage }, '', `volumes on ${safeText(s.node)}/${safeText(s.storage)}`) === 'failed') outcome = 'failed';
      }
      return outcome;
    };

    const snapshots = (arg: string): Outcome => {
      const state = fresh();
      const view = { ...state, data: { ...state.data, snapshots: source.snapshots() } };
      return listing(view, 'snapshots', { screen: 'snapshots' }, arg, 'snapshots');
    };

    const overview = (): Outcome => {
      const state = fresh();
      const counts = selectGuestCounts(state);
      const byNode = selectNodeGuestCounts(state);
      const cluster = source.profile()?.clusterName;
      const { nodes: nodeRows } = state.data;
      const lines = [
        `Cluster${cluster ? ` ${safeText(cluster)}` : ''}: ${plural(nodeRows.length, 'node')}, ${plural(counts.qemu, 'VM')}, ${plural(counts.lxc, 'container')}`,
        `Guests: ${counts.running} running, ${counts.stopped} stopped${counts.paused ? `, ${counts.paused} paused` : ''}, ${plural(counts.templates, 'template')}`,
      ];
      const nameWidth = Math.max(4, ...nodeRows.map((n) => safeText(n.node).length)) + 2;
      for (const n of nodeRows) {
        const c = byNode.get(n.node);
        const mem = n.maxmem ? ` (${formatUsage(n.mem, n.maxmem)})` : '';
        const guestsText = c ? `${c.running} running, ${c.stopped} stopped${c.paused ? `, ${c.paused} paused` : ''}${c.templates ? `, ${plural(c.templates, 'template')}` : ''}` : 'no guests';
        lines.push(`  ${safeText(n.node).padEnd(nameWidth)}${safeText(n.status).padEnd(9)}CPU ${formatPercent(n.cpu).padStart(5)}  MEM ${formatPercent(n.mem !== undefined && n.maxmem ? n.mem / n.maxmem : undefined).padStart(5)}${mem}  ${guestsText}`);
      }
      if (nodeRows.length === 0) lines.push('  no nodes in the cache yet: sync fills it');
      const running = selectRunningTasks(state).length;
      if (running > 0) lines.push(`${plural(running, 'task')} running`);
      const lastSync = session.loadedSync;
      lines.push(lastSync === undefined ? 'Never synced.' : `Synced ${formatAge(Date.now() - lastSync)} ago.`);
      print(lines);
      return 'ok';
    };

    const execute = async (line: string): Promise<Outcome | undefined> => {
      const parsed = parseCommandLine(line);
      if (parsed === undefined) return undefined;
      if ('error' in parsed) {
        const word = line.trim().replace(/^[:/]/, '').trim().split(/\s+/)[0] ?? '';
        return fail(`unknown command '${safeText(word)}': try help`);
      }
      const { command, arg } = parsed;
      switch (command.id) {
        case 'vm':
        case 'ct':
        case 'guests':
          return guests(command.argument ?? 'guest', arg);
        case 'node':
          return nodes(arg.trim());
        case 'storage':
          return storage(arg.trim());
        case 'task':
          return listing(fresh(), 'tasks', { screen: 'tasks' }, arg, 'tasks');
        case 'snap':
          return snapshots(arg);
        case 'overview':
          return overview();
        case 'sync':
          if (!options.connection) return fail('no connection settings: this console shows the cache only (see proxmox-mpc --help for profiles)');
          return (await sync(options.connection, output)) ? 'ok' : 'failed';
        case 'settings':
          print([
            'Settings (theme, refresh interval, icons) are changed in the full-screen console (proxmox-mpc console, then :settings)',
            `or in the config file ${safeText(configPath())} (section console:).`,
          ]);
          return 'ok';
        case 'help':
          print(plainHelpLines());
          return 'ok';
        case 'debug': {
          const level = log.level();
          const on = arg.trim().toLowerCase() === 'on' ? true : arg.trim().toLowerCase() === 'off' ? false : arg.trim() === '' ? level !== 'debug' : undefined;
          if (on === undefined) return fail(`debug '${safeText(arg.trim())}'? debug on or debug off`);
          if (level === undefined) return fail('no log file in this console: debug logging is not available');
          log.setLevel(on ? 'debug' : 'info');
          print([on ? 'Debug logging on: each API request goes to the log (proxmox-mpc logs -f).' : 'Debug logging off.']);
          return 'ok';
        }
        case 'quit':
          return 'quit';
        default:
          // Screens, wizards and runs of the full-screen console: the shell command does the same.
          return fail(`${command.id} needs the full-screen console (proxmox-mpc console); from a shell: proxmox-mpc ${command.id}${arg.trim() ? ` ${safeText(arg.trim())}` : ''} (see --help)`);
      }
    };

    // --- the loop -------------------------------------------------------------------------------
    const terminal = interactive && isTTY(output);
    const rl: Interface = createInterface({
      input,
      ...(interactive ? { output } : {}),
      terminal,
      prompt: `${safeText(options.profile)}> `,
      historySize: 200,
    });
    let interrupted = false;
    rl.on('SIGINT', () => {
      interrupted = true;
      rl.close();
    });
    let lastFailed = false;
    let quit = false;
    if (interactive) rl.prompt();
    for await (const line of rl) {
      let outcome: Outcome | undefined;
      try {
        outcome = await execute(line);
      } catch (error) {
        // A cache read that failed (locked, corrupt): one line, and the console goes on.
        outcome = fail(messageOf(error));
      }
      if (outcome === 'quit') {
        quit = true;
        lastFailed = false;
        break;
      }
      if (outcome !== undefined) lastFailed = outcome === 'failed';
      if (interactive) rl.prompt();
    }
    rl.close();
    // End of input typed at the prompt (Ctrl-D): leave the shell's prompt on a line of its own.
    if (interactive && !quit) output.write('\n');
    if (interrupted) return 130;
    return lastFailed ? 1 : 0;
  } finally {
    cache.close();
  }
}
