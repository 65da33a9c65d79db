// The read commands as a user runs them: the built CLI (run `node scripts/build.mjs` first)
// against a cache filled from the simulator with --refresh, and against a cache written
// directly through the Cache writer (names no PVE would accept, several clusters).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCache } from '../src/db/client.js';
import type { GuestRow } from '../src/db/model.js';
import { defaultCachePath } from '../src/db/paths.js';
import { RECORD_FIELDS } from '../src/app/read/fields.js';
import { ProxmoxClient } from '../src/proxmox/client.js';
import { startSimulator } from '../src/simulator/index.js';
import { isolatedEnv, runCli, startCli } from './support/cli.js';

let sim: Awaited<ReturnType<typeof startSimulator>>;
let client: ProxmoxClient;
/** One home for the whole file: the cache persists from test to test. */
let env: NodeJS.ProcessEnv;

const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const EVIL = 'evil\u001b[31m\u001b]0;pwned\u0007-vm\u009b2J';

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 0.01, seed: 7 });
  client = new ProxmoxClient({ endpoint: sim.url, auth: { tokenId: sim.root.tokenId, tokenSecret: sim.root.tokenSecret }, fingerprint: sim.fingerprint });
  env = isolatedEnv({
    PROXMOX_VE_ENDPOINT: sim.url,
    PMC_FINGERPRINT: sim.fingerprint,
    PROXMOX_VE_API_TOKEN: `${sim.root.tokenId}=${sim.root.tokenSecret}`,
    COLUMNS: '120',
    TZ: 'UTC',
  });
});
afterAll(async () => {
  client?.close();
  await sim?.close();
});

function oneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^proxmox-mpc: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('before the first sync', () => {
  it('an empty cache exits 4 with one line saying to sync, nothing on stdout', async () => {
    const r = await runCli(['get', 'vms'], env);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    oneLine(r.stderr, /the cache of profile env-127\.0\.0\.1-\d+ is empty: run proxmox-mpc sync first$/);
    const json = await runCli(['get', 'vms', '-o', 'json'], env);
    expect(json.code).toBe(4);
    expect(json.stdout).toBe('');
  });
});

