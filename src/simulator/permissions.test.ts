import { describe, expect, it } from 'vitest';
import { checkApiPermissions, computeCapabilities, hasPrivilege, normalizeAclPath } from './permissions.js';
import { PVE_SCHEMA } from './schema.js';
import { SimHttpError, type SimPrincipal } from './types.js';

const root: SimPrincipal = { userid: 'root@pam' };
const rootToken: SimPrincipal = { userid: 'root@pam', tokenid: 'mpc' };
const auditor: SimPrincipal = { userid: 'auditor@pve' };
const auditorToken: SimPrincipal = { userid: 'auditor@pve', tokenid: 'ro' };
const perms = (key: string) => PVE_SCHEMA[key]!.permissions;

function denial(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof SimHttpError) return `${e.status} ${e.message}`;
    throw e;
  }
  return 'allowed';
}

describe('privileges', () => {
  it('root and its token hold everything; the auditor only audit privileges, everywhere', () => {
    expect(hasPrivilege(root, '/vms/100', 'VM.PowerMgmt')).toBe(true);
    expect(hasPrivilege(rootToken, '/', 'Sys.Modify')).toBe(true);
    for (const who of [auditor, auditorToken]) {
      expect(hasPrivilege(who, '/vms/100', 'VM.Audit')).toBe(true);
      expect(hasPrivilege(who, '/storage/local', 'Datastore.Audit')).toBe(true);
      expect(hasPrivilege(who, '/pool/dev', 'Pool.Audit')).toBe(true);
      expect(hasPrivilege(who, '/nodes/pve1', 'Sys.Audit')).toBe(true);
      expect(hasPrivilege(who, '/vms/100', 'VM.PowerMgmt')).toBe(false);
    }
    expect(hasPrivilege({ userid: 'nobody@pve' }, '/', 'VM.Audit')).toBe(false);
  });

  it('normalises ACL paths like PVE', () => {
    expect(normalizeAclPath('//vms//100/')).toBe('/vms/100');
    expect(normalizeAclPath('vms')).toBe('/vms');
    expect(normalizeAclPath('/vms/1 00')).toBeUndefined();
    expect(normalizeAclPath('')).toBeUndefined();
  });
});

describe('endpoint permission checks', () => {
  it('fills {placeholders} from the parameters and names path and privilege', () => {
    const start = perms('POST /nodes/{node}/qemu/{vmid}/status/start');
    expect(denial(() => checkApiPermissions(start, auditor, { node: 'pve1', vmid: '100' }))).toBe(
      '403 Permission check failed (/vms/100, VM.PowerMgmt)',
    );
    expect(denial(() => checkApiPermissions(start, root, { node: 'pve1', vmid: '100' }))).toBe('allowed');
    expect(denial(() => checkApiPermissions(start, rootToken, { vmid: '100' }))).toBe('allowed');
    expect(denial(() => checkApiPermissions(perms('GET /nodes/{node}/qemu/{vmid}/config'), auditor, { vmid: '100' }))).toBe('allowed');
  });

  it('uses - for a missing placeholder value', () => {
    expect(denial(() => checkApiPermissions(perms('POST /pools'), auditor, {}))).toBe('403 Permission check failed (/pool/-, Pool.Allocate)');
  });

  it('lists all privileges of an "any" check', () => {
    expect(denial(() => checkApiPermissions(perms('PUT /nodes/{node}/lxc/{vmid}/config'), auditor, { vmid: '101' }))).toBe(
      '403 Permission check failed (/vms/101, VM.Config.Disk|VM.Config.CPU|VM.Config.Memory|VM.Config.Network|VM.Config.Options)',
    );
  });

  it('evaluates and/or/require_param like exec_api2_perm_check', () => {
    const clone = perms('POST /nodes/{node}/qemu/{vmid}/clone');
    // the `and`'s first sub-check raises on its own
    expect(denial(() => checkApiPermissions(clone, auditor, { vmid: '100', newid: '200' }))).toBe('403 Permission check failed (/vms/100, VM.Clone)');
    const orOnly = { check: ['or', ['perm', '/vms/{newid}', ['VM.Allocate']], ['perm', '/pool/{pool}', ['VM.Allocate'], 'require_param', 'pool']] } as const;
    expect(denial(() => checkApiPermissions(orOnly, auditor, { newid: '200' }))).toBe('403 Permission check failed');
    const auditOr = { check: ['or', ['perm', '/vms/{vmid}', ['VM.Allocate']], ['perm', '/vms/{vmid}', ['VM.Audit']]] } as const;
    expect(denial(() => checkApiPermissions(auditOr, auditor, { vmid: '100' }))).toBe('allowed');
  });

  it('lets world endpoints through without a user, all endpoints with any user, and nothing without a spec but root', () => {
    expect(denial(() => checkApiPermissions(perms('POST /access/ticket'), undefined, {}))).toBe('allowed');
    expect(denial(() => checkApiPermissions(perms('GET /cluster/resources'), undefined, {}))).toBe('403 Permission check failed (user != null)');
    expect(denial(() => checkApiPermissions(perms('GET /cluster/resources'), auditor, {}))).toBe('allowed');
    expect(denial(() => checkApiPermissions(null, auditor, {}))).toBe('403 Permission check failed (user != root@pam)');
    expect(denial(() => checkApiPermissions(null, root, {}))).toBe('allowed');
  });

  it('fails with 500 on a privilege PVE does not know', () => {
    expect(denial(() => checkApiPermissions({ check: ['perm', '/', ['VM.Monitor']] }, auditor, {}))).toBe("500 invalid privilege 'VM.Monitor'");
  });
});

describe('cap', () => {
  it('groups the auditor privileges like compute_api_permission', () => {
    expect(computeCapabilities(auditor)).toEqual({
      vms: { 'VM.Audit': 1 },
      access: {},
      storage: { 'Datastore.Audit': 1 },
      nodes: { 'Sys.Audit': 1 },
      sdn: {},
      dc: { 'Sys.Audit': 1 },
      mapping: {},
    });
  });

  it('gives root every group', () => {
    const cap = computeCapabilities(root);
    expect(cap['vms']).toMatchObject({ 'VM.PowerMgmt': 1, 'Permissions.Modify': 1 });
    expect(cap['dc']).toEqual({ 'Sys.Audit': 1, 'Sys.Modify': 1, 'SDN.Allocate': 1, 'SDN.Audit': 1, 'SDN.Use': 1 });
    expect(cap['access']).toEqual({ 'Group.Allocate': 1, 'User.Modify': 1, 'Permissions.Modify': 1 });
  });
});
