// The palette's commands as data (k9s-style aliases), their completion, and what they do.
// `:vm web-01` opens a guest; `/sync` and `/help` (the seed's slash forms) work as well.
import { type GuestRow, guestKeyOf } from '../db/model.js';
import type { ConsoleData, Route } from '../store/types.js';

/** What commands complete and resolve against: the cluster as the console holds it. */
export type CommandData = Pick<ConsoleData, 'guests' | 'nodes' | 'storage'>;
import { fuzzyFilter } from './fuzzy.js';
import { cachedVaultEntries, vaultCompletions } from './vaultCompletion.js';
import type { VaultEntryInfo } from '../workspace/vault.js';

export type CommandId = 'overview' | 'guests' | 'vm' | 'ct' | 'node' | 'storage' | 'task' | 'snap' | 'sync' | 'help' | 'settings' | 'quit' | 'create' | 'plan' | 'apply' | 'destroy' | 'run' | 'debug' | 'validate' | 'ansible' | 'init' | 'generate' | 'drift' | 'vault';

export type ArgumentKind = 'guest' | 'vm' | 'ct' | 'node' | 'storage';

/** The diagnostics commands (src/observability/reportConsole.ts does their work). */
export type TrustCommandId = 'report-issue' | 'anonymize' | 'health' | 'logs';

export interface PaletteCommand {
  id: CommandId | TrustCommandId;
  /** The name shown and completed first; aliases are accepted too. */
  name: string;
  aliases: readonly string[];
  description: string;
  argument?: ArgumentKind;
}

export const PALETTE_COMMANDS: readonly PaletteCommand[] = [
  { id: 'vm', name: 'vm', aliases: ['vms', 'qemu'], description: 'virtual machines (:vm NAME|VMID opens one, :vm TEXT filters)', argument: 'vm' },
  { id: 'ct', name: 'ct', aliases: ['cts', 'lxc', 'container', 'containers'], description: 'containers (:ct NAME|VMID opens one, :ct TEXT filters)', argument: 'ct' },
  { id: 'guests', name: 'guests', aliases: ['guest', 'all', 'g'], description: 'VMs and containers (:guests NAME|VMID opens one, :guests TEXT filters)', argument: 'guest' },
  { id: 'node', name: 'node', aliases: ['nodes', 'no'], description: 'nodes (:node NAME lists its guests)', argument: 'node' },
  { id: 'storage', name: 'storage', aliases: ['sto', 'st', 'storages'], description: 'storage (:storage NAME opens its content)', argument: 'storage' },
  { id: 'task', name: 'task', aliases: ['tasks', 't'], description: 'recent and running tasks' },
  { id: 'snap', name: 'snap', aliases: ['snapshot', 'snapshots', 'sn'], description: 'snapshots of every guest' },
  { id: 'overview', name: 'overview', aliases: ['cluster', 'ov', 'home'], description: 'cluster overview' },
  { id: 'create', name: 'create', aliases: ['new'], description: 'create a guest: :create vm, :create ct (a wizard)' },
  { id: 'sync', name: 'sync', aliases: ['refresh', 'r'], description: 'sync with the cluster now (inside a workspace: and regenerate its code)' },
  { id: 'plan', name: 'plan', aliases: [], description: 'terraform plan in the workspace, streamed live' },
  { id: 'apply', name: 'apply', aliases: [], description: 'terraform apply in the workspace: plan, summary, y/N, apply (high risk)' },
  { id: 'destroy', name: 'destroy', aliases: [], description: "terraform destroy in the workspace: asks for the workspace's name (critical)" },
  { id: 'validate', name: 'validate', aliases: ['test'], description: 'the workspace checks: terraform fmt and validate, the schema check, ansible' },
  { id: 'ansible', name: 'ansible', aliases: ['playbook'], description: 'ansible-playbook in the workspace, streamed: :ansible start target=web-01 [--check] (ansible/ then tests/)' },
  { id: 'init', name: 'init', aliases: [], description: "a workspace in the current directory for the console's profile" },
  { id: 'generate', name: 'generate', aliases: ['gen'], description: 'the workspace code (terraform/, ansible/, tests/) from the cache: N new, N changed...' },
  { id: 'drift', name: 'drift', aliases: [], description: 'the cluster against the code: guests not in code, code with no guest, changed attributes (live and code); Enter opens, r checks again, / filters' },
  { id: 'run', name: 'run', aliases: ['runs', 'log'], description: 'the latest terraform run (it goes on in the background)' },
  { id: 'vault', name: 'vault', aliases: ['secrets'], description: "the vault's entries: names and dates, never a value (use one as $vault.NAME; add one: proxmox-mpc vault set NAME)" },
  { id: 'settings', name: 'settings', aliases: ['set', 'prefs'], description: 'theme, refresh interval, icons' },
  { id: 'debug', name: 'debug', aliases: [], description: 'debug logging: :debug on (each API request into the log, see proxmox-mpc logs), :debug off' },
  { id: 'logs', name: 'logs', aliases: [], description: 'the log, following new lines: :logs [level=warn] [since=1h] [op=ID] (as proxmox-mpc logs)' },
  { id: 'health', name: 'health', aliases: ['doctor'], description: 'the health checks (API per node, auth, certificate, cache, last sync, tools), green/yellow/red; r runs them again' },
  { id: 'report-issue', name: 'report-issue', aliases: ['report', 'bug'], description: 'write a diagnostic report (anonymised) to attach to an issue; says where it and its mapping went' },
  { id: 'anonymize', name: 'anonymize', aliases: ['anon'], description: 'anonymise a file: :anonymize FILE writes FILE.anon beside it and says where the mapping went' },
  { id: 'help', name: 'help', aliases: ['h', '?'], description: 'keys and commands' },
  { id: 'quit', name: 'quit', aliases: ['q', 'q!', 'exit'], description: 'leave the console' },
];

