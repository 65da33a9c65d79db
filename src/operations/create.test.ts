import { describe, expect, it } from 'vitest';
import { ProxmoxError } from '../proxmox/errors.js';
import { ctCommandLine, ctSpecProblems, fieldErrorsOf, planCreateCt, planCreateVm, vmCommandLine, vmSpecProblems, type CreateFacts, type CtCreateSpec, type VmCreateSpec } from './create.js';
import { describeCall, executePlan } from './execute.js';
import { isRefusal } from './power.js';
import type { OperationPlan, Refusal } from './types.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOepd1pHPcDNLMY3V+vW8ScnsJwaqvn8qHjw1EVQz4kd me@host';

const isoVm: VmCreateSpec = {
  node: 'pve1',
  vmid: 130,
  name: 'web-03',
  source: { kind: 'iso', iso: 'local:iso/debian-12.8.0-amd64-netinst.iso' },
  ostype: 'l26',
  cores: 2,
  memoryMiB: 2048,
  disk: { storage: 'local-lvm', sizeGiB: 32 },
  nic: { bridge: 'vmbr0' },
  start: false,
};

const cloneVm: VmCreateSpec = {
  node: 'pve1',
  vmid: 131,
  name: 'k8s-node-4',
  source: { kind: 'clone', template: { node: 'pve1', vmid: 9000, name: 'ubuntu-24.04-cloud', disk: { key: 'scsi0', sizeGiB: 3.5 } }, full: false },
  ostype: 'l26',
  cores: 4,
  memoryMiB: 8192,
  nic: { bridge: 'vmbr0', vlan: 30 },
  cloudInit: { user: 'ubuntu', password: 's3cret!', sshKeys: KEY, ip: { cidr: '192.168.1.44/24', gateway: '192.168.1.1' } },
  start: true,
  tags: ['k8s', 'lab'],
};

const ct: CtCreateSpec = {
  node: 'pve2',
  vmid: 220,
  hostname: 'cache-01',
  template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
  password: 'hunter22',
  sshKeys: KEY,
  rootfs: { storage: 'local-lvm', sizeGiB: 8 },
  cores: 1,
  memoryMiB: 512,
  swapMiB: 512,
  nic: { bridge: 'vmbr0', ip: 'dhcp', firewall: true },
  unprivileged: true,
  nesting: true,
  start: true,
  pool: 'lab',
};

const facts: CreateFacts = {
  usedVmids: new Set([100, 101, 9000]),
  nodes: ['pve1', 'pve2', 'pve3'],
  offlineNodes: ['pve3'],
  storages: [
    { id: 'local', content: ['iso', 'vztmpl', 'backup'], active: true, availBytes: 80 * 1024 ** 3 },
    { id: 'local-lvm', content: ['images', 'rootdir'], active: true, availBytes: 100 * 1024 ** 3 },
    { id: 'nas', content: ['images', 'iso'], active: false },
  ],
  bridges: ['vmbr0', 'vmbr1'],
  isos: ['local:iso/debian-12.8.0-amd64-netinst.iso'],
  ctTemplates: ['local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst'],
  pools: ['lab', 'prod'],
};

function planOf(p: OperationPlan | Refusal): OperationPlan {
  if (isRefusal(p)) throw new Error(p.message);
  return p;
}

