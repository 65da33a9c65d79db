import { describe, expect, it } from 'vitest';
import type { GuestRow, StorageRow, TaskRow } from '../db/model.js';
import { compileFilter, type FilterFields } from '../store/filterExpr.js';
import { fixtureGuests, fixtureNodes, fixtureStorage, fixtureTasks, guest } from '../store/test-support/consoleFixture.js';
import type { ListId } from '../store/types.js';
import { guestsKind, guestStatus, LIST_KINDS, nodesKind, statusText, storageKind, taskStatusCell, tasksKind, type CellContext, type ConsoleColumn } from './listKinds.js';

const ON: CellContext = { now: Date.UTC(2025, 0, 5, 10, 0, 0), icons: true };
const OFF: CellContext = { ...ON, icons: false };

function cell<Row>(columns: readonly ConsoleColumn<Row>[], id: string, row: Row, ctx: CellContext = ON): string {
  const col = columns.find((c) => c.id === id);
  if (col === undefined) throw new Error(`no column ${id}`);
  return col.cell(row, ctx);
}

const g = (vmid: number): GuestRow => fixtureGuests().find((x) => x.vmid === vmid)!;

function matching<Row>(rows: readonly Row[], fields: FilterFields<Row>, text: string): Row[] {
  const compiled = compileFilter(text, fields);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.predicate ? rows.filter(compiled.predicate) : [...rows];
}

describe('statusText', () => {
  it('prefixes a known status with its icon, or leaves the word alone', () => {
    expect(statusText('running', ON)).toBe('● running');
    expect(statusText('stopped', ON)).toBe('○ stopped');
    expect(statusText('paused', ON)).toBe('‖ paused');
    expect(statusText('template', ON)).toBe('◇ template');
    expect(statusText('offline', ON)).toBe('✕ offline');
    expect(statusText('weird', ON)).toBe('weird');
    expect(statusText('running', OFF)).toBe('running');
    expect(statusText('offline', OFF)).toBe('offline');
  });
});

describe('guest cells', () => {
  const cols = guestsKind.columns;

  it('status with and without icons, a template, a lock', () => {
    expect(cell(cols, 'status', g(100))).toBe('● running');
    expect(cell(cols, 'status', g(100), OFF)).toBe('running');
    expect(cell(cols, 'status', g(101))).toBe('○ stopped');
    expect(cell(cols, 'status', g(9000))).toBe('◇ template');
    expect(guestStatus(g(9000))).toBe('template');
    expect(cell(cols, 'status', g(102))).toBe('● running');
    expect(cell(cols, 'status', g(102), OFF)).toBe('running');
    expect(cell(cols, 'lock', g(102))).toBe('backup');
  });

  it('vmid, name, type, node, tags', () => {
    expect(cell(cols, 'vmid', g(100))).toBe('100');
    expect(cell(cols, 'name', g(100))).toBe('web-01');
    expect(cell(cols, 'name', guest('qemu', 1, '', 'pve1'))).toBe('-');
    expect(cell(cols, 'type', g(100))).toBe('vm');
    expect(cell(cols, 'type', g(200))).toBe('ct');
    expect(cell(cols, 'node', g(200))).toBe('pve1');
    expect(cell(cols, 'tags', g(100))).toBe('prod,web');
    expect(cell(cols, 'tags', g(103))).toBe('');
  });

  it('live figures only for running guests', () => {
    expect(cell(cols, 'cpu', g(100))).toBe('25%');
    expect(cell(cols, 'cpu', g(101))).toBe('-');
    expect(cell(cols, 'mem', g(100))).toBe('2/4 GiB');
    // A stopped guest shows its configured memory.
    expect(cell(cols, 'mem', g(101))).toBe('4 GiB');
    expect(cell(cols, 'uptime', g(100))).toBe('1h 0m');
    expect(cell(cols, 'uptime', g(101))).toBe('-');
    expect(cell(cols, 'disk', g(100))).toBe('32 GiB');
  });

  it('sort values: live columns have none for guests that do not run', () => {
    const cpu = cols.find((c) => c.id === 'cpu')!;
    expect(cpu.live).toBe(true);
    expect(cpu.sort!(g(100))).toBe(0.25);
    expect(cpu.sort!(g(101))).toBeUndefined();
    expect(cols.find((c) => c.id === 'status')!.sort!(g(9000))).toBe('template');
  });
});

describe('node and storage cells', () => {
  it('node status icons, usage and dashes for unknown figures', () => {
    const [pve1, , pve3] = fixtureNodes();
    expect(cell(nodesKind.columns, 'status', pve1!)).toBe('● online');
    expect(cell(nodesKind.columns, 'status', pve3!)).toBe('✕ offline');
    expect(cell(nodesKind.columns, 'status', pve3!, OFF)).toBe('offline');
    expect(cell(nodesKind.columns, 'cpu', pve1!)).toBe('12%');
    expect(cell(nodesKind.columns, 'mem%', pve1!)).toBe('50%');
    expect(cell(nodesKind.columns, 'cpu', pve3!)).toBe('-');
    expect(cell(nodesKind.columns, 'cores', pve3!)).toBe('-');
    expect(cell(nodesKind.columns, 'uptime', pve3!)).toBe('-');
  });

  it('storage status: available, inactive, disabled', () => {
    const [local, , remote] = fixtureStorage();
    const disabled: StorageRow = { ...local!, enabled: false, active: false };
    expect(cell(storageKind.columns, 'status', local!)).toBe('● available');
    expect(cell(storageKind.columns, 'status', remote!)).toBe('inactive');
    expect(cell(storageKind.columns, 'status', disabled)).toBe('disabled');
    expect(cell(storageKind.columns, 'shared', local!)).toBe('no');
    expect(cell(storageKind.columns, 'content', local!)).toBe('iso,vztmpl,backup');
  });
});

