import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProxmoxClient } from './client.js';
import { encodeParams, pathSegment } from './params.js';
import { ok, pveError, SAMPLE_UPID, startFakePve, type FakePve, type RecordedRequest, type Reply } from './test-support/fakePve.js';

let server: FakePve;
let client: ProxmoxClient;
let answer: (req: RecordedRequest) => Reply;

beforeEach(async () => {
  answer = (req) => ok(req.method === 'GET' ? [] : SAMPLE_UPID);
  server = await startFakePve((req) => answer(req));
  client = new ProxmoxClient({ endpoint: server.url, auth: { tokenId: 'root@pam!mpc', tokenSecret: 'xxxxxxxx' }, retry: { limit: 0 } });
});

afterEach(async () => {
  client.close();
  await server.close();
});

function last(): RecordedRequest {
  return server.requests.at(-1)!;
}

function sent(req: RecordedRequest): string {
  const params = req.method === 'GET' || req.method === 'DELETE' ? req.query : req.form;
  const qs = params.toString();
  return `${req.method} ${req.path}${qs ? ` ${qs}` : ''}`;
}

describe('parameters', () => {
  it('form-encodes booleans as 1/0, drops undefined, joins lists', () => {
    expect(encodeParams({ a: true, b: false, c: undefined, d: 5, e: 'x', f: ['a', 'b'] })).toEqual([
      ['a', '1'],
      ['b', '0'],
      ['d', '5'],
      ['e', 'x'],
      ['f', 'a,b'],
    ]);
    expect(() => encodeParams({ n: Number.NaN })).toThrow(/finite/);
  });

  it('bad parameters and paths are refused before anything is sent', async () => {
    await expect(client.get('/cluster/resources', { x: Number.POSITIVE_INFINITY })).rejects.toMatchObject({ kind: 'parameter' });
    await expect(client.get('cluster/resources')).rejects.toMatchObject({ kind: 'parameter' });
    await expect(client.get('/cluster/resources?type=vm')).rejects.toMatchObject({ kind: 'parameter' });
    expect(server.requests).toHaveLength(0);
  });

  it('escapes path segments but keeps UPIDs readable', () => {
    expect(pathSegment(SAMPLE_UPID)).toBe(SAMPLE_UPID);
    expect(pathSegment('a/b c')).toBe('a%2Fb%20c');
    expect(() => pathSegment('..')).toThrow();
  });
});