/** `vm web`, `:vm web`, `/sync` -> the command and its argument; undefined when unknown. */
export function parseCommandLine(line: string): { command: PaletteCommand; arg: string } | { error: string } | undefined {
  const text = line.trim().replace(/^[:/]/, '').trim();
  if (text === '') return undefined;
  const [word = '', ...rest] = text.split(/\s+/);
  const lower = word.toLowerCase();
  const command = PALETTE_COMMANDS.find((c) => c.name === lower || c.aliases.includes(lower));
  if (command === undefined) return { error: `unknown command '${word}': try :help` };
  return { command, arg: rest.join(' ') };
}

export interface Completion {
  /** What Tab puts in the input. */
  value: string;
  label: string;
  description: string;
  positions: number[];
}

const COMPLETION_LIMIT = 20;

function guestCandidates(data: CommandData, kind: ArgumentKind): readonly GuestRow[] {
  const guests = data.guests;
  if (kind === 'vm') return guests.filter((g) => g.type === 'qemu');
  if (kind === 'ct') return guests.filter((g) => g.type === 'lxc');
  return guests;
}

/** What the input could become: commands for the first word, then the argument's values
 * (guest names and vmids, node names, storages), best match first; a `$` word in any argument
 * position: the vault's entries as `$vault.<name>` (`vaultEntries`: their names, never values). */
export function completions(input: string, data: CommandData, vaultEntries: () => readonly VaultEntryInfo[] = cachedVaultEntries): Completion[] {
  const text = input.replace(/^[:/]/, '');
  const space = text.search(/\s/);
  if (space < 0) {
    // Every command that matches (the list is short and fixed): the cap is for guests and names.
    const matches = fuzzyFilter(text, PALETTE_COMMANDS, (c) => c.name, { limit: PALETTE_COMMANDS.length });
    const seen = new Set(matches.map((m) => m.item.id));
    // An alias typed in full finds its command too.
    const byAlias = PALETTE_COMMANDS.filter((c) => !seen.has(c.id) && c.aliases.some((a) => a.startsWith(text.toLowerCase()) && text !== ''));
    return [
      ...matches.map((m) => ({ value: `${m.item.name}${m.item.argument ? ' ' : ''}`, label: m.item.name, description: m.item.description, positions: m.positions })),
      ...byAlias.map((c) => ({ value: `${c.name}${c.argument ? ' ' : ''}`, label: c.name, description: `${c.description} (alias ${c.aliases.find((a) => a.startsWith(text.toLowerCase()))})`, positions: [] })),
    ];
  }
  const parsed = parseCommandLine(text);
  if (parsed === undefined || 'error' in parsed) return [];
  const vault = vaultCompletions(text, vaultEntries);
  if (vault !== undefined) return vault;
  if (parsed.command.argument === undefined) return [];
  const { command, arg } = parsed;
  const prefix = `${command.name} `;
  switch (command.argument) {
    case 'guest':
    case 'vm':
    case 'ct':
      return fuzzyFilter(arg, guestCandidates(data, command.argument!), (g) => `${g.vmid} ${g.name}`, { limit: COMPLETION_LIMIT }).map((m) => ({
        value: `${prefix}${m.item.vmid}`,
        label: `${m.item.vmid} ${m.item.name}`,
        description: `${m.item.type === 'qemu' ? 'VM' : 'CT'} on ${m.item.node}, ${m.item.template ? 'template' : m.item.status}`,
        positions: m.positions,
      }));
    case 'node':
      return fuzzyFilter(arg, data.nodes, (n) => n.node, { limit: COMPLETION_LIMIT }).map((m) => ({
        value: `${prefix}${m.item.node}`,
        label: m.item.node,
        description: m.item.status,
        positions: m.positions,
      }));
    case 'storage':
      return fuzzyFilter(arg, data.storage, (s) => `${s.node}/${s.storage}`, { limit: COMPLETION_LIMIT }).map((m) => ({
        value: `${prefix}${m.item.node}/${m.item.storage}`,
        label: `${m.item.node}/${m.item.storage}`,
        description: `${m.item.type}, ${m.item.content.join(',')}`,
        positions: m.positions,
      }));
    default:
      return [];
  }
}

