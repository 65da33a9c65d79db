// clone, migrate, template and shutdown's offer to stop, as a user runs them: the built CLI (a
// private copy of dist/) against a homelab simulator in this process, so that the tests can look
// at the cluster model directly and inject faults. Every test syncs its own cache (its own
// HOME), acts on its own guests, and waits on predicates only.
import { afterEach, describe, expect, it } from 'vitest';
import type { CliResult } from './support/cli.js';
import { useSimulatorCli } from './support/simCli.js';
import { spawnTty, type TtySession } from './support/tty.js';

const TEST_MS = 60_000;

const cli = useSimulatorCli('pmc-ops-more-');
const { run, syncedEnv } = cli;

interface Row {
  vmid: number;
  type: string;
  name: string;
  node: string;
  status: string;
  template: boolean;
}

/** `get guests -o json` from the cache (re-synced by the operation itself). */
async function cached(env: NodeJS.ProcessEnv): Promise<Map<number, Row>> {
  const r = await run(['get', 'guests', '--offline', '-o', 'json'], env);
  expect(r.code, r.stderr).toBe(0);
  return new Map((JSON.parse(r.stdout) as Row[]).map((g) => [g.vmid, g]));
}

/** Where the simulator has the guest now, and its state. */
function simGuest(vmid: number): { node: string; status: string; template: boolean } | undefined {
  const g = cli.sim.cluster.guests.get(vmid);
  return g && { node: g.node, status: g.status, template: g.config.summary.template };
}

const noStackTrace = (r: CliResult) => expect(r.stderr).not.toMatch(/\n\s+at /);

