// The simulator's answers against responses captured from real PVE servers: same fields,
// same JSON types (fields the simulator leaves out must be optional in the official schema).

import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compareShape, type ReturnSchema, type ShapeOptions } from '../../../test/contract/shape.js';
import { endpointSchema } from '../schema.js';
import { makeHarness, type Harness } from './testHarness.js';

const sample = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../test/fixtures/pve/samples/${name}`, import.meta.url), 'utf8')) as unknown;

function envelopeSchema(routeKey: string): ReturnSchema {
  const returns = endpointSchema(routeKey)?.returns as ReturnSchema | undefined;
  return { properties: { data: returns ?? {} } };
}

const h: Harness = makeHarness();
afterAll(() => h.dispose());

async function expectShape(file: string, routeKey: string, params: Record<string, string | number>, options: ShapeOptions = {}): Promise<void> {
  const [method, template] = routeKey.split(' ') as ['GET', string];
  const actual = await h.callEnvelope(method, template, params);
  const problems = compareShape(sample(file), actual, envelopeSchema(routeKey), options);
  expect(problems).toEqual([]);
}

describe('shapes vs captured PVE responses', () => {
  it('cluster resources (all types)', () => expectShape('luthermonson-go-proxmox__pve8_cluster_resources.json', 'GET /cluster/resources', {}));
  it('cluster resources (type=vm)', () => expectShape('community-proxmox__cluster_resources_type_vm.json', 'GET /cluster/resources', { type: 'vm' }));
  it('nodes with ssl_fingerprint', () => expectShape('luthermonson-go-proxmox__pve8_nodes.json', 'GET /nodes', {}));
  it('cluster status', () => expectShape('luthermonson-go-proxmox__pve8_cluster_status.json', 'GET /cluster/status', {}));
  it('qemu list', () => expectShape('community-proxmox__qemu_list.json', 'GET /nodes/{node}/qemu', { node: 'pve1' }));
  it('lxc list (modern integer vmid)', () => expectShape('luthermonson-go-proxmox__pve7_lxc_list.json', 'GET /nodes/{node}/lxc', { node: 'pve1' }, { legacy: { '.data[].vmid': 'string before PVE 8.2' } }));
  it('lxc list (community sample)', () =>
    expectShape('community-proxmox__lxc_list_vmid_as_string.json', 'GET /nodes/{node}/lxc', { node: 'pve3' }, { legacy: { '.data[].vmid': 'string before PVE 8.2' } }));
  it('running VM status/current', () =>
    expectShape('luthermonson-go-proxmox__pve8_qemu_status_current.json', 'GET /nodes/{node}/qemu/{vmid}/status/current', { node: 'pve1', vmid: 100 }, {
      // QMP data keyed by the VM's own tap devices and drives (the sample's VM is another).
      maps: { '.data.nics': 'keyed by tap device', '.data.blockstat': 'keyed by drive' },
    }));
  it('pool with members', () => expectShape('luthermonson-go-proxmox__pve8_pool_members.json', 'GET /pools', { poolid: 'prod' }));
  it('node network', () => expectShape('luthermonson-go-proxmox__pve8_network.json', 'GET /nodes/{node}/network', { node: 'pve1' }));
  it('node version', () => expectShape('luthermonson-go-proxmox__pve7_version.json', 'GET /nodes/{node}/version', { node: 'pve1' }));
  it('lxc config', () => expectShape('luthermonson-go-proxmox__pve7_lxc_config.json', 'GET /nodes/{node}/lxc/{vmid}/config', { node: 'pve3', vmid: 202 }));
  it('lxc config (6.2 sample)', () => expectShape('community-proxmox__pve62_lxc_100_config.json', 'GET /nodes/{node}/lxc/{vmid}/config', { node: 'pve1', vmid: 200 }));
  it('qemu configs (6.2 samples; memory is a string since 8.1)', async () => {
    const legacy = { legacy: { '.data.memory': 'int before PVE 8.1' } };
    await expectShape('community-proxmox__pve62_qemu_102_config.json', 'GET /nodes/{node}/qemu/{vmid}/config', { node: 'pve3', vmid: 109 }, legacy);
    await expectShape('community-proxmox__pve62_qemu_103_config.json', 'GET /nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 112 }, legacy);
  });
  it('node task list', () => expectShape('community-proxmox__pve64_node_tasks.json', 'GET /nodes/{node}/tasks', { node: 'pve1' }));
  it('PBS backup listing', () => expectShape('community-proxmox__storage_content_pbs_backups.json', 'GET /nodes/{node}/storage/{storage}/content', { node: 'pve1', storage: 'pbs' }));

  it('task status while running and once stopped', async () => {
    const upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', { node: 'pve2', vmid: 114 }));
    const running = await h.callEnvelope('GET', '/nodes/{node}/tasks/{upid}/status', { node: 'pve2', upid });
    expect(compareShape(sample('proxmoxer__task_status_vzdump_running.json'), running, envelopeSchema('GET /nodes/{node}/tasks/{upid}/status'))).toEqual([]);
    await h.finished(upid);
    const stopped = await h.callEnvelope('GET', '/nodes/{node}/tasks/{upid}/status', { node: 'pve2', upid });
    expect(compareShape(sample('proxmoxer__task_status_vzdump_ok.json'), stopped, envelopeSchema('GET /nodes/{node}/tasks/{upid}/status'))).toEqual([]);
  });

  it('task log lines', async () => {
    const upid = String(await h.call('POST', '/nodes/{node}/qemu/{vmid}/snapshot', { node: 'pve1', vmid: 100, snapname: 'shape' }));
    await h.finished(upid);
    const log = await h.callEnvelope('GET', '/nodes/{node}/tasks/{upid}/log', { node: 'pve1', upid });
    expect(compareShape({ data: sample('luthermonson-go-proxmox__task_log_imgcopy_data_only.json') }, log, envelopeSchema('GET /nodes/{node}/tasks/{upid}/log'))).toEqual([]);
    expect(typeof log.total).toBe('number');
  });

  it('nextid is a string, and a taken vmid is a parameter error', async () => {
    expect(await h.call('GET', '/cluster/nextid', {})).toBe('110');
    const err = sample('luthermonson-go-proxmox__cluster_nextid_400_error.json') as { errors: Record<string, string> };
    await expect(h.call('GET', '/cluster/nextid', { vmid: 200 })).rejects.toMatchObject({ status: 400, errors: err.errors });
    expect(await h.call('GET', '/cluster/nextid', { vmid: 4242 })).toBe('4242');
  });
});

describe('absent means unset', () => {
  it('qemu list: template only on templates, pid only while running', async () => {
    const list = (await h.call('GET', '/nodes/{node}/qemu', { node: 'pve1' })) as Record<string, unknown>[];
    for (const vm of list) {
      if ('template' in vm) expect(vm.template).toBe(1);
      expect('pid' in vm).toBe(vm.status === 'running');
      expect(typeof vm.vmid).toBe('number');
    }
    expect(list.find((v) => v.vmid === 9000)?.template).toBe(1);
  });

  it('cluster resources give template 0|1 and default names', async () => {
    const res = (await h.call('GET', '/cluster/resources', { type: 'vm' })) as Record<string, unknown>[];
    for (const r of res) expect([0, 1]).toContain(r.template);
    expect(res.find((r) => r.vmid === 116)?.name).toBe('VM 116');
    expect(res.find((r) => r.vmid === 211)?.name).toBe('CT211');
  });

  it('config GET returns set keys plus digest, numbers as PVE types them', async () => {
    const conf = (await h.call('GET', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 100 })) as Record<string, unknown>;
    expect(conf.memory).toBe('4096');
    expect(conf.cores).toBe(2);
    expect(conf.net0).toMatch(/^virtio=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},bridge=vmbr0,firewall=1$/);
    expect(conf.scsi0).toBe('local-lvm:vm-100-disk-0,iothread=1,size=32G');
    expect(conf.boot).toBe('order=scsi0;ide2;net0');
    expect(conf.digest).toMatch(/^[0-9a-f]{40}$/);
    expect(conf.tags).toBe('prod;web');
    expect(conf).not.toHaveProperty('lock');
  });
});