/** The guest an argument names exactly: its vmid, or a name only one guest has (any case). */
export function exactGuest(data: CommandData, arg: string, kind: ArgumentKind = 'guest'): GuestRow | undefined {
  const candidates = guestCandidates(data, kind);
  const text = arg.trim();
  if (/^\d+$/.test(text)) return candidates.find((g) => g.vmid === Number(text));
  const lower = text.toLowerCase();
  const named = candidates.filter((g) => g.name.toLowerCase() === lower);
  return named.length === 1 ? named[0] : undefined;
}

export type CommandEffect =
  | { kind: 'route'; route: Route; replace: boolean; filter?: { list: 'guests'; text: string } }
  | { kind: 'sync' }
  | { kind: 'quit' }
  | { kind: 'wizard'; id: 'create-vm' | 'create-ct' }
  | { kind: 'terraform'; run: 'plan' | 'apply' | 'destroy' | 'validate' }
  /** :ansible PLAYBOOK k=v...: each k=v an -e of ansible-playbook (a `$vault.<name>` value is
   * resolved when the run starts and passed in a private file, never on its command line). */
  | { kind: 'ansible'; playbook: string; vars: string[]; check: boolean }
  | { kind: 'iac'; what: 'init' | 'generate' | 'drift' }
  /** on: undefined toggles. */
  | { kind: 'debug'; on?: boolean }
  | { kind: 'report-issue' }
  | { kind: 'health' }
  /** The vault's entries (names and dates) in a dialog. */
  | { kind: 'vault' }
  | { kind: 'anonymize'; file: string }
  | { kind: 'error'; message: string };

