// The API client against the real simulator: both auth modes, CSRF, ticket renewal and
// expiry, TLS pinning, GET-only retries under injected faults, every typed error, and
// following a task with its log.
import https from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProxmoxClient, type ProxmoxClientOptions } from '../src/proxmox/client.js';
import { ProxmoxError } from '../src/proxmox/errors.js';
import { HttpTransport } from '../src/proxmox/http.js';
import type { ClusterResource, TaskLogLine } from '../src/proxmox/types.js';
import { startSimulator } from '../src/simulator/index.js';
import { DEFAULT_FAULTS, type SimulatorHandle } from '../src/simulator/types.js';

let sim: SimulatorHandle;
const clients: ProxmoxClient[] = [];

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 0.01, seed: 42 });
});

afterAll(async () => {
  await sim?.close();
});

afterEach(() => {
  clients.splice(0).forEach((c) => c.close());
  sim.faults.set({ ...DEFAULT_FAULTS });
});

type Extra = Partial<ProxmoxClientOptions>;

function tokenClient(extra: Extra = {}, who: 'root' | 'auditor' = 'root'): ProxmoxClient {
  const creds = sim[who];
  const c = new ProxmoxClient({
    endpoint: sim.url,
    auth: { tokenId: creds.tokenId, tokenSecret: creds.tokenSecret },
    fingerprint: sim.fingerprint,
    retry: { limit: 0 },
    ...extra,
  });
  clients.push(c);
  return c;
}

function ticketClient(extra: Extra = {}): ProxmoxClient {
  const c = new ProxmoxClient({
    endpoint: sim.url,
    auth: { username: sim.root.username, password: sim.root.password },
    fingerprint: sim.fingerprint,
    retry: { limit: 0 },
    ...extra,
  });
  clients.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<ProxmoxError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProxmoxError);
  const pe = e as ProxmoxError;
  expect(pe.message).not.toMatch(/[\r\n]/);
  for (const secret of [sim.root.password, sim.root.tokenSecret, sim.auditor.password, sim.auditor.tokenSecret]) {
    expect(pe.message).not.toContain(secret);
  }
  return pe;
}

async function onlineNodes(c: ProxmoxClient): Promise<string[]> {
  return (await c.nodes()).filter((n) => n.status === 'online').map((n) => n.node);
}

async function guests(c: ProxmoxClient): Promise<ClusterResource[]> {
  return (await c.clusterResources('vm')).filter((r) => r.vmid !== undefined && r.node !== undefined);
}

describe('parsing what the simulator serves', () => {
  it('reads every typed endpoint without a protocol error', async () => {
    const c = tokenClient();
    const version = await c.version();
    expect(version.release).toMatch(/^\d+\.\d+$/);
    expect(await c.clusterStatus()).not.toHaveLength(0);
    expect(await c.nextId()).toBeGreaterThanOrEqual(100);
    await c.clusterTasks();
    const resources = await c.clusterResources();
    expect(resources.some((r) => r.type === 'node')).toBe(true);
    for (const node of await onlineNodes(c)) {
      await c.nodeStatus(node);
      await c.nodeVersion(node);
      await c.network(node);
      const storages = await c.storage(node);
      for (const s of storages.filter((x) => x.active !== false)) await c.storageContent(node, s.storage);
      for (const type of ['qemu', 'lxc'] as const) {
        const list = await c.guest(type).list(node);
        for (const g of list.slice(0, 3)) {
          const cfg = await c.guest(type).config(node, g.vmid);
          expect(cfg.digest).toMatch(/^[0-9a-f]{40}$/);
          await c.guest(type).status(node, g.vmid);
          await c.guest(type).snapshots(node, g.vmid);
        }
      }
      await c.tasks(node, { limit: 5 });
    }
    for (const pool of await c.pools()) await c.pool(pool.poolid);
  });
});

describe('compression', () => {
  it('compression: true reads the gzip the simulator sends for large answers; the default reads the same, plain', async () => {
    const plain = tokenClient();
    const gz = tokenClient({ compression: true });
    // Live figures move between the two reads (the simulator's clock runs): compare the rest.
    const stable = (list: Awaited<ReturnType<typeof plain.clusterResources>>) =>
      list.map(({ cpu: _c, mem: _m, memhost: _h, disk: _d, uptime: _u, netin: _i, netout: _o, diskread: _r, diskwrite: _w, ...rest }) => rest);
    const resources = await gz.clusterResources();
    expect(resources.length).toBeGreaterThan(10);
    expect(stable(resources)).toEqual(stable(await plain.clusterResources()));
  });
});

