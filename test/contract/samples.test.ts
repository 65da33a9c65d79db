// Every response captured from a real PVE server (test/fixtures/pve/samples) against the
// simulator's answer to the same endpoint: the same fields with the same JSON types, where a
// field the simulator leaves out must be optional in the official schema's `returns`.
// (That the client parses every sample is proven in src/proxmox/types.test.ts.)
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { apiPath, callApi, getData, HOMELAB, listTasks, schemaOf, type ApiRequest, type TaskEntry } from './simApi.js';
import { compareShape, type ReturnSchema } from './shape.js';

const SAMPLES = new URL('../fixtures/pve/samples/', import.meta.url);

/** The documented version differences (README "Things a simulator must get right"), and
 * nothing else. The simulator emits the modern form; a sample from before the change may
 * carry the legacy one. */
const LEGACY = {
  /** LXC list `vmid` was a string until pve-container 81aa4bd9 (2024-04-11, PVE 8.2). */
  lxcListVmid: { '[].vmid': 'string before PVE 8.2 (pve-container 81aa4bd9)' },
  /** qemu `memory` has been a property string (`"2048"`, `"current=2048"`) since PVE 8.1;
   * before, the config held an integer (the PVE 6.2 samples). */
  qemuMemory: { '.memory': 'integer before PVE 8.1' },
} as const;

interface Context {
  sim: SimulatorHandle;
  /** Tasks of every node, running ones included. */
  tasks: TaskEntry[];
}

interface SampleCase {
  /** The endpoint (its `returns` schema describes the data). */
  route: string;
  /** The simulator request that answers the same endpoint. */
  request: (ctx: Context) => { method: string; path: string; req?: ApiRequest };
  /** `data`: the file is `{"data": ...}`; `bare`: the file holds only the data payload;
   * `error`: the file is a whole error body, compared whole (it has no `returns` schema). */
  form: 'data' | 'bare' | 'error';
  status?: number;
  legacy?: Record<string, string>;
  /** The sample's fields the simulator leaves out (all optional in the schema), and why. */
  absent?: Record<string, string>;
  /** Objects keyed by names (devices, parameters), not by fields. */
  maps?: Record<string, string>;
  /** Further checks of values the shape comparison cannot see (`body`: the whole reply). */
  check?: (sample: unknown, actual: unknown, ctx: Context, body: Record<string, unknown>) => void;
}

/** `errors` is keyed by parameter name. */
const ERRORS_MAP = { '.errors': 'keyed by parameter name' };

/** A config only holds the keys that are set (README 4). */
const NOT_SET = 'not set on this guest (a config holds only the keys that are set)';
const notSet = (...keys: string[]) => Object.fromEntries(keys.map((k) => [`.${k}`, NOT_SET]));

const get = (path: string, query?: Record<string, string>) => () => ({ method: 'GET', path, ...(query ? { req: { query } } : {}) });

function findTask(ctx: Context, what: string, pick: (t: TaskEntry) => boolean): TaskEntry {
  const task = ctx.tasks.find(pick);
  if (!task) throw new Error(`the homelab has no ${what} task`);
  return task;
}
const taskPath = (t: TaskEntry, tail: string) => apiPath('nodes', t.node, 'tasks', t.upid, tail);
const runningVzdump = (ctx: Context) =>
  findTask(ctx, 'running vzdump', (t) => t.type === 'vzdump' && t.status === 'RUNNING' && t.id === String(HOMELAB.facts.locked.vmid));
const finishedOk = (ctx: Context) => findTask(ctx, 'finished OK vzdump', (t) => t.type === 'vzdump' && t.status === 'OK');
const failed = (ctx: Context) =>
  findTask(ctx, 'failed', (t) => t.status !== undefined && !['OK', 'RUNNING'].includes(t.status) && !t.status.startsWith('WARNINGS'));