describe('planCreateVm', () => {
  it('from an ISO: one POST with the disk, the CD-ROM and the NIC, as PVE takes them; low risk, the guest to be as target', () => {
    const p = planOf(planCreateVm({ ...isoVm, tags: ['web', 'prod'], pool: 'prod', description: 'web server' }, { readOnly: false }));
    expect(p.risk).toBe('low');
    expect(p.target).toEqual({ type: 'qemu', vmid: 130, node: 'pve1', name: 'web-03', status: 'absent', template: false });
    expect(p.calls).toEqual([
      {
        method: 'POST',
        path: '/nodes/pve1/qemu',
        params: {
          vmid: 130,
          name: 'web-03',
          ostype: 'l26',
          cores: 2,
          memory: 2048,
          scsihw: 'virtio-scsi-single',
          scsi0: 'local-lvm:32',
          ide2: 'local:iso/debian-12.8.0-amd64-netinst.iso,media=cdrom',
          net0: 'virtio,bridge=vmbr0',
          tags: 'web;prod',
          pool: 'prod',
          description: 'web server',
        },
      },
    ]);
    expect(p.summary).toBe('create VM 130 web-03 on pve1 booting local:iso/debian-12.8.0-amd64-netinst.iso: 2 cores, 2048 MiB, 32 GiB on local-lvm, vmbr0');
  });

  it('--start is a second call; half a GiB stays half a GiB; no source means no CD-ROM', () => {
    const p = planOf(planCreateVm({ ...isoVm, source: { kind: 'none' }, disk: { storage: 'local-lvm', sizeGiB: 0.5 }, nic: { bridge: 'vmbr1', vlan: 20, model: 'e1000e', firewall: true }, start: true }, { readOnly: false }));
    expect(p.calls.map(describeCall)).toEqual([
      'POST /api2/json/nodes/pve1/qemu vmid=130&name=web-03&ostype=l26&cores=2&memory=2048&scsihw=virtio-scsi-single&scsi0=local-lvm:0.5&net0=e1000e,bridge=vmbr1,firewall=1,tag=20',
      'POST /api2/json/nodes/pve1/qemu/130/status/start',
    ]);
    expect(p.steps).toEqual(['create', 'start']);
    expect(p.ifFailedAfterFirst).toMatch(/^VM 130 web-03 exists, stopped: .*proxmox-mpc delete vm 130/);
  });

  it('a linked clone with cloud-init: clone, config (keys URL-encoded), start; the password never printed', () => {
    const p = planOf(planCreateVm(cloneVm, { readOnly: false }));
    expect(p.calls).toEqual([
      { method: 'POST', path: '/nodes/pve1/qemu/9000/clone', params: { newid: 131, name: 'k8s-node-4', full: 0 } },
      {
        method: 'PUT',
        path: '/nodes/pve1/qemu/131/config',
        params: {
          cores: 4,
          memory: 8192,
          ostype: 'l26',
          net0: 'virtio,bridge=vmbr0,tag=30',
          ciuser: 'ubuntu',
          cipassword: 's3cret!',
          sshkeys: encodeURIComponent(KEY),
          ipconfig0: 'gw=192.168.1.1,ip=192.168.1.44/24',
          tags: 'k8s;lab',
        },
      },
      { method: 'POST', path: '/nodes/pve1/qemu/131/status/start' },
    ]);
    expect(p.steps).toEqual(['clone', 'config update', 'start']);
    expect(p.calls.map(describeCall).join('\n')).toMatch(/cipassword=\*\*\*/);
    expect(p.calls.map(describeCall).join('\n')).not.toMatch(/s3cret/);
    expect(p.summary).toBe('create VM 131 k8s-node-4 on pve1 as a linked clone of template ubuntu-24.04-cloud (9000): 4 cores, 8192 MiB, vmbr0 VLAN 30, cloud-init 192.168.1.44/24, then start it');
  });

  it('a full clone to another node and storage grows its disk by a resize; IPv6 and DHCP ipconfig', () => {
    const spec: VmCreateSpec = {
      ...cloneVm,
      node: 'pve2',
      source: { ...(cloneVm.source as Extract<VmCreateSpec['source'], { kind: 'clone' }>), full: true },
      disk: { storage: 'nas', sizeGiB: 20 },
      cloudInit: { ip: { cidr: '2001:db8::5/64', gateway: '2001:db8::1' } },
      start: false,
      pool: 'lab',
      description: 'from the template',
      tags: [],
    };
    const p = planOf(planCreateVm(spec, { readOnly: false }));
    expect(p.calls).toEqual([
      { method: 'POST', path: '/nodes/pve1/qemu/9000/clone', params: { newid: 131, name: 'k8s-node-4', full: 1, target: 'pve2', storage: 'nas', pool: 'lab', description: 'from the template' } },
      { method: 'PUT', path: '/nodes/pve2/qemu/131/config', params: { cores: 4, memory: 8192, ostype: 'l26', net0: 'virtio,bridge=vmbr0,tag=30', ipconfig0: 'gw6=2001:db8::1,ip6=2001:db8::5/64' } },
      { method: 'PUT', path: '/nodes/pve2/qemu/131/resize', params: { disk: 'scsi0', size: '20G' } },
    ]);
    expect(p.steps).toEqual(['clone', 'config update', 'disk resize']);
    const dhcp = planOf(planCreateVm({ ...spec, cloudInit: { ip: 'dhcp' }, disk: { storage: 'nas', sizeGiB: 3.5 } }, { readOnly: false }));
    expect(dhcp.calls).toHaveLength(2); // the same size: no resize
    expect(dhcp.calls[1]!.params).toMatchObject({ ipconfig0: 'ip=dhcp' });
  });

  it('read-only mode refuses', () => {
    expect(planCreateVm(isoVm, { readOnly: true })).toMatchObject({ reason: 'read-only', message: /read-only mode: create is refused/ });
  });
});