describe('authentication', () => {
  it('API token: reads and writes without a CSRF token', async () => {
    const c = tokenClient();
    await c.version();
    const poolid = `tok${Date.now() % 100000}`;
    await c.createPool(poolid, 'made with a token');
    expect((await c.pools()).map((p) => p.poolid)).toContain(poolid);
  });

  it('ticket: logs in, reads and writes (CSRF on the write)', async () => {
    const requests: string[] = [];
    const c = ticketClient({ onRequest: (r) => requests.push(`${r.method} ${r.path}`) });
    await c.version();
    const poolid = `tkt${Date.now() % 100000}`;
    await c.createPool(poolid);
    expect(requests).toEqual(['POST /access/ticket', 'GET /version', 'POST /pools']);
  });

  it('a write with the ticket but without the CSRF header is refused (401 invalid csrf token)', async () => {
    const transport = new HttpTransport({ endpoint: sim.url, tls: { fingerprint: sim.fingerprint }, retry: { limit: 0 } });
    // log in without any credentials attached (PVE refuses /access/ticket with an API token)
    const { data } = await transport.send({
      method: 'POST',
      path: '/access/ticket',
      params: { username: sim.root.username, password: sim.root.password },
      authMode: 'login',
    });
    const login = data as { ticket: string };
    try {
      const e = await failure(
        transport.send({ method: 'POST', path: '/pools', params: { poolid: 'nocsrf' }, headers: { Cookie: `PVEAuthCookie=${login.ticket}` }, authMode: 'ticket', principal: 'root@pam' }),
      );
      expect(e.kind).toBe('auth');
      expect(e.status).toBe(401);
      expect(e.message).toMatch(/CSRF token/);
      expect(e.message).not.toContain(login.ticket);
      // the same ticket still reads: GET needs no CSRF token
      await expect(transport.send({ method: 'GET', path: '/version', headers: { Cookie: `PVEAuthCookie=${login.ticket}` }, authMode: 'ticket' })).resolves.toBeDefined();
    } finally {
      transport.close();
    }
    // raw check: the status line is what PVE sends
    const status = await new Promise<string>((resolve, reject) => {
      const req = https.request(
        `${sim.url}/api2/json/pools`,
        { method: 'POST', ca: sim.certPem, rejectUnauthorized: false, headers: { Cookie: `PVEAuthCookie=${login.ticket}`, 'Content-Type': 'application/x-www-form-urlencoded' } },
        (res) => {
          res.resume();
          resolve(`${res.statusCode} ${res.statusMessage}`);
        },
      );
      req.on('error', reject);
      req.end('poolid=nocsrf2');
    });
    expect(status).toBe('401 Permission denied - invalid csrf token');
  });

  it('wrong password: one-line auth error', async () => {
    const c = new ProxmoxClient({ endpoint: sim.url, auth: { username: 'root', realm: 'pam', password: 'not-the-password' }, fingerprint: sim.fingerprint });
    clients.push(c);
    const e = await failure(c.login());
    expect(e.kind).toBe('auth');
    expect(e.message).toBe('authentication failed for root@pam: wrong user name or password; check the user, the realm (pam or pve) and the password');
  });

  it('a pve-realm user logs in too', async () => {
    const c = new ProxmoxClient({ endpoint: sim.url, auth: { username: 'auditor', realm: 'pve', password: sim.auditor.password }, fingerprint: sim.fingerprint });
    clients.push(c);
    await expect(c.version()).resolves.toBeDefined();
    expect(c.principal).toBe('auditor@pve');
  });

  it('renews the ticket by clock: posts the current ticket once it is older than an hour', async () => {
    const requests: string[] = [];
    let offset = 0;
    const c = ticketClient({ now: () => Date.now() + offset, onRequest: (r) => requests.push(`${r.method} ${r.path}`) });
    await c.version();
    await c.version();
    expect(requests.filter((r) => r === 'POST /access/ticket')).toHaveLength(1);
    offset = 61 * 60_000;
    await c.version();
    expect(requests).toEqual(['POST /access/ticket', 'GET /version', 'GET /version', 'POST /access/ticket', 'GET /version']);
    await c.createPool(`ren${Date.now() % 100000}`); // the renewed ticket's CSRF token works
  });

  it('expired tickets (expireTickets): one fresh login, the request is retried once and succeeds', async () => {
    const requests: string[] = [];
    const c = ticketClient({ onRequest: (r) => requests.push(`${r.method} ${r.path}`) });
    await c.version();
    sim.faults.expireTickets();
    await c.createPool(`exp${Date.now() % 100000}`);
    expect(requests).toEqual(['POST /access/ticket', 'GET /version', 'POST /pools', 'POST /access/ticket', 'POST /pools']);
  });

  it('tickets that never last (ticketLifetimeSec 0): exactly one re-login, then an auth error', async () => {
    const requests: string[] = [];
    const c = ticketClient({ onRequest: (r) => requests.push(`${r.method} ${r.path}`) });
    sim.faults.set({ ticketLifetimeSec: 0 });
    const e = await failure(c.version());
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(/even after logging in again/);
    expect(requests).toEqual(['POST /access/ticket', 'GET /version', 'POST /access/ticket', 'GET /version']);
    sim.faults.set({ ticketLifetimeSec: 7200 });
    await expect(c.version()).resolves.toBeDefined();
  });
});