describe('task cells', () => {
  const [running, failed, warned, ok] = fixtureTasks() as [TaskRow, TaskRow, TaskRow, TaskRow];

  it('status: running, OK, warnings, an error, with and without icons', () => {
    expect(taskStatusCell(running, ON)).toBe('● running');
    expect(taskStatusCell(ok, ON)).toBe('✓ OK');
    expect(taskStatusCell(warned, ON)).toBe('! WARNINGS: 1');
    expect(taskStatusCell(failed, ON)).toBe("✕ command 'qm stop 101' failed: exit code 1");
    expect(taskStatusCell(running, OFF)).toBe('running');
    expect(taskStatusCell(ok, OFF)).toBe('OK');
    expect(cell(tasksKind.columns, 'status', failed, OFF)).toBe("command 'qm stop 101' failed: exit code 1");
  });

  it('id, duration', () => {
    expect(cell(tasksKind.columns, 'id', running)).toBe('-');
    expect(cell(tasksKind.columns, 'id', ok)).toBe('100');
    expect(cell(tasksKind.columns, 'duration', ok)).toBe('2s');
    expect(cell(tasksKind.columns, 'duration', warned)).toBe('2m 20s');
  });
});

describe('filter fields', () => {
  const guests = fixtureGuests();
  const vmids = (rows: GuestRow[]): number[] => rows.map((x) => x.vmid).sort((a, b) => a - b);

  it('guests: type synonyms, aliases, template as a status, tags, vmid, name', () => {
    const f = guestsKind.filter;
    expect(vmids(matching(guests, f, 'type:vm'))).toEqual([100, 101, 102, 103, 9000]);
    expect(vmids(matching(guests, f, 'type:container'))).toEqual([200, 201]);
    expect(vmids(matching(guests, f, 'kind:lxc'))).toEqual([200, 201]);
    expect(vmids(matching(guests, f, 'status:template'))).toEqual([9000]);
    // A template still has its own status.
    expect(vmids(matching(guests, f, 'state:stopped'))).toEqual([101, 9000]);
    expect(vmids(matching(guests, f, 'tags:prod'))).toEqual([100, 102]);
    expect(vmids(matching(guests, f, 'id:200,201'))).toEqual([200, 201]);
    expect(vmids(matching(guests, f, 'name:web-01'))).toEqual([100, 201]);
    expect(vmids(matching(guests, f, 'node:PVE2'))).toEqual([101, 103, 201]);
    // Free text covers vmid and tags, not the status.
    expect(vmids(matching(guests, f, 'dns'))).toEqual([200]);
    expect(vmids(matching(guests, f, '900'))).toEqual([9000]);
    expect(vmids(matching(guests, f, 'paused'))).toEqual([103]);
  });

  it('tasks: status by state, vmid from the id', () => {
    const tasks = fixtureTasks();
    const types = (rows: TaskRow[]): string[] => rows.map((t) => t.type);
    expect(types(matching(tasks, tasksKind.filter, 'status:running'))).toEqual(['aptupdate']);
    expect(types(matching(tasks, tasksKind.filter, 'status:error'))).toEqual(['qmstop']);
    expect(types(matching(tasks, tasksKind.filter, 'status:warning'))).toEqual(['vzdump']);
    expect(types(matching(tasks, tasksKind.filter, 'vmid:100'))).toEqual(['vzdump', 'qmstart']);
    expect(types(matching(tasks, tasksKind.filter, 'user:alice@pve'))).toEqual(['qmstop']);
  });

  it('storage: content lists', () => {
    const rows = matching(fixtureStorage(), storageKind.filter, 'content:iso');
    expect(rows.map((r) => `${r.node}/${r.storage}`)).toEqual(['pve1/local']);
  });
});

describe('LIST_KINDS', () => {
  it('has a kind per list whose default sort is a sortable column and whose column ids are unique', () => {
    const lists: ListId[] = ['guests', 'nodes', 'storage', 'tasks', 'snapshots', 'content'];
    for (const list of lists) {
      const kind = LIST_KINDS[list] as { id: ListId; columns: readonly ConsoleColumn<unknown>[]; defaultSort: { column: string } };
      expect(kind.id).toBe(list);
      const ids = kind.columns.map((c) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(kind.columns.find((c) => c.id === kind.defaultSort.column)?.sort).toBeTypeOf('function');
    }
  });

  it('keys rows uniquely', () => {
    expect(guestsKind.rowKey(g(100))).toBe('qemu/100');
    expect(storageKind.rowKey(fixtureStorage()[1]!)).toBe('pve1/nas');
    const keys = fixtureGuests().map(guestsKind.rowKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