const statusCheck = (expected: (ctx: Context) => { status: string; exitstatus?: string }) => (_s: unknown, actual: unknown, ctx: Context) => {
  const a = actual as Record<string, unknown>;
  const want = expected(ctx);
  expect(a['status']).toBe(want.status);
  expect(a['exitstatus']).toBe(want.exitstatus);
};

const CASES: Record<string, SampleCase> = {
  'community-proxmox__cluster_resources_type_vm.json': {
    route: 'GET /cluster/resources',
    request: get('/cluster/resources', { type: 'vm' }),
    form: 'data',
  },
  'community-proxmox__lxc_list_vmid_as_string.json': {
    route: 'GET /nodes/{node}/lxc',
    request: get('/nodes/pve1/lxc'),
    form: 'data',
    legacy: LEGACY.lxcListVmid,
  },
  'community-proxmox__pve62_lxc_100_config.json': {
    route: 'GET /nodes/{node}/lxc/{vmid}/config',
    request: get(apiPath('nodes', HOMELAB.lxc.running.node, 'lxc', HOMELAB.lxc.running.vmid, 'config')),
    form: 'data',
    absent: notSet('console', 'cmode', 'description', 'tty', 'cpulimit', 'protection', 'cpuunits'),
  },
  'community-proxmox__pve62_qemu_102_config.json': {
    // A Windows VM on SATA disks, like the sample's.
    route: 'GET /nodes/{node}/qemu/{vmid}/config',
    request: get('/nodes/pve3/qemu/109/config'),
    form: 'data',
    legacy: LEGACY.qemuMemory,
    // 109 is one of the homelab's VMs without the guest agent, and not started on boot.
    absent: notSet('bootdisk', 'balloon', 'cpulimit', 'agent', 'onboot'),
  },
  'community-proxmox__pve62_qemu_103_config.json': {
    // Two NICs and several SCSI disks, like the sample's.
    route: 'GET /nodes/{node}/qemu/{vmid}/config',
    request: get('/nodes/pve1/qemu/112/config'),
    form: 'data',
    legacy: LEGACY.qemuMemory,
    // `bootdisk` is the pre-`boot: order=` form; 112 has two SCSI disks, no serial port.
    absent: notSet('bootdisk', 'balloon', 'scsi2', 'serial0', 'tablet'),
  },
  'community-proxmox__pve64_node_tasks.json': {
    route: 'GET /nodes/{node}/tasks',
    request: get('/nodes/pve1/tasks', { limit: '10000' }),
    form: 'data',
  },
  'community-proxmox__qemu_list.json': {
    route: 'GET /nodes/{node}/qemu',
    request: get('/nodes/pve1/qemu'),
    form: 'data',
  },
  'community-proxmox__storage_content_pbs_backups.json': {
    route: 'GET /nodes/{node}/storage/{storage}/content',
    request: get('/nodes/pve1/storage/pbs/content'),
    form: 'data',
  },
  'luthermonson-go-proxmox__cluster_nextid_400_error.json': {
    route: 'GET /cluster/nextid',
    request: get('/cluster/nextid', { vmid: String(HOMELAB.qemu.running.vmid) }),
    form: 'error',
    status: 400,
    maps: ERRORS_MAP,
    check: (_s, actual) => {
      expect((actual as { errors: unknown }).errors).toEqual({ vmid: `VM ${HOMELAB.qemu.running.vmid} already exists` });
    },
  },
  'luthermonson-go-proxmox__pve7_lxc_config.json': {
    // A container with a mount point and features, like the sample's.
    route: 'GET /nodes/{node}/lxc/{vmid}/config',
    request: get('/nodes/pve3/lxc/202/config'),
    form: 'data',
    // Raw `lxc.*` lines (device passthrough): a feature the simulator does not model.
    absent: { '.lxc': 'raw lxc.* config lines are not modelled' },
  },
  'luthermonson-go-proxmox__pve7_lxc_list.json': {
    // pve1 holds the CT template 9100, as the sample's node holds one.
    route: 'GET /nodes/{node}/lxc',
    request: get('/nodes/pve1/lxc'),
    form: 'data',
    legacy: LEGACY.lxcListVmid,
  },
  'luthermonson-go-proxmox__pve7_version.json': {
    route: 'GET /nodes/{node}/version',
    request: get('/nodes/pve1/version'),
    form: 'data',
  },
  'luthermonson-go-proxmox__pve8_cluster_resources.json': {
    route: 'GET /cluster/resources',
    request: get('/cluster/resources'),
    form: 'data',
  },
  'luthermonson-go-proxmox__pve8_cluster_status.json': {
    route: 'GET /cluster/status',
    request: get('/cluster/status'),
    form: 'data',
  },
  'luthermonson-go-proxmox__pve8_network.json': {
    route: 'GET /nodes/{node}/network',
    request: get('/nodes/pve1/network'),
    form: 'data',
    absent: {
      // ifupdown2 `options` lines ("metric 200") are not modelled.
      '[].options': 'extra ifupdown options lines are not modelled',
      // The simulator's VLAN interfaces leave `exists` out (the sample has 1 and null).
      '[].exists': 'not sent for the VLAN interfaces (optional, undef in the sample)',
    },
  },
  'luthermonson-go-proxmox__pve8_nodes.json': {
    route: 'GET /nodes',
    request: get('/nodes'),
    form: 'data',
  },
  'luthermonson-go-proxmox__pve8_pool_members.json': {
    route: 'GET /pools',
    request: get('/pools', { poolid: 'prod' }),
    form: 'data',
  },
  'luthermonson-go-proxmox__pve8_qemu_status_current.json': {
    route: 'GET /nodes/{node}/qemu/{vmid}/status/current',
    request: get(apiPath('nodes', HOMELAB.qemu.running.node, 'qemu', HOMELAB.qemu.running.vmid, 'status', 'current')),
    form: 'data',
    // SPICE (a qxl display) is not modelled.
    absent: { '.spice': 'SPICE displays are not modelled' },
    // QMP data keyed by the VM's own tap devices and drives.
    maps: { '.nics': 'keyed by tap device (tap<vmid>i<n>)', '.blockstat': 'keyed by drive (scsi0, ide2, ...)' },
  },
  'luthermonson-go-proxmox__task_log_imgcopy_data_only.json': {
    route: 'GET /nodes/{node}/tasks/{upid}/log',
    // limit=0: the whole log (the default is the first 50 lines).
    request: (ctx) => ({ method: 'GET', path: taskPath(finishedOk(ctx), 'log'), req: { query: { limit: '0' } } }),
    form: 'bare',
    check: (_s, actual, _ctx, body) => {
      const lines = actual as { n: number; t: string }[];
      expect(lines.map((l) => l.n)).toEqual(lines.map((_l, i) => i + 1));
      expect(lines.at(-1)?.t).toBe('TASK OK');
      // The real envelope also carries `total` (SOURCES.md: 7 for the sample's 7 lines).
      expect(body['total']).toBe(lines.length);
    },
  },
  'proxmoxer__error_400_param_type_check.json': {
    // The sample: a string parameter sent twice, which reaches PVE as an array. A served
    // endpoint's string parameter sent as an array (a JSON body) gets the same refusal.
    route: 'POST /nodes/{node}/qemu/{vmid}/snapshot',
    request: () => ({
      method: 'POST',
      path: apiPath('nodes', HOMELAB.qemu.running.node, 'qemu', HOMELAB.qemu.running.vmid, 'snapshot'),
      req: { json: { snapname: ['contract-a', 'contract-b'] } },
    }),
    form: 'error',
    status: 400,
    maps: ERRORS_MAP,
    check: (sample, actual) => {
      const [message] = Object.values((sample as { errors: Record<string, string> }).errors);
      expect((actual as { errors: unknown }).errors).toEqual({ snapname: message });
    },
  },
  'proxmoxer__task_status_vzdump_ok.json': {
    route: 'GET /nodes/{node}/tasks/{upid}/status',
    request: (ctx) => ({ method: 'GET', path: taskPath(finishedOk(ctx), 'status') }),
    form: 'data',
    check: statusCheck(() => ({ status: 'stopped', exitstatus: 'OK' })),
  },
  'proxmoxer__task_status_vzdump_interrupted.json': {
    // A task that ended in an error (the homelab has no failed vzdump; the shape is the same).
    route: 'GET /nodes/{node}/tasks/{upid}/status',
    request: (ctx) => ({ method: 'GET', path: taskPath(failed(ctx), 'status') }),
    form: 'data',
    check: statusCheck((ctx) => ({ status: 'stopped', exitstatus: failed(ctx).status! })),
  },
  'proxmoxer__task_status_vzdump_running.json': {
    // The homelab's stuck vzdump of 115, which holds its backup lock.
    route: 'GET /nodes/{node}/tasks/{upid}/status',
    request: (ctx) => ({ method: 'GET', path: taskPath(runningVzdump(ctx), 'status') }),
    form: 'data',
    check: statusCheck(() => ({ status: 'running' })),
  },
};