describe('cluster and nodes', () => {
  it('version', async () => {
    answer = () => ok({ version: '9.1.1', release: '9.1', repoid: 'abcdef12', console: 'xtermjs' });
    await expect(client.version()).resolves.toEqual({ version: '9.1.1', release: '9.1', repoid: 'abcdef12', console: 'xtermjs' });
    expect(sent(last())).toBe('GET /version');
  });

  it('cluster resources with and without a type filter', async () => {
    answer = () => ok([{ id: 'qemu/100', type: 'qemu', vmid: 100, node: 'pve1', template: 0, tags: 'a;b' }]);
    await expect(client.clusterResources('vm')).resolves.toEqual([{ id: 'qemu/100', type: 'qemu', vmid: 100, node: 'pve1', template: false, tags: ['a', 'b'] }]);
    expect(sent(last())).toBe('GET /cluster/resources type=vm');
    await client.clusterResources();
    expect(sent(last())).toBe('GET /cluster/resources');
  });

  it('nextid answers a string on the wire and a number here', async () => {
    answer = () => ok('104');
    await expect(client.nextId()).resolves.toBe(104);
    await client.nextId(200);
    expect(sent(last())).toBe('GET /cluster/nextid vmid=200');
  });

  it('cluster status, tasks, nodes, node status/version, network', async () => {
    answer = () => ok([{ type: 'cluster', id: 'cluster', name: 'lab', quorate: 1, nodes: 3 }]);
    expect((await client.clusterStatus())[0]!.quorate).toBe(true);
    answer = () => ok([{ upid: SAMPLE_UPID, status: 'OK', endtime: 1, saved: '1' }]);
    expect((await client.clusterTasks())[0]).toMatchObject({ node: 'pve1', type: 'qmstart', saved: true });
    expect(sent(last())).toBe('GET /cluster/tasks');
    answer = () => ok([{ node: 'pve1', status: 'online' }]);
    expect(await client.nodes()).toEqual([{ node: 'pve1', status: 'online' }]);
    answer = () => ok({ cpu: 0.1, loadavg: ['1.00', '0.50', '0.25'] });
    expect((await client.nodeStatus('pve1')).loadavg).toEqual([1, 0.5, 0.25]);
    expect(sent(last())).toBe('GET /nodes/pve1/status');
    answer = () => ok({ version: '8.2.4', release: '8.2', repoid: 'x' });
    expect((await client.nodeVersion('pve1')).release).toBe('8.2');
    expect(sent(last())).toBe('GET /nodes/pve1/version');
    answer = () => ok([{ iface: 'vmbr0', type: 'bridge', active: '1' }]);
    expect((await client.network('pve1', 'bridge'))[0]).toMatchObject({ iface: 'vmbr0', active: true });
    expect(sent(last())).toBe('GET /nodes/pve1/network type=bridge');
  });

  it('storage list and content with filters', async () => {
    answer = () => ok([{ storage: 'local', type: 'dir', content: 'iso,backup', active: 1 }]);
    expect((await client.storage('pve1', { content: 'iso', enabled: true }))[0]!.content).toEqual(['iso', 'backup']);
    expect(sent(last())).toBe('GET /nodes/pve1/storage content=iso&enabled=1');
    answer = () => ok([{ volid: 'local:iso/debian.iso', format: 'iso', size: '123', content: 'iso' }]);
    expect((await client.storageContent('pve1', 'local', { content: 'iso' }))[0]).toEqual({ volid: 'local:iso/debian.iso', format: 'iso', size: 123, content: 'iso' });
    expect(sent(last())).toBe('GET /nodes/pve1/storage/local/content content=iso');
  });
});

describe('pools', () => {
  it('list, get (PVE 8.1+ style) and create', async () => {
    answer = () => ok([{ poolid: 'lab' }, { poolid: 'prod', comment: 'Production' }]);
    expect(await client.pools()).toEqual([{ poolid: 'lab' }, { poolid: 'prod', comment: 'Production' }]);
    answer = () => ok([{ poolid: 'lab', members: [{ id: 'qemu/100', type: 'qemu', vmid: 100, node: 'pve1' }] }]);
    expect((await client.pool('lab')).members).toEqual([{ id: 'qemu/100', type: 'qemu', vmid: 100, node: 'pve1' }]);
    expect(sent(last())).toBe('GET /pools poolid=lab');
    answer = () => ok(null);
    await client.createPool('new', 'A comment');
    expect(sent(last())).toBe('POST /pools poolid=new&comment=A+comment');
  });

  it('falls back to GET /pools/{poolid} on servers older than 8.1', async () => {
    answer = (req) =>
      req.path === '/pools'
        ? pveError(400, 'Parameter verification failed.', { poolid: 'property is not defined in schema and the schema does not allow additional properties' })
        : ok({ comment: 'old', members: [{ id: 'lxc/101', type: 'lxc', vmid: 101, node: 'pve1' }] });
    await expect(client.pool('lab')).resolves.toEqual({ poolid: 'lab', comment: 'old', members: [{ id: 'lxc/101', type: 'lxc', vmid: 101, node: 'pve1' }] });
    expect(sent(last())).toBe('GET /pools/lab');
  });
});

