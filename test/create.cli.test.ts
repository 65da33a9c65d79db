// `proxmox-mpc create vm|ct` as a user runs it: the built CLI (a private copy) against a
// homelab simulator in this process, so that the tests can look at the cluster model, change it
// behind the CLI's back and inject faults. Every test has its own HOME and waits on predicates.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ctCommandLine, planCreateCt, planCreateVm, vmCommandLine, type CtCreateSpec, type VmCreateSpec } from '../src/operations/create.js';
import { describeCall } from '../src/operations/execute.js';
import type { OperationPlan, Refusal } from '../src/operations/types.js';
import type { CliResult } from './support/cli.js';
import { useSimulatorCli } from './support/simCli.js';

const TEST_MS = 60_000;
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOepd1pHPcDNLMY3V+vW8ScnsJwaqvn8qHjw1EVQz4kd me@host';

const t = useSimulatorCli('pmc-create-cli-');
const run = (args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> => t.run(args, env);
const syncedEnv = (extra?: Record<string, string>): Promise<NodeJS.ProcessEnv> => t.syncedEnv(extra);

/** The cache's guests (no network): what `get guests` shows after the create's re-sync. */
async function cachedGuests(env: NodeJS.ProcessEnv): Promise<Map<number, { name: string; type: string; status: string; node: string }>> {
  const r = await run(['get', 'guests', '--offline', '-o', 'json'], env);
  expect(r.code, r.stderr).toBe(0);
  const rows = JSON.parse(r.stdout) as Array<{ vmid: number; name: string; type: string; status: string; node: string }>;
  return new Map(rows.map((g) => [g.vmid, g]));
}

const conf = (kind: 'qemu' | 'lxc', node: string, vmid: number): Record<string, unknown> => {
  const g = t.sim.cluster.guestOn(kind, node, vmid);
  if (!g) throw new Error(`no ${kind} ${vmid} on ${node} in the simulator`);
  return { ...g.config.current, status: g.status };
};

const noStackTrace = (r: CliResult) => expect(r.stderr).not.toMatch(/\n\s+at /);

describe('create vm', () => {
  it('from an ISO named by the start of its file: the VM is made on the first online node with the next vmid, and the cache shows it', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const vmid = await t.client.nextId();
    const r = await run(['create', 'vm', '--name', 'web-03', '--cores', '2', '--memory', '2G', '--disk', 'local-lvm:16', '--net', 'vmbr0', '--iso', 'debian-12', '--tags', 'web,test'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^qemu/${vmid} web-03: create done \\(\\d+\\.\\d s\\): OK\\n$`));
    const c = conf('qemu', 'pve1', vmid);
    expect(c).toMatchObject({ name: 'web-03', cores: 2, ostype: 'l26', tags: 'test;web', status: 'stopped' });
    expect(String(c.memory)).toBe('2048');
    expect(String(c.scsi0)).toMatch(/^local-lvm:vm-\d+-disk-0,size=16G$/);
    expect(c.ide2).toBe('local:iso/debian-12.8.0-amd64-netinst.iso,media=cdrom,size=633M');
    expect(String(c.net0)).toMatch(/^virtio=[0-9A-F:]{17},bridge=vmbr0$/);
    expect((await cachedGuests(env)).get(vmid)).toMatchObject({ name: 'web-03', type: 'qemu', status: 'stopped', node: 'pve1' });
  });

  it('--start gives a running VM; -o json reports it', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const r = await run(['create', 'vm', '--name', 'app-01', '--node', 'pve2', '--vmid', '4321', '--iso', 'local:iso/debian-12.8.0-amd64-netinst.iso', '--start', '-o', 'json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject([{ action: 'create', guest: 'qemu/4321', name: 'app-01', node: 'pve2', outcome: 'done', exitStatus: 'OK' }]);
    expect(conf('qemu', 'pve2', 4321)).toMatchObject({ status: 'running', cores: 1 });
    expect((await cachedGuests(env)).get(4321)?.status).toBe('running');
  });

  it('a linked clone of the cloud template with cloud-init (key from a file, static IP), started', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const keyFile = join(env.HOME!, 'id_ed25519.pub');
    writeFileSync(keyFile, `${KEY}\n`);
    const r = await run(
      ['create', 'vm', '--name', 'k8s-node-4', '--vmid', '4400', '--clone', 'ubuntu-24.04-cloud', '--cores', '2', '--memory', '4096', '--ci-user', 'ops', '--ssh-key', keyFile, '--ip', '192.168.1.44/24', '--gw', '192.168.1.1', '--vlan', '30', '--start'],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^qemu\/4400 k8s-node-4: create done/);
    const c = conf('qemu', 'pve1', 4400);
    expect(c).toMatchObject({ name: 'k8s-node-4', cores: 2, ciuser: 'ops', ipconfig0: 'gw=192.168.1.1,ip=192.168.1.44/24', status: 'running' });
    expect(String(c.memory)).toBe('4096');
    expect(decodeURIComponent(String(c.sshkeys))).toBe(KEY);
    expect(String(c.net0)).toMatch(/bridge=vmbr0,tag=30/);
  });

  it('a full clone with a larger --disk grows the boot disk by a resize', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const r = await run(['create', 'vm', '--name', 'big-01', '--vmid', '4410', '--clone', 'ubuntu-24.04-cloud', '--full', '--disk', 'local-lvm:20', '--ip', 'dhcp'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^qemu\/4410 big-01: create done/);
    const c = conf('qemu', 'pve1', 4410);
    const boot = Object.entries(c).find(([k, v]) => /^(scsi|virtio|sata)\d+$/.test(k) && typeof v === 'string' && !v.includes('cloudinit'));
    expect(boot?.[1]).toMatch(/size=20G/);
  });

  it("a clone goes on its template's node by default; to a node without its local storage it is refused", { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const dry = await run(['create', 'vm', '--name', 'deb-01', '--vmid', '4450', '--clone', 'debian-12-cloud', '--dry-run'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^qemu\/4450 deb-01: create planned: POST \/api2\/json\/nodes\/pve2\/qemu\/9001\/clone newid=4450&name=deb-01&full=0; PUT \/api2\/json\/nodes\/pve2\/qemu\/4450\/config /);
    const away = await run(['create', 'vm', '--name', 'deb-01', '--clone', 'debian-12-cloud', '--node', 'pve1'], env);
    expect(away.code).toBe(2);
    expect(away.stderr).toBe('proxmox-mpc: create vm: --node: template debian-12-cloud has disks on local-lvm, local to pve2: create the clone on pve2 (and migrate it), or make a full clone onto a shared storage\n');
  });

  it('--dry-run prints the exact calls (no password) and changes nothing', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv({ CI_PW: 'sup3r-secret' });
    const before = t.sim.cluster.guests.size;
    const r = await run(['create', 'vm', '--name', 'dry-01', '--vmid', '4500', '--clone', '9000', '--full', '--disk', 'local-lvm:10', '--password-env', 'CI_PW', '--ip', 'dhcp', '--start', '--dry-run'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      'qemu/4500 dry-01: create planned: POST /api2/json/nodes/pve1/qemu/9000/clone newid=4500&name=dry-01&full=1&storage=local-lvm; ' +
        'PUT /api2/json/nodes/pve1/qemu/4500/config cores=1&memory=2048&ostype=l26&net0=virtio,bridge=vmbr0&cipassword=***&ipconfig0=ip=dhcp; ' +
        'PUT /api2/json/nodes/pve1/qemu/4500/resize disk=scsi0&size=10G; ' +
        'POST /api2/json/nodes/pve1/qemu/4500/status/start\n',
    );
    expect(r.stdout + r.stderr).not.toMatch(/sup3r/);
    expect(t.sim.cluster.guests.size).toBe(before);
    expect(t.sim.cluster.guests.has(4500)).toBe(false);
  });

  it('read-only mode refuses (exit 4) and creates nothing', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const r = await run(['create', 'vm', '--name', 'ro-01', '--vmid', '4600', '--iso', 'debian-12', '--read-only'], env);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('qemu/4600 ro-01: create refused: read-only mode: create is refused (drop --read-only or console.readOnly to act)\n');
    expect(t.sim.cluster.guests.has(4600)).toBe(false);
  });

  it('bad input exits 2, every problem on its own line naming the flag and the fix; nothing is created', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const before = t.sim.cluster.guests.size;
    const r = await run(['create', 'vm', '--name', 'web_01', '--vmid', '100', '--memory', 'lots', '--clone', 'ubuntu-24.04-cloud', '--ip', '10.0.0.5', '--ssh-key', 'ssh-ed25519 AAAAnot-a-key'], env);
    expect(r.code).toBe(2);
    noStackTrace(r);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^proxmox-mpc: create vm: --name: name 'web_01' is not a valid DNS name: .*e\.g\. web-01/),
        expect.stringMatching(/^proxmox-mpc: create vm: --vmid: vmid 100 is already in use: choose another/),
        expect.stringMatching(/^proxmox-mpc: create vm: --memory: 'lots' is not a memory size: give MiB or a unit, e\.g\. 2048/),
        expect.stringMatching(/^proxmox-mpc: create vm: --ip: '10\.0\.0\.5' is not an address\/prefix: write it as 192\.168\.1\.50\/24/),
        expect.stringMatching(/^proxmox-mpc: create vm: --ssh-key: the ssh-ed25519 key's body is not valid base64/),
      ]),
    );
    expect(lines).toHaveLength(5);

    const gw = await run(['create', 'vm', '--name', 'ok-01', '--clone', '9000', '--ip', '10.0.0.5/24', '--gw', '10.0.1.1'], env);
    expect(gw.code).toBe(2);
    expect(gw.stderr).toBe("proxmox-mpc: create vm: --gw: gateway 10.0.1.1 is outside 10.0.0.0/24: give a gateway inside the guest's network, e.g. 10.0.0.1\n");

    const unknown = await run(['create', 'vm', '--name', 'ok-01', '--node', 'pve2', '--iso', 'local:iso/debian-12.iso', '--disk', 'nas2:8', '--net', 'vmbr9'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--iso: there is no ISO 'local:iso\/debian-12\.iso' on pve2: choose one of local:iso\/debian-12\.8\.0-amd64-netinst\.iso/);
    expect(unknown.stderr).toMatch(/--disk: there is no storage 'nas2' on pve2: choose one of local-lvm, nas/);
    expect(unknown.stderr).toMatch(/--net: there is no bridge 'vmbr9' on pve2: choose one of vmbr0/);

    const full = await run(['create', 'vm', '--name', 'ok-01', '--iso', 'debian-12', '--disk', 'local-lvm:5T', '--ssh-key', '/nowhere/id_ed25519.pub', '--clone', '9000'], env);
    expect(full.code).toBe(2);
    expect(full.stderr).toMatch(/--iso\/--clone: give either --iso \(install from an ISO\) or --clone \(copy a template\), not both/);
    expect(full.stderr).toMatch(/--ssh-key: there is no file '\/nowhere\/id_ed25519.pub': give the public key's file/);
    const space = await run(['create', 'vm', '--name', 'ok-01', '--iso', 'debian-12', '--disk', 'local-lvm:5T'], env);
    expect(space.code).toBe(2);
    expect(space.stderr).toMatch(/^proxmox-mpc: create vm: --disk: storage 'local-lvm' has \d+\.\d GiB free, not 5120 GiB: choose a smaller size or another storage\n$/);

    const node = await run(['create', 'vm', '--name', 'ok-01', '--node', 'pve7'], env);
    expect(node.code).toBe(2);
    expect(node.stderr).toBe("proxmox-mpc: create vm: --node: there is no node 'pve7' in the cluster: choose one of pve1, pve2, pve3\n");
    expect(t.sim.cluster.guests.size).toBe(before);
  });

  it('an offline node is refused before anything is sent', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    t.sim.faults.set({ offlineNodes: ['pve3'] });
    const r = await run(['create', 'vm', '--name', 'ok-02', '--node', 'pve3', '--iso', 'debian-12'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('proxmox-mpc: create vm: --node: node pve3 is offline: choose one of pve1, pve2\n');
  });

  it('a clone whose config update fails says the clone was made and the VM stands, stopped; the cache learns it', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    // Behind the CLI's back: the template gets a balloon minimum above the memory asked for.
    const template = t.sim.cluster.guestOn('qemu', 'pve2', 9001)!;
    const was = { ...template.config.current };
    template.config.mutate((c) => {
      c.memory = 4096;
      c.balloon = 2048;
    });
    try {
      const r = await run(['create', 'vm', '--name', 'half-01', '--vmid', '4700', '--node', 'pve2', '--clone', 'debian-12-cloud', '--memory', '1024', '--start'], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /^qemu\/4700 half-01: create failed: clone done, but the config update failed: .*balloon value too large.*; VM 4700 half-01 exists, stopped: fix it and start it, or delete it \(proxmox-mpc delete vm 4700 --yes\)\n$/,
      );
      expect(conf('qemu', 'pve2', 4700)).toMatchObject({ name: 'half-01', status: 'stopped' });
      expect((await cachedGuests(env)).get(4700)).toMatchObject({ name: 'half-01', status: 'stopped' });
    } finally {
      template.config.mutate((c) => {
        for (const k of Object.keys(c)) delete c[k];
        Object.assign(c, was);
      });
    }
  });
});

describe('create ct', () => {
  it('from a template named by the start of its file, password from the environment, nesting, started', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv({ CT_PW: 'hunter2-long' });
    const r = await run(['create', 'ct', '--hostname', 'cache-01', '--vmid', '4800', '--template', 'debian-12', '--storage', 'local-lvm', '--size', '4G', '--password-env', 'CT_PW', '--ssh-key', KEY, '--ip', 'dhcp', '--nesting', '--start'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^lxc\/4800 cache-01: create done \(\d+\.\d s\): OK\n$/);
    expect(r.stdout + r.stderr).not.toMatch(/hunter2/);
    const c = conf('lxc', 'pve1', 4800);
    expect(c).toMatchObject({ hostname: 'cache-01', unprivileged: 1, features: 'nesting=1', status: 'running' });
    expect([String(c.memory), String(c.swap)]).toEqual(['512', '512']);
    expect(String(c.rootfs)).toMatch(/^local-lvm:vm-4800-disk-0,size=4G$/);
    expect(String(c.net0)).toMatch(/bridge=vmbr0.*ip=dhcp/);
    expect((await cachedGuests(env)).get(4800)).toMatchObject({ type: 'lxc', status: 'running' });
  });

  it('--password-env VAR with VAR=$vault.NAME: the password read from the vault when the create runs; a locked vault names the flag', { timeout: TEST_MS }, async () => {
    const secret = 'ct root password from the vault';
    const env = await syncedEnv({ PMC_VAULT_PASSPHRASE: 'the create test passphrase', CT_PW: '$vault.ctpw' });
    const set = await run(['vault', 'set', 'ctpw', '--from-env', 'SECRET_IN'], { ...env, SECRET_IN: secret });
    expect(set.code, set.stderr).toBe(0);
    const locked = await run(['create', 'ct', '--hostname', 'vault-01', '--vmid', '4803', '--template', 'debian-12', '--password-env', 'CT_PW'], { ...env, PMC_VAULT_PASSPHRASE: '' });
    expect(locked.code).toBe(2);
    expect(locked.stderr).toMatch(/create ct: --password-env: the vault .* needs its passphrase: set PMC_VAULT_PASSPHRASE/);
    expect(t.sim.cluster.guests.has(4803)).toBe(false);
    const r = await run(['create', 'ct', '--hostname', 'vault-01', '--vmid', '4803', '--template', 'debian-12', '--password-env', 'CT_PW'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^lxc\/4803 vault-01: create done/);
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(conf('lxc', 'pve1', 4803)).toMatchObject({ hostname: 'vault-01' });
  });

  it('a static address, privileged; bad input names the flags', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv();
    const r = await run(['create', 'ct', '--hostname', 'dns-03', '--vmid', '4801', '--node', 'pve2', '--template', 'local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz', '--ssh-key', KEY, '--ip', '192.168.1.55/24', '--gw', '192.168.1.1', '--privileged'], env);
    expect(r.code, r.stderr).toBe(0);
    const c = conf('lxc', 'pve2', 4801);
    expect(c).toMatchObject({ hostname: 'dns-03', status: 'stopped' });
    expect(c.unprivileged ?? 0).toBe(0);
    expect(String(c.net0)).toMatch(/gw=192\.168\.1\.1.*ip=192\.168\.1\.55\/24/);

    const bad = await run(['create', 'ct', '--hostname', 'dns 04', '--template', 'nope', '--size', 'big', '--swap', '-1', '--ip', '192.168.1.56/33'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--hostname: hostname 'dns 04' is not a valid DNS name/);
    expect(bad.stderr).toMatch(/--template: no container template matches 'nope' on pve1: choose one of local:vztmpl\/alpine/);
    expect(bad.stderr).toMatch(/--size: 'big' is not a size/);
    expect(bad.stderr).toMatch(/--ip: '192\.168\.1\.56\/33': the prefix must be from 8 to 32/);
    expect(bad.stderr).toMatch(/--password-env: give a root password \(--password-env VAR\) or an SSH key/);
    expect(t.sim.cluster.guests.has(4802)).toBe(false);
  });
});

describe('the equivalent command line (what a wizard shows)', () => {
  const calls = (p: OperationPlan | Refusal): string => ('calls' in p ? p.calls.map(describeCall).join('; ') : p.message);
  /** The line's words (the specs here quote nothing). */
  const words = (line: string): string[] => {
    expect(line).not.toMatch(/'/);
    return line.split(' ').slice(1);
  };

  it('plans, run with --dry-run, exactly the calls of the spec it was made from', { timeout: TEST_MS }, async () => {
    const env = await syncedEnv({ PMC_CT_PASSWORD: 'from-the-env' });
    const vm: VmCreateSpec = {
      node: 'pve2', vmid: 4900, name: 'round-trip', source: { kind: 'iso', iso: 'local:iso/debian-12.8.0-amd64-netinst.iso' }, ostype: 'win11', cores: 3, memoryMiB: 3072,
      disk: { storage: 'local-lvm', sizeGiB: 12 }, nic: { bridge: 'vmbr0', vlan: 12, model: 'e1000e', firewall: true }, start: true, tags: ['a', 'b'], pool: 'lab',
    };
    const dryVm = await run([...words(vmCommandLine(vm)), '--dry-run'], env);
    expect(dryVm.code, dryVm.stderr).toBe(0);
    expect(dryVm.stdout).toBe(`qemu/4900 round-trip: create planned: ${calls(planCreateVm(vm, { readOnly: false }))}\n`);

    const ct: CtCreateSpec = {
      node: 'pve3', vmid: 4901, hostname: 'rt-ct', template: 'local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz', password: 'from-the-env', rootfs: { storage: 'local-lvm', sizeGiB: 2 },
      cores: 2, memoryMiB: 256, swapMiB: 0, nic: { bridge: 'vmbr0', ip: { cidr: '192.168.1.90/24', gateway: '192.168.1.1' } }, unprivileged: false, nesting: false, start: false,
    };
    const dryCt = await run([...words(ctCommandLine(ct)), '--dry-run'], env);
    expect(dryCt.code, dryCt.stderr).toBe(0);
    expect(dryCt.stdout).toBe(`lxc/4901 rt-ct: create planned: ${calls(planCreateCt(ct, { readOnly: false }))}\n`);
    expect(dryCt.stdout).not.toMatch(/from-the-env/);
  });
});