describe('clone', () => {
  it('a full clone with --newid and --name appears in get vms; nothing is asked (low risk)', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const r = await run(['clone', 'vm', 'test-vm', '--newid', '150', '--name', 'test-copy', '--full'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^qemu\/114 test-vm: clone done \(\d+\.\d s\): OK \(new VM 150 test-copy on pve2\)\n$/);
    expect(r.stderr).toBe('');
    expect(simGuest(150)).toEqual({ node: 'pve2', status: 'stopped', template: false });
    expect((await cached(env)).get(150)).toMatchObject({ type: 'qemu', name: 'test-copy', node: 'pve2', status: 'stopped', template: false });

    // A container's name is its hostname; -o json names the new guest too.
    const ct = await run(['clone', 'ct', 'adguard-test', '--newid', '151', '--name', 'adguard-copy', '-o', 'json'], env);
    expect(ct.code, ct.stderr).toBe(0);
    expect(JSON.parse(ct.stdout)).toMatchObject([{ action: 'clone', guest: 'lxc/207', outcome: 'done', message: 'OK (new CT 151 adguard-copy on pve3)' }]);
    expect((await cached(env)).get(151)).toMatchObject({ type: 'lxc', name: 'adguard-copy', node: 'pve3', status: 'stopped' });

    // To another node: only from shared storage (home-assistant's disks are on nas).
    const local = await run(['clone', 'vm', 'web-01', '--target-node', 'pve2', '--full'], env);
    expect(local.code).toBe(4);
    expect(local.stdout).toMatch(/has disks on local storage \(local-lvm:vm-100-disk-0\): clone it on pve1, then migrate the clone to pve2/);
    const shared = await run(['clone', 'vm', 'home-assistant', '--newid', '152', '--target-node', 'pve2', '--full'], env);
    expect(shared.code, shared.stdout + shared.stderr).toBe(0);
    expect(simGuest(152)).toEqual({ node: 'pve2', status: 'stopped', template: false });
    expect((await cached(env)).get(152)?.node).toBe('pve2');
  });

  it('a linked clone of a template takes the next free vmid and runs with --start', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const next = await cli.client.nextId();
    const r = await run(['clone', 'vm', 'ubuntu-24.04-cloud', '--linked', '--name', 'web-linked', '--start'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`clone: the new guest gets vmid ${next} (the next free one)\n`);
    expect(r.stdout).toMatch(new RegExp(`^qemu/9000 ubuntu-24.04-cloud: clone done \\(\\d+\\.\\d s\\): OK \\(new VM ${next} web-linked on pve1\\)\n$`));
    expect(simGuest(next)).toEqual({ node: 'pve1', status: 'running', template: false });
    // Linked: its disk is a child of the template's base volume.
    const disk = String(cli.sim.cluster.guests.get(next)!.config.current.scsi0);
    expect(disk).toMatch(new RegExp(`^local-lvm:(base-9000-disk-0/)?vm-${next}-disk-0`));
    expect(cli.sim.cluster.storage.hasLinkedClones('local-lvm', 'pve1', 'base-9000-disk-0')).toBe(true);
    expect((await cached(env)).get(next)).toMatchObject({ name: 'web-linked', node: 'pve1', status: 'running' });
  });

  it('refuses a linked clone of a guest that is not a template, a vmid in use, a bad name; --dry-run changes nothing', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const linked = await run(['clone', 'vm', 'web-01', '--linked'], env);
    expect(linked.code).toBe(4);
    expect(linked.stdout).toBe('qemu/100 web-01: clone refused: VM 100 web-01 is not a template: PVE makes linked clones only of templates; use --full, or convert it to a template first\n');
    const used = await run(['clone', 'vm', 'web-01', '--newid', '101'], env);
    expect(used.code).toBe(4);
    expect(used.stdout).toMatch(/vmid 101 is already in use/);
    const name = await run(['clone', 'vm', 'web-01', '--name', 'web_01'], env);
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(/^proxmox-mpc: --name 'web_01' is not a valid DNS name/);
    const both = await run(['clone', 'vm', 'web-01', '--full', '--linked'], env);
    expect(both.code).toBe(2);
    noStackTrace(both);

    const count = cli.sim.cluster.guests.size;
    const next = await cli.client.nextId();
    const dry = await run(['clone', 'vm', 'debian-12-cloud', '--name', 'dry', '--dry-run'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe(`qemu/9001 debian-12-cloud: clone planned: POST /api2/json/nodes/pve2/qemu/9001/clone newid=${next}&name=dry&full=0\n`);
    expect(cli.sim.cluster.guests.size).toBe(count);
    expect(await cli.client.nextId()).toBe(next);
  });
});

describe('migrate', () => {
  it('moves a stopped VM offline and a running one live; get shows them on the target', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const offline = await run(['migrate', 'vm', '116', '--to', 'pve1', '--yes'], env);
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toMatch(/^qemu\/116 VM 116: migrate done \(\d+\.\d s\): OK\n$/);
    expect(simGuest(116)).toMatchObject({ node: 'pve1', status: 'stopped' });

    const notOnline = await run(['migrate', 'vm', 'monitoring', '--to', 'pve3', '--yes'], env);
    expect(notOnline.code).toBe(4);
    expect(notOnline.stdout).toBe('qemu/117 monitoring: migrate refused: VM 117 monitoring is running: pass --online for a live migration, or shut it down first\n');
    const live = await run(['migrate', 'vm', 'monitoring', '--to', 'pve3', '--online', '--with-local-disks', '--yes'], env);
    expect(live.code, live.stderr).toBe(0);
    expect(simGuest(117)).toMatchObject({ node: 'pve3', status: 'running' });

    const rows = await cached(env);
    expect(rows.get(116)).toMatchObject({ node: 'pve1', status: 'stopped' });
    expect(rows.get(117)).toMatchObject({ node: 'pve3', status: 'running' });
  });

  it('a batch: running containers move with --restart, a locked VM is refused naming the lock (exit 4)', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const without = await run(['migrate', 'ct', 'nginx-proxy', '--to', 'pve2', '--yes'], env);
    expect(without.code).toBe(4);
    expect(without.stdout).toMatch(/PVE cannot live-migrate containers: pass --restart/);

    const r = await run(['migrate', 'guest', 'nginx-proxy', 'wireguard', 'nextcloud', '--to', 'pve2', '--restart', '--yes'], env);
    expect(r.code, r.stdout + r.stderr).toBe(4);
    const out = r.stdout.split('\n').filter(Boolean);
    expect(out).toHaveLength(3);
    expect(out).toContain('qemu/115 nextcloud: migrate refused: VM 115 nextcloud is locked (backup): wait for the backup to finish');
    expect(out.find((l) => l.startsWith('lxc/204 '))).toMatch(/^lxc\/204 nginx-proxy: migrate done \(\d+\.\d s\): OK$/);
    expect(out.find((l) => l.startsWith('lxc/205 '))).toMatch(/^lxc\/205 wireguard: migrate done \(\d+\.\d s\): OK$/);
    expect(r.stderr).toMatch(/2 done, 1 refused\n$/);
    // Moved, and started again.
    expect(simGuest(204)).toMatchObject({ node: 'pve2', status: 'running' });
    expect(simGuest(205)).toMatchObject({ node: 'pve2', status: 'running' });
    expect(simGuest(115)).toMatchObject({ node: 'pve3' });
    const rows = await cached(env);
    expect(rows.get(204)?.node).toBe('pve2');
    expect(rows.get(205)?.node).toBe('pve2');
  });

  it('an offline target node (simulator fault) is refused; its own node is skipped; --dry-run and --read-only change nothing', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    cli.sim.faults.set({ offlineNodes: ['pve3'] });
    const offline = await run(['migrate', 'vm', 'test-vm', '--to', 'pve3', '--yes'], env);
    cli.sim.faults.set({ offlineNodes: [] });
    expect(offline.code).toBe(4);
    expect(offline.stdout).toBe('qemu/114 test-vm: migrate refused: node pve3 is offline: choose one of pve1, or bring pve3 back first\n');
    noStackTrace(offline);
    expect(simGuest(114)?.node).toBe('pve2');

    const here = await run(['migrate', 'vm', 'test-vm', '--to', 'pve2', '--yes'], env);
    expect(here.code).toBe(0);
    expect(here.stdout).toMatch(/migrate skipped: VM 114 test-vm is already on pve2/);
    const unknown = await run(['migrate', 'vm', 'test-vm', '--to', 'pve9', '--yes'], env);
    expect(unknown.code).toBe(4);
    expect(unknown.stdout).toMatch(/there is no node 'pve9' in the cluster: choose one of pve1, pve3/);

    const dry = await run(['migrate', 'vm', 'test-vm', '--to', 'pve1', '--dry-run'], env);
    expect(dry.stdout).toBe('qemu/114 test-vm: migrate planned: POST /api2/json/nodes/pve2/qemu/114/migrate target=pve1\n');
    const readOnly = await run(['--read-only', 'migrate', 'vm', 'test-vm', '--to', 'pve1', '--yes'], env);
    expect(readOnly.code).toBe(4);
    expect(readOnly.stdout).toBe('qemu/114 test-vm: migrate refused: read-only mode: migrate is refused (drop --read-only or console.readOnly to act)\n');
    const unconfirmed = await run(['migrate', 'vm', 'test-vm', '--to', 'pve1'], env);
    expect(unconfirmed.code).toBe(4);
    expect(unconfirmed.stdout).toMatch(/medium risk and needs confirmation/);
    expect(simGuest(114)?.node).toBe('pve2');
    const missing = await run(['migrate', 'vm', 'test-vm'], env);
    expect(missing.code).toBe(2);
  });
});