describe('guests', () => {
  it('list and status, normalised, with the node filled in', async () => {
    answer = () => ok([{ vmid: '101', status: 'running', name: 'ct' }]);
    expect(await client.lxc.list('pve1')).toEqual([{ type: 'lxc', vmid: 101, node: 'pve1', status: 'running', name: 'ct' }]);
    expect(sent(last())).toBe('GET /nodes/pve1/lxc');
    answer = () => ok({ status: 'stopped', qmpstatus: 'stopped', ha: { managed: 0 } });
    expect(await client.qemu.status('pve1', 100)).toMatchObject({ type: 'qemu', vmid: 100, node: 'pve1', status: 'stopped', ha: { managed: false } });
    expect(sent(last())).toBe('GET /nodes/pve1/qemu/100/status/current');
  });

  it('config read (current) and write: PUT is sync, POST (qemu) returns a UPID', async () => {
    answer = () => ok({ name: 'web', memory: '2048', digest: 'abc', onboot: 1, net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr0' });
    const cfg = await client.qemu.config('pve1', 100, { current: true });
    expect(cfg).toMatchObject({ type: 'qemu', name: 'web', memory: 2048, onboot: true, digest: 'abc' });
    expect(cfg.raw.net0).toBe('virtio=BC:24:11:00:00:01,bridge=vmbr0');
    expect(sent(last())).toBe('GET /nodes/pve1/qemu/100/config current=1');
    answer = () => ok(null);
    await expect(client.lxc.updateConfig('pve1', 101, { onboot: false, memory: 1024, delete: ['mp0', 'net1'], digest: 'abc' })).resolves.toBeUndefined();
    expect(sent(last())).toBe('PUT /nodes/pve1/lxc/101/config onboot=0&memory=1024&delete=mp0%2Cnet1&digest=abc');
    answer = () => ok(SAMPLE_UPID);
    await expect(client.qemu.updateConfigAsync('pve1', 100, { cores: 4 })).resolves.toBe(SAMPLE_UPID);
    expect(sent(last())).toBe('POST /nodes/pve1/qemu/100/config cores=4');
    answer = () => ok(null);
    await expect(client.qemu.updateConfigAsync('pve1', 100, { cores: 4 })).resolves.toBeNull();
  });

  it('create, clone, migrate and delete return UPIDs and send PVE parameter names', async () => {
    expect(await client.qemu.create('pve1', { vmid: 120, name: 'new', memory: 2048, start: true, net0: 'virtio,bridge=vmbr0' })).toBe(SAMPLE_UPID);
    expect(sent(last())).toBe('POST /nodes/pve1/qemu vmid=120&name=new&memory=2048&start=1&net0=virtio%2Cbridge%3Dvmbr0');
    await client.qemu.clone('pve1', 9000, { newid: 121, name: 'clone', full: true, storage: 'local-lvm' });
    expect(sent(last())).toBe('POST /nodes/pve1/qemu/9000/clone newid=121&name=clone&full=1&storage=local-lvm');
    await client.lxc.clone('pve1', 9001, { newid: 122, name: 'ct-clone' });
    expect(sent(last())).toBe('POST /nodes/pve1/lxc/9001/clone newid=122&hostname=ct-clone');
    await client.qemu.migrate('pve1', 100, { target: 'pve2', online: true, withLocalDisks: true, targetStorage: 'local-lvm' });
    expect(sent(last())).toBe('POST /nodes/pve1/qemu/100/migrate target=pve2&online=1&targetstorage=local-lvm&with-local-disks=1');
    await client.lxc.migrate('pve1', 101, { target: 'pve2', restart: true, timeout: 30 });
    expect(sent(last())).toBe('POST /nodes/pve1/lxc/101/migrate target=pve2&restart=1&timeout=30');
    await client.qemu.delete('pve1', 100, { purge: true, destroyUnreferencedDisks: true });
    expect(sent(last())).toBe('DELETE /nodes/pve1/qemu/100 purge=1&destroy-unreferenced-disks=1');
    await client.lxc.delete('pve1', 101, { force: true });
    expect(sent(last())).toBe('DELETE /nodes/pve1/lxc/101 force=1');
  });

  it('lifecycle actions', async () => {
    const q = client.qemu;
    const calls: [() => Promise<unknown>, string][] = [
      [() => q.start('pve1', 100), 'POST /nodes/pve1/qemu/100/status/start'],
      [() => q.stop('pve1', 100, { overruleShutdown: true }), 'POST /nodes/pve1/qemu/100/status/stop overrule-shutdown=1'],
      [() => q.shutdown('pve1', 100, { timeout: 60, forceStop: true }), 'POST /nodes/pve1/qemu/100/status/shutdown timeout=60&forceStop=1'],
      [() => q.reboot('pve1', 100), 'POST /nodes/pve1/qemu/100/status/reboot'],
      [() => q.reset('pve1', 100), 'POST /nodes/pve1/qemu/100/status/reset'],
      [() => q.suspend('pve1', 100, { toDisk: true, stateStorage: 'local' }), 'POST /nodes/pve1/qemu/100/status/suspend todisk=1&statestorage=local'],
      [() => q.resume('pve1', 100), 'POST /nodes/pve1/qemu/100/status/resume'],
      [() => q.template('pve1', 100), 'POST /nodes/pve1/qemu/100/template'],
      [() => client.lxc.start('pve1', 101), 'POST /nodes/pve1/lxc/101/status/start'],
      [() => client.lxc.shutdown('pve1', 101, { forceStop: false }), 'POST /nodes/pve1/lxc/101/status/shutdown forceStop=0'],
      [() => client.lxc.suspend('pve1', 101), 'POST /nodes/pve1/lxc/101/status/suspend'],
    ];
    for (const [call, expected] of calls) {
      await expect(call()).resolves.toBe(SAMPLE_UPID);
      expect(sent(last())).toBe(expected);
    }
    answer = () => ok(null);
    await expect(client.lxc.template('pve1', 101)).resolves.toBeNull();
    expect(sent(last())).toBe('POST /nodes/pve1/lxc/101/template');
  });

  it('snapshots: list, create (vmstate for qemu), rollback, delete', async () => {
    answer = () => ok([{ name: 'current', running: 1, description: 'You are here!' }]);
    expect(await client.qemu.snapshots('pve1', 100)).toEqual([{ name: 'current', running: true, description: 'You are here!' }]);
    expect(sent(last())).toBe('GET /nodes/pve1/qemu/100/snapshot');
    answer = () => ok(SAMPLE_UPID);
    await client.qemu.createSnapshot('pve1', 100, 'pre-upgrade', { description: 'before', vmstate: true });
    expect(sent(last())).toBe('POST /nodes/pve1/qemu/100/snapshot snapname=pre-upgrade&description=before&vmstate=1');
    await client.lxc.createSnapshot('pve1', 101, 'snap1');
    expect(sent(last())).toBe('POST /nodes/pve1/lxc/101/snapshot snapname=snap1');
    await client.qemu.rollbackSnapshot('pve1', 100, 'pre-upgrade', { start: true });
    expect(sent(last())).toBe('POST /nodes/pve1/qemu/100/snapshot/pre-upgrade/rollback start=1');
    await client.lxc.deleteSnapshot('pve1', 101, 'snap1', { force: true });
    expect(sent(last())).toBe('DELETE /nodes/pve1/lxc/101/snapshot/snap1 force=1');
  });

  it('an action that does not answer with a UPID is a protocol error', async () => {
    answer = () => ok({ weird: true });
    await expect(client.qemu.start('pve1', 100)).rejects.toMatchObject({
      kind: 'protocol',
      message: 'POST /nodes/pve1/qemu/100/status/start should answer with a task id (UPID) but sent {"weird":true}; is the server a PVE node?',
    });
  });

  it('guest(type) picks the API', () => {
    expect(client.guest('qemu')).toBe(client.qemu);
    expect(client.guest('lxc')).toBe(client.lxc);
  });
});

describe('generic access', () => {
  it('get/post/put/delete pass parameters and return data', async () => {
    answer = () => ok({ any: 'thing' });
    await expect(client.get('/nodes/pve1/disks/list', { 'include-partitions': true })).resolves.toEqual({ any: 'thing' });
    expect(sent(last())).toBe('GET /nodes/pve1/disks/list include-partitions=1');
    await client.post('/nodes/pve1/execute', { commands: '[]' });
    expect(sent(last())).toBe('POST /nodes/pve1/execute commands=%5B%5D');
    await client.put('/cluster/options', { keyboard: 'de' });
    expect(sent(last())).toBe('PUT /cluster/options keyboard=de');
    await client.delete('/pools/lab');
    expect(sent(last())).toBe('DELETE /pools/lab');
    expect(last().headers['content-type']).toBeUndefined();
  });

  it('exposes what it is connected to', () => {
    expect(client.baseUrl).toBe(`${server.url}/api2/json`);
    expect(client.principal).toBe('root@pam!mpc');
    expect(client.tlsMode).toBe('verify');
  });
});