describe('TLS', () => {
  it('accepts the pinned fingerprint', async () => {
    await expect(tokenClient({ fingerprint: sim.fingerprint.toLowerCase() }).version()).resolves.toBeDefined();
  });

  it('refuses another fingerprint and prints the one it saw', async () => {
    const e = await failure(tokenClient({ fingerprint: '00:'.repeat(31) + '00' }).version());
    expect(e.kind).toBe('tls');
    expect(e.message).toContain(sim.fingerprint);
    expect(e.details.fingerprint).toBe(sim.fingerprint);
  });

  it('verifies by default: the self-signed certificate is refused with advice', async () => {
    const c = new ProxmoxClient({ endpoint: sim.url, auth: { tokenId: sim.root.tokenId, tokenSecret: sim.root.tokenSecret } });
    clients.push(c);
    const e = await failure(c.version());
    expect(e.kind).toBe('tls');
    expect(e.message).toContain(sim.fingerprint);
    expect(e.message).toMatch(/then pin it with the fingerprint setting or use insecure mode$/);
  });

  it('insecure mode connects', async () => {
    const c = new ProxmoxClient({ endpoint: sim.url, auth: { tokenId: sim.root.tokenId, tokenSecret: sim.root.tokenSecret }, insecure: true });
    clients.push(c);
    await expect(c.version()).resolves.toBeDefined();
  });
});

describe('retries under injected faults', () => {
  it('GET rides out random 500s and resets', async () => {
    const retries: string[] = [];
    const c = tokenClient({ retry: { limit: 15, baseDelayMs: 1, maxDelayMs: 2 }, onRetry: (r) => retries.push(r.reason) });
    // Per attempt ~37% fail; 16 attempts per GET make a final failure ~1e-7 likely, and over 60
    // GETs the chance of seeing no injected 500 at all is ~1e-8.
    sim.faults.set({ errorRate: 0.3, resetRate: 0.1 });
    for (let i = 0; i < 60; i++) await c.version();
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.some((r) => r === 'HTTP 500')).toBe(true);
  });

  it('POST is never retried: a 500 or a reset reaches the caller after one attempt', async () => {
    const requests: string[] = [];
    const retries: unknown[] = [];
    const c = tokenClient({ retry: { limit: 5, baseDelayMs: 1 }, onRequest: (r) => requests.push(r.method), onRetry: (r) => retries.push(r) });
    sim.faults.set({ errorRate: 1 });
    const e500 = await failure(c.createPool('never1'));
    expect(e500.kind).toBe('server');
    expect(e500.details.serverMessage).toBe('simulated internal error');
    sim.faults.set({ errorRate: 0, resetRate: 1 });
    const reset = await failure(c.createPool('never2'));
    expect(reset.kind).toBe('network');
    expect(requests).toEqual(['POST', 'POST']);
    expect(retries).toHaveLength(0);
  });

  it('GET gives up after the retry limit', async () => {
    const retries: number[] = [];
    const c = tokenClient({ retry: { limit: 3, baseDelayMs: 1, maxDelayMs: 2 }, onRetry: (r) => retries.push(r.retryNumber) });
    sim.faults.set({ resetRate: 1 });
    expect((await failure(c.version())).kind).toBe('network');
    expect(retries).toEqual([1, 2, 3]);
    sim.faults.set({ resetRate: 0, malformedRate: 1 });
    expect((await failure(c.clusterResources())).kind).toBe('protocol');
  });
});