const sampleFiles = readdirSync(SAMPLES)
  .filter((f) => f !== 'SOURCES.md')
  .sort();

let ctx: Context;
beforeAll(async () => {
  const sim = await startSimulator({ timeScale: 0.01 });
  const tasks: TaskEntry[] = [];
  for (const node of HOMELAB.nodes) tasks.push(...(await listTasks(sim, node)));
  ctx = { sim, tasks };
});
afterAll(() => ctx.sim.close());

describe('the sample table', () => {
  it('maps every captured sample to a simulator request', () => {
    expect(sampleFiles.filter((f) => !Object.hasOwn(CASES, f))).toEqual([]);
  });
  it('names only files that exist', () => {
    expect(Object.keys(CASES).filter((f) => !sampleFiles.includes(f))).toEqual([]);
  });
  it('names only served endpoints', () => {
    for (const c of Object.values(CASES)) expect(() => schemaOf(c.route)).not.toThrow();
  });
});

describe('captured samples vs the simulator', () => {
  it.each(sampleFiles.filter((f) => Object.hasOwn(CASES, f)).map((f) => [f, CASES[f]!] as const))('%s', async (file, c) => {
    const sample = JSON.parse(readFileSync(new URL(file, SAMPLES), 'utf8')) as unknown;
    const { method, path, req } = c.request(ctx);
    expect(c.route.startsWith(`${method} `)).toBe(true);
    const reply = await callApi(ctx.sim, method, path, req);
    expect(reply.status, `${method} ${path}: ${reply.reason}`).toBe(c.status ?? 200);
    const returns = schemaOf(c.route).returns as ReturnSchema;
    const excused: string[] = [];
    const options = { ...(c.legacy ? { legacy: c.legacy } : {}), ...(c.maps ? { maps: c.maps } : {}), excused };
    let problems: string[];
    let actual: unknown;
    if (c.form === 'error') {
      actual = reply.body;
      problems = compareShape(sample, actual, undefined, options);
    } else {
      actual = reply.body?.['data'];
      const sampleData = c.form === 'bare' ? sample : (sample as { data: unknown }).data;
      problems = compareShape(sampleData, actual, returns, options);
    }
    expect(problems).toEqual([]);
    // The sample fields the simulator does not send (each optional in the schema), by name.
    expect(excused.sort()).toEqual(Object.keys(c.absent ?? {}).sort());
    c.check?.(sample, actual, ctx, reply.body ?? {});
  });

  it('the legacy allowances are needed: the simulator emits the modern forms', async () => {
    const lxc = (await getData(ctx.sim, '/nodes/pve1/lxc')) as { vmid: unknown }[];
    expect(lxc.every((ct) => typeof ct.vmid === 'number')).toBe(true);
    const config = (await getData(ctx.sim, '/nodes/pve1/qemu/112/config')) as { memory: unknown };
    expect(typeof config.memory).toBe('string');
  });
});