describe('template', () => {
  it('refuses a running guest, needs confirmation, then converts a stopped one for good', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const running = await run(['template', 'vm', 'web-02', '--yes'], env);
    expect(running.code).toBe(4);
    expect(running.stdout).toBe('qemu/101 web-02: template refused: VM 101 web-02 is running: only a stopped guest becomes a template; shut it down first (proxmox-mpc shutdown vm 101)\n');
    const locked = await run(['template', 'vm', 'nextcloud', '--yes'], env);
    expect(locked.stdout).toMatch(/locked \(backup\)/);

    const dry = await run(['template', 'vm', 'win11-desk', '--dry-run'], env);
    expect(dry.stdout).toBe('qemu/109 win11-desk: template planned: POST /api2/json/nodes/pve3/qemu/109/template\n');
    const unconfirmed = await run(['template', 'vm', 'win11-desk'], env);
    expect(unconfirmed.code).toBe(4);
    expect(unconfirmed.stdout).toMatch(/template VM 109 win11-desk is high risk and needs confirmation/);
    const readOnly = await run(['--read-only', 'template', 'vm', 'win11-desk', '--yes'], env);
    expect(readOnly.code).toBe(4);
    expect(simGuest(109)?.template).toBe(false);

    const done = await run(['template', 'vm', 'win11-desk', '--yes'], env);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/^qemu\/109 win11-desk: template done \(\d+\.\d s\): OK\n$/);
    expect(simGuest(109)?.template).toBe(true);
    expect((await cached(env)).get(109)).toMatchObject({ template: true });
    const again = await run(['template', 'vm', 'win11-desk', '--yes'], env);
    expect(again.stdout).toMatch(/template skipped: VM 109 win11-desk is already a template/);
    // A template does not start.
    const start = await run(['start', 'vm', 'win11-desk'], env);
    expect(start.stdout).toMatch(/is a template/);
  });
});

