import { describe, expect, it } from 'vitest';
import { fixtureData, guest, makeConsole } from '../store/test-support/consoleFixture.js';
import { commandEffect, completions, exactGuest, PALETTE_COMMANDS, parseCommandLine } from './commands.js';

const state = () => makeConsole().store.getState().data;

function parsedId(line: string): string | undefined {
  const p = parseCommandLine(line);
  if (p === undefined) return undefined;
  if ('error' in p) return `error: ${p.error}`;
  return `${p.command.id}|${p.arg}`;
}

describe('parseCommandLine', () => {
  it('reads a command by name or alias, with or without : or /', () => {
    expect(parsedId('vm')).toBe('vm|');
    expect(parsedId(':vm')).toBe('vm|');
    expect(parsedId('/sync')).toBe('sync|');
    expect(parsedId('refresh')).toBe('sync|');
    expect(parsedId('lxc')).toBe('ct|');
    expect(parsedId('containers')).toBe('ct|');
    expect(parsedId('q!')).toBe('quit|');
    expect(parsedId('?')).toBe('help|');
    expect(parsedId('no')).toBe('node|');
    expect(parsedId('sto')).toBe('storage|');
    expect(parsedId('VM')).toBe('vm|');
  });

  it('keeps the argument, spaces normalised', () => {
    expect(parsedId(':vm web-01')).toBe('vm|web-01');
    expect(parsedId('  :  guests   my  vm  ')).toBe('guests|my vm');
    expect(parsedId('/storage pve1/nas')).toBe('storage|pve1/nas');
  });

  it('is undefined for an empty line and an error for an unknown command', () => {
    expect(parseCommandLine('')).toBeUndefined();
    expect(parseCommandLine('  :  ')).toBeUndefined();
    expect(parseCommandLine('bogus x')).toEqual({ error: "unknown command 'bogus': try :help" });
  });

  it('has unique names and aliases', () => {
    const words = PALETTE_COMMANDS.flatMap((c) => [c.name, ...c.aliases]);
    expect(new Set(words).size).toBe(words.length);
  });
});

describe('completions', () => {
  it('offers every command for an empty input, commands with an argument end in a space', () => {
    const all = completions('', state());
    expect(all.map((c) => c.label)).toEqual(PALETTE_COMMANDS.map((c) => c.name));
    expect(all.find((c) => c.label === 'vm')!.value).toBe('vm ');
    expect(all.find((c) => c.label === 'quit')!.value).toBe('quit');
  });

  it('matches command names fuzzily, best first, with the matched positions', () => {
    const c = completions('set', state());
    expect(c[0]).toMatchObject({ label: 'settings', value: 'settings', positions: [0, 1, 2] });
    expect(completions(':ov', state())[0]!.label).toBe('overview');
  });

  it('finds a command by an alias typed in full or in part', () => {
    const c = completions('lx', state());
    expect(c.map((x) => x.label)).toContain('ct');
    expect(c.find((x) => x.label === 'ct')!.description).toContain('alias lxc');
    expect(completions('exi', state()).map((x) => x.label)).toContain('quit');
  });

  it('completes guests by name and by vmid', () => {
    const byName = completions('guests pihole', state());
    expect(byName[0]).toMatchObject({ value: 'guests 200', label: '200 pihole' });
    expect(byName[0]!.description).toBe('CT on pve1, running');
    const byVmid = completions('guests 900', state());
    expect(byVmid[0]).toMatchObject({ value: 'guests 9000', label: '9000 ubuntu-cloud', description: 'VM on pve1, template' });
  });

  it(':vm completes VMs only, :ct containers only', () => {
    const vms = completions('vm web', state());
    expect(vms.map((c) => c.value)).toEqual(expect.arrayContaining(['vm 100', 'vm 101']));
    expect(vms.every((c) => c.description.startsWith('VM'))).toBe(true);
    const cts = completions('ct web', state());
    expect(cts.map((c) => c.value)).toEqual(['ct 201']);
    // An empty argument lists them all.
    expect(completions('ct ', state()).map((c) => c.value)).toEqual(['ct 200', 'ct 201']);
    // An alias completes the same as the command, under the command's name.
    expect(completions('lxc pi', state()).map((c) => c.value)).toEqual(['ct 200']);
  });

  it('completes nodes and storage', () => {
    expect(completions('node pve2', state())[0]).toMatchObject({ value: 'node pve2', label: 'pve2', description: 'online' });
    expect(completions('node ', state()).map((c) => c.value)).toEqual(['node pve1', 'node pve2', 'node pve3']);
    const st = completions('storage nas', state());
    expect(st.map((c) => c.value)).toEqual(['storage pve1/nas', 'storage pve2/nas']);
    expect(st[0]!.description).toBe('nfs, images,rootdir');
  });

  it('has nothing for commands without an argument or unknown commands', () => {
    expect(completions('task x', state())).toEqual([]);
    expect(completions('bogus x', state())).toEqual([]);
  });

  it('caps the list at 20', () => {
    const many = Array.from({ length: 50 }, (_, i) => guest('qemu', 1000 + i, `vm-${i}`, 'pve1'));
    const s = makeConsole({ data: { ...fixtureData(), guests: many } }).store.getState().data;
    expect(completions('vm ', s)).toHaveLength(20);
  });
});

describe('exactGuest', () => {
  it('by vmid, exact name (case-insensitive), or best fuzzy match, within the kind', () => {
    const s = state();
    expect(exactGuest(s, '200')?.name).toBe('pihole');
    expect(exactGuest(s, 'DB-01')?.vmid).toBe(102);
    // No guessing: a part of a name names nothing.
    expect(exactGuest(s, 'ubuntu')).toBeUndefined();
    expect(exactGuest(s, 'web-01', 'ct')?.type).toBe('lxc');
    // A name two guests share (a VM and a container here) names neither.
    expect(exactGuest(s, 'web-01')).toBeUndefined();
    expect(exactGuest(s, '200', 'vm')).toBeUndefined();
    expect(exactGuest(s, 'zzzz')).toBeUndefined();
  });
});