describe('get', () => {
  it('--refresh syncs first, then prints the table fitted to the width', async () => {
    const r = await runCli(['get', 'vms', '--refresh'], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^synced env-127\.0\.0\.1-\d+: 3 nodes, \d+ guests/m);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^VMID\s+NAME\s+NODE\s+STATUS\s+CPU\s+MEM\s+DISK\s+UPTIME\s+TAGS$/);
    expect(r.stdout).toMatch(/^ 100 {2}web-01 +pve1 +running /m);
    expect(r.stdout).toMatch(/^9000 {2}ubuntu-24\.04-cloud +pve1 +template /m);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(120);
  });

  it('reads the fresh cache without a word on stderr', async () => {
    const r = await runCli(['get', 'nodes'], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const node of ['pve1', 'pve2', 'pve3']) expect(r.stdout).toMatch(new RegExp(`^${node} +online `, 'm'));
  });

  it('-o json prints every VM with the documented fields; numbers are numbers', async () => {
    const r = await runCli(['get', 'vms', '-o', 'json'], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const vms = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(vms).toHaveLength(sim.summary.qemu);
    for (const vm of vms) expect(Object.keys(vm)).toEqual(RECORD_FIELDS.guests);
    expect(vms.find((v) => v.vmid === 102)).toMatchObject({ name: 'db-01', node: 'pve1', type: 'qemu', pool: 'prod', maxmem: 8 * 1024 ** 3, tags: ['db', 'postgres', 'prod'] });
  });

  it('filters, sorts and limits', async () => {
    const r = await runCli(['get', 'guests', '--status', 'running', '--sort=-mem', '--limit', '3', '-o', 'json'], env);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ status: string; mem: number }>;
    expect(rows).toHaveLength(3);
    expect(rows.every((g) => g.status === 'running')).toBe(true);
    expect(rows[0]!.mem).toBeGreaterThanOrEqual(rows[1]!.mem);
    expect(rows[1]!.mem).toBeGreaterThanOrEqual(rows[2]!.mem);

    const cts = await runCli(['get', 'cts', '--node', 'pve1', '/^pi/', '--no-headers'], env);
    expect(cts.code).toBe(0);
    expect(cts.stdout.trimEnd().split('\n').map((l) => l.trim().split(/\s+/)[1])).toEqual(['pihole']);

    const tagged = JSON.parse((await runCli(['get', 'vms', '--tag', 'k8s', '-o', 'json'], env)).stdout) as Array<{ name: string }>;
    expect(tagged.map((g) => g.name).sort()).toEqual(['k8s-control', 'k8s-node-1', 'k8s-node-2', 'k8s-node-3']);
  });

  it('lists storage, tasks, snapshots and pools; -o yaml too', async () => {
    for (const kind of ['storage', 'tasks', 'snapshots', 'pools']) {
      const r = await runCli(['get', kind], env);
      expect(r.code, kind).toBe(0);
      expect(r.stdout.length, kind).toBeGreaterThan(0);
    }
    const yaml = await runCli(['get', 'pools', '-o', 'yaml'], env);
    expect(yaml.stdout).toMatch(/^- poolid: lab$/m);
  });

  it('nothing matching: [] for json, a message on stderr for tables, exit 0', async () => {
    const json = await runCli(['get', 'vms', 'no-such-thing', '-o', 'json'], env);
    expect(json.code).toBe(0);
    expect(json.stdout).toBe('[]\n');
    const table = await runCli(['get', 'vms', 'no-such-thing'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe('');
    oneLine(table.stderr, /no vms match in the cache of profile env-127\.0\.0\.1-\d+ \(synced .* ago\)/);
  });

  it.each([
    [['get', 'bogus'], /unknown resource 'bogus'/],
    [['get', 'storage', '--tag', 'x'], /--tag does not apply to storage/],
    [['get', 'vms', '--sort', 'nope'], /cannot sort by 'nope'/],
    [['get', 'vms', '/[/'], /not a valid regular expression/],
    [['get', 'vms', '-o', 'xml'], /argument 'xml' is invalid/],
    [['get', 'vms', '--offline', '--refresh'], /--refresh syncs over the network and --offline forbids it/],
  ])('usage error %j exits 2 with one line', async (args, pattern) => {
    const r = await runCli(args, env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    oneLine(r.stderr, pattern);
  });

  it('stops quietly when the reader of stdout goes away (get vms | head)', async () => {
    const child = startCli(['get', 'tasks', '-o', 'json'], env);
    child.stdout!.destroy();
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
  });

  it('warns on stderr when the cache is older than PMC_STALE_AFTER, data still on stdout', async () => {
    const r = await runCli(['get', 'nodes'], { ...env, PMC_STALE_AFTER: '1ms' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pve1 /m);
    oneLine(r.stderr, /warning: the cache of profile env-127\.0\.0\.1-\d+ is \d+ s old \(last sync \d\d:\d\d:\d\d\); run with --refresh or proxmox-mpc sync$/);
  });
});

describe('describe', () => {
  it('shows a VM with parsed disks, NICs, boot order and the snapshot tree', async () => {
    const r = await runCli(['describe', 'vm', 'db-01'], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^VMID: +102$/m);
    expect(r.stdout).toMatch(/^Description: +PostgreSQL 16 primary\n +Backups: nightly to PBS$/m);
    expect(r.stdout).toMatch(/^ {2}boot: +scsi0, ide2, net0$/m);
    expect(r.stdout).toMatch(/^ {2}scsi1 +disk +local-lvm +vm-102-disk-1 +200 GiB +backup, iothread$/m);
    expect(r.stdout).toMatch(/^ {2}net0 +virtio +[0-9A-F:]{17} +vmbr0 +- +yes /m);
    expect(r.stdout).toMatch(/^Snapshots:\n {2}pre-upgrade .*\n {2}└─ after-upgrade .*\n {5}└─ NOW \(current state\)$/m);
  });

  it('shows a container by vmid, and the document as JSON', async () => {
    const r = await runCli(['describe', 'ct', '202', '-o', 'json'], env);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { name: string; disks: Array<{ key: string; mountpoint: string | null }>; nics: unknown[] };
    expect(doc.name).toBe('plex');
    expect(doc.disks.map((d) => [d.key, d.mountpoint])).toEqual([
      ['rootfs', '/'],
      ['mp0', '/data'],
    ]);
  });

  it('a guest not in the cache exits 4 with one line; the other type gets a hint', async () => {
    const byName = await runCli(['describe', 'vm', 'no-such-vm'], env);
    expect(byName.code).toBe(4);
    expect(byName.stdout).toBe('');
    oneLine(byName.stderr, /^proxmox-mpc: no VM named 'no-such-vm' in the cache of profile env-127\.0\.0\.1-\d+ \(synced .* ago\); try --refresh$/);
    const other = await runCli(['describe', 'vm', '200'], env);
    expect(other.code).toBe(4);
    oneLine(other.stderr, /200 is a container: proxmox-mpc describe ct 200/);
  });
});

describe('history', () => {
  it('records what changed between syncs: the drift since a run, and per guest', async () => {
    const runs = JSON.parse((await runCli(['history', '-o', 'json', '--limit', '1'], env)).stdout) as Array<{ syncRunId: number }>;
    const before = runs[0]?.syncRunId ?? 1;
    // Change the cluster: stop web-02, tag web-01.
    await client.waitForTask(await client.guest('qemu').stop('pve2', 101));
    await client.guest('qemu').updateConfig('pve1', 100, { tags: 'prod;web;changed' });
    const sync = await runCli(['get', 'vms', '--refresh', '--limit', '1'], env);
    expect(sync.code).toBe(0);

    const log = await runCli(['history', '101'], env);
    expect(log.code).toBe(0);
    // A bare vmid shows the history of every guest that had it, each row with its type.
    expect(log.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +101 +web-02 +qemu +status +status +running -> stopped$/m);
    const typed = await runCli(['history', 'vm/101'], env);
    expect(typed.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +101 +web-02 +status +status +running -> stopped$/m);

    const drift = await runCli(['history', '--since', String(before), '-o', 'json'], env);
    expect(drift.code).toBe(0);
    const changes = JSON.parse(drift.stdout) as Array<{ vmid: number; event: string; field: string | null; old: string | null; new: string | null }>;
    expect(changes).toContainEqual(expect.objectContaining({ vmid: 101, event: 'status', old: 'running', new: 'stopped' }));
    expect(changes).toContainEqual(expect.objectContaining({ vmid: 100, event: 'config', field: 'tags', old: 'prod;web', new: 'changed;prod;web' }));

    const table = await runCli(['history', '--since', '10m'], env);
    expect(table.code).toBe(0);
    expect(table.stderr).toMatch(/^Changes since .*, net of changes that were undone:$/m);
    expect(table.stdout).toMatch(/^ +101 +web-02 +status +status +running -> stopped +1 /m);
  });

  it('a sync run that does not exist exits 4', async () => {
    const r = await runCli(['history', '--since', '99999'], env);
    expect(r.code).toBe(4);
    oneLine(r.stderr, /no sync run 99999 in the cache of profile env-127\.0\.0\.1-\d+ \(the newest is \d+\)/);
  });
});

describe('--offline', () => {
  it('reads the cache with no network at all, even without an endpoint configured', async () => {
    const envProfile = `env-127.0.0.1-${new URL(sim.url).port}`;
    const { PROXMOX_VE_ENDPOINT: _e, PROXMOX_VE_API_TOKEN: _t, ...bare } = env;
    const byProfile = await runCli(['get', 'nodes', '--offline', '--profile', envProfile], bare);
    expect(byProfile.code).toBe(0);
    expect(byProfile.stdout).toMatch(/^pve1 /m);
    const noProfile = await runCli(['get', 'nodes', '--offline'], bare);
    expect(noProfile.code).toBe(2);
    oneLine(noProfile.stderr, new RegExp(`--offline needs to know which profile's cache to read: pass --profile NAME \\(cached: ${envProfile.replace(/\./g, '\\.')}\\)`));
  });

  it("another endpoint never reads this cluster's cache", async () => {
    const elsewhere = await runCli(['get', 'vms', '--offline', '-o', 'json'], { ...env, PROXMOX_VE_ENDPOINT: 'https://127.0.0.1:9' });
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stdout).toBe('');
  });

  it('--refresh against an unreachable cluster exits 3 and leaves the cache as it was', async () => {
    const r = await runCli(['get', 'vms', '--refresh'], { ...env, PROXMOX_VE_ENDPOINT: 'https://127.0.0.1:9', PMC_FINGERPRINT: '' });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    const after = await runCli(['get', 'vms', '--offline', '-o', 'json'], env);
    expect((JSON.parse(after.stdout) as unknown[]).length).toBe(sim.summary.qemu);
  });
});

describe('a cache written directly (names PVE would refuse)', () => {
  const guest = (vmid: number, name: string, node = 'n1'): GuestRow => ({ type: 'qemu', vmid, node, name, status: 'running', template: false, tags: ['t\u001b[1m'], maxmem: 1024 ** 3, mem: 512 * 1024 ** 2 });

  beforeAll(() => {
    const cache = openCache(defaultCachePath('crafted', env));
    const p = cache.profile('crafted', 'https://crafted.example:8006');
    cache.applyObservation(
      p.id,
      { at: Date.now(), nodes: [{ node: 'n1', status: 'online' }], guests: [guest(500, EVIL), guest(501, 'twin'), guest(502, 'twin')] },
      { startedAt: Date.now(), counts: {} },
    );
    cache.close();
  });

  it('prints a name holding escape sequences sanitised in tables, escaped in JSON and YAML', async () => {
    const table = await runCli(['get', 'vms', '--offline', '--profile', 'crafted'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toMatch(RAW_CONTROLS);
    expect(table.stdout).toMatch(/^ 500 {2}evil-vm +n1 /m);
    expect(table.stdout).not.toContain('pwned');

    const json = await runCli(['get', 'vms', '--offline', '--profile', 'crafted', '-o', 'json'], env);
    expect(json.stdout).not.toMatch(RAW_CONTROLS);
    expect((JSON.parse(json.stdout) as Array<{ name: string }>)[0]!.name).toBe(EVIL);

    const yaml = await runCli(['get', 'vms', '--offline', '--profile', 'crafted', '-o', 'yaml'], env);
    expect(yaml.stdout).not.toMatch(RAW_CONTROLS);

    const described = await runCli(['describe', 'vm', '500', '--offline', '--profile', 'crafted'], env);
    expect(described.code).toBe(0);
    expect(described.stdout).not.toMatch(RAW_CONTROLS);
    expect(described.stdout).toMatch(/^Name: +evil-vm$/m);
  });

  it('an ambiguous name exits 2 listing the candidates', async () => {
    const r = await runCli(['describe', 'vm', 'twin', '--offline', '--profile', 'crafted'], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    oneLine(r.stderr, /'twin' names 2 VMs: 501 twin on n1, 502 twin on n1; use the vmid$/);
  });

  it('a not-found message names the profile that was read', async () => {
    const r = await runCli(['describe', 'vm', 'web-01', '--offline', '--profile', 'crafted'], env);
    expect(r.code).toBe(4);
    oneLine(r.stderr, /no VM named 'web-01' in the cache of profile crafted/);
  });
});