describe('planCreateCt', () => {
  it('one POST with the root disk, the NIC with its IP, unprivileged and nesting; start after', () => {
    const p = planOf(planCreateCt(ct, { readOnly: false }));
    expect(p.target).toEqual({ type: 'lxc', vmid: 220, node: 'pve2', name: 'cache-01', status: 'absent', template: false });
    expect(p.calls).toEqual([
      {
        method: 'POST',
        path: '/nodes/pve2/lxc',
        params: {
          vmid: 220,
          hostname: 'cache-01',
          ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
          password: 'hunter22',
          'ssh-public-keys': KEY,
          rootfs: 'local-lvm:8',
          cores: 1,
          memory: 512,
          swap: 512,
          net0: 'name=eth0,bridge=vmbr0,firewall=1,ip=dhcp',
          unprivileged: 1,
          features: 'nesting=1',
          pool: 'lab',
        },
      },
      { method: 'POST', path: '/nodes/pve2/lxc/220/status/start' },
    ]);
    expect(describeCall(p.calls[0]!)).toMatch(/&password=\*\*\*&/);
    expect(p.summary).toBe('create CT 220 cache-01 on pve2 from local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst: 1 core, 512 MiB (+512 MiB swap), 8 GiB on local-lvm, vmbr0 DHCP, unprivileged, nesting, then start it');
  });

  it('a static address with its gateway, privileged, no nesting', () => {
    const p = planOf(planCreateCt({ ...ct, password: undefined, nic: { bridge: 'vmbr0', vlan: 5, ip: { cidr: '192.168.1.70/24', gateway: '192.168.1.1' } }, unprivileged: false, nesting: false, start: false }, { readOnly: false }));
    expect(p.calls).toHaveLength(1);
    const params = p.calls[0]!.params!;
    expect(params.net0).toBe('name=eth0,bridge=vmbr0,gw=192.168.1.1,ip=192.168.1.70/24,tag=5');
    expect(params.unprivileged).toBe(0);
    expect(params.features).toBeUndefined();
    expect(params.password).toBeUndefined();
  });
});