/** What running a palette line does, decided from the state alone (the router applies it). */
export function commandEffect(line: string, data: CommandData): CommandEffect | undefined {
  const parsed = parseCommandLine(line);
  if (parsed === undefined) return undefined;
  if ('error' in parsed) return { kind: 'error', message: parsed.error };
  const { command, arg } = parsed;
  switch (command.id) {
    case 'vm':
    case 'ct':
    case 'guests': {
      const type = command.id === 'vm' ? 'qemu' : command.id === 'ct' ? 'lxc' : undefined;
      const list: Route = type ? { screen: 'guests', type } : { screen: 'guests' };
      if (arg === '') return { kind: 'route', route: list, replace: true };
      // A vmid or a name opens the guest; anything else filters the list (`:vm web`).
      const guest = exactGuest(data, arg, command.argument);
      if (guest !== undefined) return { kind: 'route', route: { screen: 'detail', key: guestKeyOf(guest), tab: 'summary' }, replace: false };
      if (/^\d+$/.test(arg.trim())) return { kind: 'error', message: `no ${type === 'lxc' ? 'container' : type === 'qemu' ? 'VM' : 'guest'} ${arg.trim()}` };
      return { kind: 'route', route: list, replace: true, filter: { list: 'guests', text: arg.trim() } };
    }
    case 'node': {
      if (arg === '') return { kind: 'route', route: { screen: 'nodes' }, replace: true };
      const node = data.nodes.find((n) => n.node.toLowerCase() === arg.toLowerCase());
      if (node === undefined) return { kind: 'error', message: `no node '${arg}'` };
      return { kind: 'route', route: { screen: 'guests' }, replace: true, filter: { list: 'guests', text: `node:${node.node}` } };
    }
    case 'storage': {
      if (arg === '') return { kind: 'route', route: { screen: 'storage' }, replace: true };
      const [a, b] = arg.includes('/') ? arg.split('/', 2) : [undefined, arg];
      const match = data.storage.find((s) => s.storage === b && (a === undefined || s.node === a));
      if (match === undefined) return { kind: 'error', message: `no storage '${arg}'` };
      return { kind: 'route', route: { screen: 'content', node: match.node, storage: match.storage }, replace: false };
    }
    case 'task':
      return { kind: 'route', route: { screen: 'tasks' }, replace: true };
    case 'snap':
      return { kind: 'route', route: { screen: 'snapshots' }, replace: true };
    case 'overview':
      return { kind: 'route', route: { screen: 'overview' }, replace: true };
    case 'settings':
      return { kind: 'route', route: { screen: 'settings' }, replace: false };
    case 'help':
      return { kind: 'route', route: { screen: 'help' }, replace: false };
    case 'sync':
      return { kind: 'sync' };
    case 'plan':
    case 'apply':
    case 'destroy':
    case 'validate':
      return { kind: 'terraform', run: command.id };
    case 'run':
      return { kind: 'route', route: { screen: 'run' }, replace: false };
    case 'init':
    case 'generate':
    case 'drift':
      return { kind: 'iac', what: command.id };
    case 'ansible': {
      // `-e` before a k=v is accepted too, as the CLI writes it (`-e pw=$vault.db`).
      const words = arg.trim().split(/\s+/).filter((w) => w !== '' && w !== '-e' && w !== '--extra-vars');
      const check = words.includes('--check');
      const [playbook, ...vars] = words.filter((w) => w !== '--check');
      if (playbook === undefined) return { kind: 'error', message: 'ansible which playbook? :ansible site, :ansible start target=web-01' };
      const bad = vars.find((v) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(v));
      if (bad !== undefined) return { kind: 'error', message: `ansible: '${bad}' is not key=value (e.g. :ansible start target=web-01)` };
      return { kind: 'ansible', playbook, vars, check };
    }
    case 'create': {
      const what = arg.trim().toLowerCase();
      if (what === 'vm' || what === 'qemu') return { kind: 'wizard', id: 'create-vm' };
      if (what === 'ct' || what === 'lxc' || what === 'container') return { kind: 'wizard', id: 'create-ct' };
      return { kind: 'error', message: what === '' ? 'create what? :create vm or :create ct' : `cannot create '${arg.trim()}': :create vm or :create ct` };
    }
    case 'debug': {
      const what = arg.trim().toLowerCase();
      if (what === '') return { kind: 'debug' };
      if (what === 'on' || what === 'off') return { kind: 'debug', on: what === 'on' };
      return { kind: 'error', message: `debug '${arg.trim()}'? :debug on or :debug off` };
    }
    case 'report-issue':
      return { kind: 'report-issue' };
    case 'health':
      return { kind: 'health' };
    case 'vault':
      return { kind: 'vault' };
    case 'logs':
      return logsRoute(arg);
    case 'anonymize':
      if (arg.trim() === '') return { kind: 'error', message: 'anonymize which file? :anonymize FILE (writes FILE.anon beside it)' };
      return { kind: 'anonymize', file: arg.trim() };
    case 'quit':
      return { kind: 'quit' };
  }
}

const LOG_LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** `:logs level=warn since=1h op=3f9c2a1b` (a bare level word too) -> the logs screen. */
function logsRoute(arg: string): CommandEffect {
  const route: Extract<Route, { screen: 'logs' }> = { screen: 'logs' };
  for (const word of arg.trim().split(/\s+/).filter((w) => w !== '')) {
    const [key, value] = word.includes('=') ? [word.slice(0, word.indexOf('=')).toLowerCase(), word.slice(word.indexOf('=') + 1)] : ['level', word];
    if (key === 'level' && (LOG_LEVEL_NAMES as readonly string[]).includes(value.toLowerCase())) route.level = value.toLowerCase() as (typeof LOG_LEVEL_NAMES)[number];
    else if (key === 'since' && value !== '') route.since = value;
    else if (key === 'op' && /^[A-Za-z0-9_-]+$/.test(value)) route.op = value;
    else return { kind: 'error', message: `logs: '${word}'? :logs level=warn since=1h op=ID (levels: ${LOG_LEVEL_NAMES.join(', ')})` };
  }
  return { kind: 'route', route, replace: false };
}