describe('shutdown that runs out of time', () => {
  let session: TtySession | undefined;
  afterEach(async () => {
    await session?.dispose();
    session = undefined;
  });

  /** The guests take 1.5 to 8 s (simulated) to shut down: --timeout 1 never suffices. */
  async function offered(env: NodeJS.ProcessEnv, args: string[], question: string, key: string): Promise<{ exitCode: number; screen: string }> {
    session = spawnTty([cli.cliPath, ...args], { env, cols: 200, rows: 24 });
    await session.waitForText(question, { timeoutMs: 20_000 });
    session.write(key);
    const { exitCode } = await session.exited;
    const screen = session.text();
    await session.dispose();
    session = undefined;
    return { exitCode, screen };
  }

  it('on a terminal: "still running after 1 s: stop it now? [y/N]"; n leaves it running (exit 1), y stops it (exit 0)', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const question = 'VM 118 k8s-control is still running after 1 s: stop it now? [y/N]';
    // --yes confirms the shutdown, not the stop: the stop is still asked.
    const no = await offered(env, ['shutdown', 'vm', 'k8s-control', '--timeout', '1', '--yes'], question, 'n\r');
    expect(no.screen).toContain('qemu/118 k8s-control: shutdown failed: VM quit/powerdown failed - got timeout');
    expect(no.screen).toContain('HIGH: stop VM 118 k8s-control on pve1 at once, like pulling the power.');
    expect(no.exitCode).toBe(1);
    expect(simGuest(118)?.status).toBe('running');

    const yes = await offered(env, ['shutdown', 'vm', 'k8s-control', '--timeout', '1', '--yes'], question, 'y\r');
    expect(yes.screen).toMatch(/qemu\/118 k8s-control: stop done \(\d+\.\d s\): OK/);
    expect(yes.exitCode).toBe(0);
    expect(simGuest(118)?.status).toBe('stopped');
    expect((await cached(env)).get(118)?.status).toBe('stopped');
  });

  it('without a terminal: says how to force it (exit 1); --force-stop stops it after the timeout', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const r = await run(['shutdown', 'ct', 'syncthing', '--timeout', '1', '--yes'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("lxc/212 syncthing: shutdown failed: command 'lxc-stop -n 212 --nokill --timeout 1' failed: exit code 1\n");
    expect(r.stderr).toBe('proxmox-mpc: CT 212 syncthing is still running after 1 s: force it with proxmox-mpc shutdown ct 212 --timeout 1 --force-stop, or proxmox-mpc stop ct 212\n');
    expect(simGuest(212)?.status).toBe('running');

    const forced = await run(['shutdown', 'ct', 'syncthing', '--timeout', '1', '--force-stop', '--yes'], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/^lxc\/212 syncthing: shutdown done \(\d+\.\d s\): OK\n$/);
    expect(simGuest(212)?.status).toBe('stopped');
  });
});