describe('vmSpecProblems', () => {
  it('a good spec has none', () => {
    expect(vmSpecProblems(isoVm, facts)).toEqual({});
    expect(vmSpecProblems(cloneVm, { ...facts, templateCloudInit: true })).toEqual({});
  });

  it('names every bad field at once, with the fix', () => {
    const problems = vmSpecProblems(
      {
        ...isoVm,
        node: 'pve9',
        vmid: 100,
        name: 'web_03',
        ostype: 'linux',
        cores: 0,
        memoryMiB: 8,
        source: { kind: 'iso', iso: 'local:iso/nope.iso' },
        disk: { storage: 'local', sizeGiB: 0 },
        nic: { bridge: 'vmbr7', vlan: 5000, model: 'virtio-net' },
        tags: ['ok', '-bad'],
        pool: 'nope',
        cloudInit: { ip: 'dhcp' },
      },
      facts,
    );
    expect(Object.keys(problems).sort()).toEqual(['cloudInit', 'cores', 'disk.sizeGiB', 'disk.storage', 'memoryMiB', 'name', 'nic.bridge', 'nic.model', 'nic.vlan', 'node', 'ostype', 'pool', 'source.iso', 'tags', 'vmid']);
    expect(problems.node).toBe("there is no node 'pve9' in the cluster: choose one of pve1, pve2, pve3");
    expect(problems.vmid).toMatch(/vmid 100 is already in use/);
    expect(problems.name).toMatch(/not a valid DNS name/);
    expect(problems['source.iso']).toBe("there is no ISO 'local:iso/nope.iso' on pve9: choose one of local:iso/debian-12.8.0-amd64-netinst.iso");
    expect(problems['disk.storage']).toBe("storage 'local' does not hold disk images: choose one of local-lvm");
    expect(problems['nic.bridge']).toBe("there is no bridge 'vmbr7' on pve9: choose one of vmbr0, vmbr1");
    expect(problems.memoryMiB).toMatch(/at least 16 MiB/);
    expect(problems.pool).toBe("there is no pool 'nope': choose one of lab, prod");
  });

  it('an offline node, a storage without room, an inactive storage, a volume that is not an ISO', () => {
    expect(vmSpecProblems({ ...isoVm, node: 'pve3' }, facts).node).toBe('node pve3 is offline: choose one of pve1, pve2');
    expect(vmSpecProblems({ ...isoVm, disk: { storage: 'local-lvm', sizeGiB: 500 } }, facts)['disk.storage']).toBe("storage 'local-lvm' has 100.0 GiB free, not 500 GiB: choose a smaller size or another storage");
    expect(vmSpecProblems({ ...isoVm, disk: { storage: 'nas', sizeGiB: 5 } }, facts)['disk.storage']).toMatch(/not active on pve1/);
    expect(vmSpecProblems({ ...isoVm, source: { kind: 'iso', iso: 'debian.iso' } }, facts)['source.iso']).toMatch(/write it as storage:iso\/file.iso/);
  });

  it('cloud-init: bad CIDR, gateway and key are named; a template without a cloud-init drive; a clone disk that would shrink', () => {
    const p = vmSpecProblems({ ...cloneVm, disk: { storage: 'local-lvm', sizeGiB: 2 }, cloudInit: { user: 'Bad User', sshKeys: 'not a key', ip: { cidr: '192.168.1.44', gateway: '10.0.0.1' } } }, { ...facts, templateCloudInit: false });
    expect(p.cloudInit).toMatch(/template ubuntu-24.04-cloud has no cloud-init drive/);
    expect(p['cloudInit.user']).toMatch(/not a user name/);
    expect(p['cloudInit.sshKeys']).toMatch(/not an SSH public key/);
    expect(p['cloudInit.ip']).toMatch(/not an address\/prefix/);
    expect(p['disk.sizeGiB']).toMatch(/template's disk is 3.5 GiB and a disk can only grow/);
    const gw = vmSpecProblems({ ...cloneVm, cloudInit: { ip: { cidr: '192.168.1.44/24', gateway: '10.0.0.1' } } }, facts);
    expect(gw['cloudInit.ip.gateway']).toMatch(/outside 192.168.1.0\/24/);
  });
});

describe('a clone to another node', () => {
  const shared: CreateFacts = { ...facts, storages: [...facts.storages!, { id: 'ceph', content: ['images'], active: true, shared: true }], templateStorages: ['local-lvm'] };
  const elsewhere: VmCreateSpec = { ...cloneVm, node: 'pve2', cloudInit: undefined };

  it('is refused when the template has disks on local storage, unless a full copy goes to a shared one', () => {
    expect(vmSpecProblems(elsewhere, shared).node).toBe(
      'template ubuntu-24.04-cloud has disks on local-lvm, local to pve1: create the clone on pve1 (and migrate it), or make a full clone onto a shared storage',
    );
    const full: VmCreateSpec = { ...elsewhere, source: { ...(elsewhere.source as Extract<VmCreateSpec['source'], { kind: 'clone' }>), full: true }, disk: { storage: 'ceph', sizeGiB: 3.5 } };
    expect(vmSpecProblems(full, shared)).toEqual({});
    expect(vmSpecProblems({ ...elsewhere, node: 'pve1' }, shared)).toEqual({});
  });
});

describe('ctSpecProblems', () => {
  it('a good spec has none; without password and key it says how to get in', () => {
    expect(ctSpecProblems(ct, facts)).toEqual({});
    const { password, sshKeys, ...bare } = ct;
    expect(password && sshKeys).toBeTruthy();
    expect(ctSpecProblems(bare, facts)).toEqual({ password: 'give a root password or an SSH key: without either there is no way in' });
  });

  it('names the bad fields', () => {
    const p = ctSpecProblems({ ...ct, hostname: 'cache 01', template: 'local:vztmpl/nope.tar.zst', password: 'abc', sshKeys: 'ssh-rsa AAAA', rootfs: { storage: 'local', sizeGiB: 8 }, swapMiB: -1, nic: { bridge: 'vmbr0', ip: { cidr: '10.0.0.0/24', gateway: '10.0.1.1' } } }, facts);
    expect(Object.keys(p).sort()).toEqual(['hostname', 'nic.ip', 'nic.ip.gateway', 'password', 'rootfs.storage', 'sshKeys', 'swapMiB', 'template']);
    expect(p.hostname).toMatch(/^hostname 'cache 01' is not a valid DNS name/);
    expect(p.template).toMatch(/^there is no container template 'local:vztmpl\/nope.tar.zst' on pve2: choose one of local:vztmpl\/debian-12/);
    expect(p.password).toMatch(/shorter than 5 characters/);
    expect(p['rootfs.storage']).toBe("storage 'local' does not hold container volumes: choose one of local-lvm");
  });
});

describe('command lines', () => {
  it('say the same as the spec, without the password', () => {
    expect(vmCommandLine({ ...isoVm, tags: ['web'], description: "Bob's web", start: true })).toBe(
      "proxmox-mpc create vm --name web-03 --node pve1 --vmid 130 --iso local:iso/debian-12.8.0-amd64-netinst.iso --ostype l26 --cores 2 --memory 2048 --disk local-lvm:32 --net vmbr0 --tags web --description 'Bob'\\''s web' --start",
    );
    const clone = vmCommandLine(cloneVm);
    expect(clone).toBe(
      `proxmox-mpc create vm --name k8s-node-4 --node pve1 --vmid 131 --clone ubuntu-24.04-cloud --ostype l26 --cores 4 --memory 8192 --net vmbr0 --vlan 30 --ci-user ubuntu --password-env PMC_CI_PASSWORD --ssh-key '${KEY}' --ip 192.168.1.44/24 --gw 192.168.1.1 --tags k8s,lab --start`,
    );
    expect(clone).not.toMatch(/s3cret/);
    expect(vmCommandLine({ ...cloneVm, disk: { storage: 'local-lvm', sizeGiB: 20 } })).toMatch(/ --memory 8192 --disk 20 --net vmbr0 /);
    const full = { ...cloneVm, source: { ...(cloneVm.source as Extract<VmCreateSpec['source'], { kind: 'clone' }>), full: true }, disk: { storage: 'nas', sizeGiB: 20 } };
    expect(vmCommandLine(full)).toMatch(/ --clone ubuntu-24.04-cloud --full .* --disk nas:20 /);
    const line = ctCommandLine(ct);
    expect(line).toBe(
      `proxmox-mpc create ct --hostname cache-01 --node pve2 --vmid 220 --template local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst --password-env PMC_CT_PASSWORD --ssh-key '${KEY}' --storage local-lvm --size 8G --cores 1 --memory 512 --swap 512 --net vmbr0 --firewall --ip dhcp --unprivileged --nesting --pool lab --start`,
    );
    expect(line).not.toMatch(/hunter22/);
  });
});

describe('fieldErrorsOf', () => {
  it("maps PVE's per-parameter errors back to the spec's fields", () => {
    const e = new ProxmoxError('parameter', 'Parameter verification failed.', { status: 400, errors: { name: 'value does not look like a valid DNS name\n', memory: 'value must have a minimum value of 16\n', ipconfig0: 'invalid format', bogus: 'unknown' } });
    expect(fieldErrorsOf(e, 'qemu')).toEqual({ name: 'value does not look like a valid DNS name', memoryMiB: 'value must have a minimum value of 16', 'cloudInit.ip': 'invalid format', bogus: 'unknown' });
    const lxc = new ProxmoxError('parameter', 'Parameter verification failed.', { status: 400, errors: { hostname: 'bad', 'ssh-public-keys': 'bad key', rootfs: 'bad size', storage: "storage 'x' does not exist" } });
    expect(fieldErrorsOf(lxc, 'lxc')).toEqual({ hostname: 'bad', sshKeys: 'bad key', 'rootfs.sizeGiB': 'bad size', 'rootfs.storage': "storage 'x' does not exist" });
  });

  it('takes the failed result executePlan made of the error', async () => {
    const e = new ProxmoxError('parameter', 'invalid parameters', { status: 400, errors: { net0: "bridge 'vmbr9' does not exist" } });
    const failing = { call: async () => Promise.reject(e), waitForTask: async () => Promise.reject(new Error('not reached')) };
    const r = await executePlan(failing, planOf(planCreateVm(isoVm, { readOnly: false })));
    expect(r.outcome).toBe('failed');
    expect(fieldErrorsOf(r, 'qemu')).toEqual({ 'nic.bridge': "bridge 'vmbr9' does not exist" });
  });

  it('is undefined for any other error', () => {
    expect(fieldErrorsOf(new ProxmoxError('server', 'boom', { status: 500 }), 'qemu')).toBeUndefined();
    expect(fieldErrorsOf(new Error('x'), 'lxc')).toBeUndefined();
    expect(fieldErrorsOf(new ProxmoxError('parameter', 'bad url'), 'qemu')).toBeUndefined();
  });
});