describe('commandEffect', () => {
  it('vm, ct and guests without an argument switch to the list', () => {
    const s = state();
    expect(commandEffect('vm', s)).toEqual({ kind: 'route', route: { screen: 'guests', type: 'qemu' }, replace: true });
    expect(commandEffect(':ct', s)).toEqual({ kind: 'route', route: { screen: 'guests', type: 'lxc' }, replace: true });
    expect(commandEffect('guests', s)).toEqual({ kind: 'route', route: { screen: 'guests' }, replace: true });
  });

  it('vm, ct and guests with an argument open the guest on top of the stack', () => {
    const s = state();
    expect(commandEffect('vm web-01', s)).toEqual({ kind: 'route', route: { screen: 'detail', key: 'qemu/100', tab: 'summary' }, replace: false });
    expect(commandEffect('ct web-01', s)).toEqual({ kind: 'route', route: { screen: 'detail', key: 'lxc/201', tab: 'summary' }, replace: false });
    expect(commandEffect('guests 200', s)).toMatchObject({ route: { key: 'lxc/200' } });
  });

  it('says what did not match', () => {
    const s = state();
    expect(commandEffect('vm 200', s)).toEqual({ kind: 'error', message: 'no VM 200' });
    expect(commandEffect('ct 100', s)).toEqual({ kind: 'error', message: 'no container 100' });
    expect(commandEffect('guests 4242', s)).toEqual({ kind: 'error', message: 'no guest 4242' });
    // Not a vmid nor a name: the list, filtered by it.
    expect(commandEffect('vm web', s)).toEqual({ kind: 'route', route: { screen: 'guests', type: 'qemu' }, replace: true, filter: { list: 'guests', text: 'web' } });
    expect(commandEffect('guests status:stopped', s)).toMatchObject({ route: { screen: 'guests' }, filter: { text: 'status:stopped' } });
    expect(commandEffect('frobnicate', s)).toEqual({ kind: 'error', message: "unknown command 'frobnicate': try :help" });
  });

  it('node: the list, or the guests of one node', () => {
    const s = state();
    expect(commandEffect('node', s)).toEqual({ kind: 'route', route: { screen: 'nodes' }, replace: true });
    expect(commandEffect('node PVE2', s)).toEqual({ kind: 'route', route: { screen: 'guests' }, replace: true, filter: { list: 'guests', text: 'node:pve2' } });
    expect(commandEffect('node pve9', s)).toEqual({ kind: 'error', message: "no node 'pve9'" });
  });

  it('storage: the list, or one storage’s content (node/storage picks the node)', () => {
    const s = state();
    expect(commandEffect('storage', s)).toEqual({ kind: 'route', route: { screen: 'storage' }, replace: true });
    expect(commandEffect('storage local', s)).toEqual({ kind: 'route', route: { screen: 'content', node: 'pve1', storage: 'local' }, replace: false });
    expect(commandEffect('storage pve2/nas', s)).toEqual({ kind: 'route', route: { screen: 'content', node: 'pve2', storage: 'nas' }, replace: false });
    expect(commandEffect('storage nas', s)).toMatchObject({ route: { screen: 'content', storage: 'nas' } });
    expect(commandEffect('storage pve3/nas', s)).toEqual({ kind: 'error', message: "no storage 'pve3/nas'" });
  });

  it('task, snap, overview replace the stack; settings and help go on top', () => {
    const s = state();
    expect(commandEffect('task', s)).toEqual({ kind: 'route', route: { screen: 'tasks' }, replace: true });
    expect(commandEffect('snapshots', s)).toEqual({ kind: 'route', route: { screen: 'snapshots' }, replace: true });
    expect(commandEffect('home', s)).toEqual({ kind: 'route', route: { screen: 'overview' }, replace: true });
    expect(commandEffect('settings', s)).toEqual({ kind: 'route', route: { screen: 'settings' }, replace: false });
    expect(commandEffect('/help', s)).toEqual({ kind: 'route', route: { screen: 'help' }, replace: false });
  });

  it('sync, quit, and nothing for an empty line', () => {
    const s = state();
    expect(commandEffect('/sync', s)).toEqual({ kind: 'sync' });
    expect(commandEffect('r', s)).toEqual({ kind: 'sync' });
    expect(commandEffect('quit', s)).toEqual({ kind: 'quit' });
    expect(commandEffect(':q', s)).toEqual({ kind: 'quit' });
    expect(commandEffect('   ', s)).toBeUndefined();
  });

  it('covers every command id', () => {
    const s = state();
    for (const c of PALETTE_COMMANDS) expect(commandEffect(c.name, s)).toBeDefined();
  });
});

describe(':ansible', () => {
  it('the playbook, its k=v vars and --check; an alias; what is wrong said in one line', () => {
    expect(commandEffect(':ansible start target=web-01 snapname=a', state())).toEqual({ kind: 'ansible', playbook: 'start', vars: ['target=web-01', 'snapname=a'], check: false });
    expect(commandEffect('/playbook site --check', state())).toEqual({ kind: 'ansible', playbook: 'site', vars: [], check: true });
    expect(commandEffect(':ansible', state())).toEqual({ kind: 'error', message: 'ansible which playbook? :ansible site, :ansible start target=web-01' });
    expect(commandEffect(':ansible start web-01', state())).toEqual({ kind: 'error', message: "ansible: 'web-01' is not key=value (e.g. :ansible start target=web-01)" });
  });
});