describe('typed errors from the simulator', () => {
  it('403 for the read-only auditor, with path and privilege', async () => {
    const root = tokenClient();
    const target = (await guests(root)).find((g) => g.type === 'qemu' && g.template !== true)!;
    const auditor = tokenClient({}, 'auditor');
    const e = await failure(auditor.qemu.start(target.node!, target.vmid!));
    expect(e.kind).toBe('permission');
    expect(e.details.permissionPath).toBe(`/vms/${target.vmid}`);
    expect(e.details.privilege).toBe('VM.PowerMgmt');
    expect(e.message).toContain('auditor@pve!ro lacks VM.PowerMgmt');
  });

  it('400 names the offending parameter', async () => {
    const c = tokenClient();
    const [node] = await onlineNodes(c);
    const e = await failure(c.qemu.create(node!, { vmid: 42 }));
    expect(e.kind).toBe('parameter');
    expect(Object.keys(e.details.errors ?? {})).toContain('vmid');
    expect(e.message).toMatch(/^invalid parameters for POST \/nodes\/[^ ]+\/qemu: vmid: /);
  });

  it('a guest that does not exist is not-found', async () => {
    const c = tokenClient();
    const [node] = await onlineNodes(c);
    const e = await failure(c.qemu.config(node!, 999_999));
    expect(e.kind).toBe('not-found');
    expect(e.message).toContain('does not exist');
  });

  it('595 when a node is offline, naming the node', async () => {
    const c = tokenClient();
    const nodes = await onlineNodes(c);
    const down = nodes[nodes.length - 1]!;
    sim.faults.set({ offlineNodes: [down] });
    const e = await failure(c.nodeStatus(down));
    expect(e.kind).toBe('node-unreachable');
    expect(e.details.node).toBe(down);
    expect(e.message).toMatch(new RegExp(`^node ${down} is unreachable \\(595`));
  });
});

describe('following a task', () => {
  it('starts a stopped guest and streams its log, each line once, until TASK OK', async () => {
    const c = tokenClient({ retry: { limit: 2, baseDelayMs: 1 } });
    const online = new Set(await onlineNodes(c));
    const stopped = (await guests(c)).find((g) => g.type === 'qemu' && g.status === 'stopped' && g.template !== true && online.has(g.node!) && !g.lock);
    expect(stopped, 'the scenario has a stopped VM').toBeDefined();
    const { node, vmid } = stopped as Required<Pick<ClusterResource, 'node' | 'vmid'>>;
    const upid = await c.qemu.start(node, vmid);
    expect(upid).toMatch(new RegExp(`^UPID:${node}:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:qmstart:${vmid}:root@pam!mpc:$`));
    const batches: TaskLogLine[][] = [];
    const result = await c.waitForTaskOk(upid, { pollIntervalMs: 10, onLog: (lines) => batches.push(lines) });
    const lines = batches.flat();
    expect(lines.map((l) => l.n)).toEqual(lines.map((_, i) => i + 1));
    expect(lines.at(-1)!.t).toBe('TASK OK');
    expect(result).toMatchObject({ ok: true, exitstatus: 'OK', node });
    expect(result.log).toEqual(lines);
    expect((await c.qemu.status(node, vmid)).status).toBe('running');
    // and back: stop it, following the task to its end
    const stop = await c.qemu.stop(node, vmid);
    await expect(c.waitForTaskOk(stop, { pollIntervalMs: 10 })).resolves.toMatchObject({ ok: true });
  });

  it('a failing task resolves with ok=false and its PVE exit text', async () => {
    const c = tokenClient();
    const online = new Set(await onlineNodes(c));
    const running = (await guests(c)).find((g) => g.type === 'qemu' && g.status === 'running' && online.has(g.node!) && !g.lock);
    expect(running, 'the scenario has a running VM').toBeDefined();
    // starting a running VM fails inside the task (qemu-server: "VM <id> already running")
    const upid = await c.qemu.start(running!.node!, running!.vmid!);
    const result = await c.waitForTask(upid, { pollIntervalMs: 10 });
    expect(result.ok).toBe(false);
    expect(result.exitstatus).toBe(`VM ${running!.vmid} already running`);
    expect(result.log.at(-1)!.t).toBe(`TASK ERROR: VM ${running!.vmid} already running`);
    await expect(c.waitForTaskOk(upid, { pollIntervalMs: 10 })).rejects.toMatchObject({ kind: 'task', details: { exitstatus: result.exitstatus } });
  });
});
