// Who may do what: the simulator's ACL (root@pam can do anything, auditor@pve can only look),
// PVE's evaluation of an endpoint's `permissions.check` expression (pve-access-control
// RPCEnvironment.pm check_api2_permissions / exec_api2_perm_check), and the `cap` map a
// ticket login returns (compute_api_permission).
import { ALL_PRIVILEGES } from './privileges.js';
import type { PermissionCheck, PermissionsSpec } from './schema.js';
import { dieError, SimHttpError, type SimPrincipal } from './types.js';

export interface AclGrant {
  path: string;
  privileges: readonly string[];
  /** Whether the grant also applies below `path`. */
  propagate: boolean;
}

export const AUDITOR_PRIVILEGES = ['VM.Audit', 'Sys.Audit', 'Datastore.Audit', 'Pool.Audit'] as const;

/** The ACL of every user but root@pam (who is not subject to ACLs). API tokens are not
 * privilege-separated here: a token has exactly its user's rights. */
const ACL: Readonly<Record<string, readonly AclGrant[]>> = {
  'auditor@pve': [{ path: '/', privileges: AUDITOR_PRIVILEGES, propagate: true }],
};

const KNOWN_PRIVILEGES = new Set<string>(ALL_PRIVILEGES);

/** pve-access-control normalize_path: undefined when the path has characters an ACL path
 * cannot have. */
export function normalizeAclPath(path: string | undefined): string | undefined {
  if (!path) return undefined;
  let p = path.replace(/\/+/g, '/').replace(/\/$/, '');
  if (!p) p = '/';
  if (!p.startsWith('/')) p = `/${p}`;
  return /^[A-Za-z0-9.\-_/]+$/.test(p) ? p : undefined;
}

function ancestorsOf(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
}

/** The privileges a principal holds on an ACL path. Like PVE, the most specific ACL entry on
 * the way from `/` down to the path decides, and non-propagating entries apply only to their
 * own path. */
export function privilegesOn(principal: SimPrincipal, path: string | undefined): Set<string> {
  if (principal.userid === 'root@pam') return new Set(ALL_PRIVILEGES);
  const target = normalizeAclPath(path);
  if (!target) return new Set();
  const grants = Object.hasOwn(ACL, principal.userid) ? ACL[principal.userid]! : [];
  let current = new Set<string>();
  for (const level of ancestorsOf(target)) {
    const here = grants.filter((g) => normalizeAclPath(g.path) === level && (g.propagate || level === target));
    if (here.length > 0) current = new Set(here.flatMap((g) => g.privileges));
  }
  return current;
}

/** Whether the principal (a user or one of its tokens) holds `privilege` on the ACL path
 * (`/vms/100`, `/storage/local`, `/nodes/pve1`, `/pool/dev`). For handlers that filter lists
 * ("Only list VMs where you have VM.Audit permissions on /vms/<vmid>"). */
export function hasPrivilege(principal: SimPrincipal, path: string, privilege: string): boolean {
  return privilegesOn(principal, path).has(privilege);
}

/** The string PVE's ACL code sees as the user: `root@pam` or `root@pam!mpc`. */
function aclUser(principal: SimPrincipal): string {
  return principal.tokenid ? `${principal.userid}!${principal.tokenid}` : principal.userid;
}

function permissionDenied(what?: string): SimHttpError {
  return new SimHttpError(403, what ? `Permission check failed (${what})` : 'Permission check failed');
}

/** PVE::Tools::template_replace: `{vmid}` -> the parameter, or `-` when it is not set. */
function fillTemplate(template: string, params: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = params[name];
    const s = v === undefined || v === null ? '' : typeof v === 'boolean' ? (v ? '1' : '') : String(v);
    return s !== '' && s !== '0' ? s : '-';
  });
}

function checkPrivileges(principal: SimPrincipal, path: string | undefined, privs: readonly string[], any: boolean, noerr: boolean): boolean {
  for (const p of privs) if (!KNOWN_PRIVILEGES.has(p)) throw dieError(`invalid privilege '${p}'`);
  const held = privilegesOn(principal, path);
  if (any) {
    if (privs.some((p) => held.has(p))) return true;
    if (noerr) return false;
    throw permissionDenied(`${path ?? ''}, ${privs.join('|')}`);
  }
  for (const p of privs) {
    if (!held.has(p)) {
      if (noerr) return false;
      throw permissionDenied(`${path ?? ''}, ${p}`);
    }
  }
  return true;
}

function execCheck(check: PermissionCheck, principal: SimPrincipal, params: Readonly<Record<string, unknown>>, noerr: boolean): boolean {
  const [test, ...rest] = check;
  if (test === 'and') {
    // Sub-checks of an `and` always raise (PVE does not pass noerr down).
    for (const sub of rest) execCheck(sub as PermissionCheck, principal, params, false);
    return true;
  }
  if (test === 'or') {
    for (const sub of rest) if (execCheck(sub as PermissionCheck, principal, params, true)) return true;
    if (noerr) return false;
    throw permissionDenied();
  }
  if (test === 'perm') {
    const [template, privs, ...optionList] = rest as [string, string[], ...unknown[]];
    const options: Record<string, unknown> = {};
    for (let i = 0; i + 1 < optionList.length; i += 2) options[String(optionList[i])] = optionList[i + 1];
    const required = options['require_param'];
    if (typeof required === 'string' && (params[required] === undefined || params[required] === null)) {
      if (noerr) return false;
      throw permissionDenied();
    }
    const path = normalizeAclPath(fillTemplate(template, params));
    return checkPrivileges(principal, path, privs, !!options['any'], noerr);
  }
  throw dieError('unknown permission test');
}

/** Throws PVE's 403 when the principal may not call an endpoint with these (raw, unvalidated)
 * parameters. An undefined principal is an unauthenticated caller. */
export function checkApiPermissions(
  spec: PermissionsSpec | null,
  principal: SimPrincipal | undefined,
  params: Readonly<Record<string, unknown>>,
): void {
  if (!principal && spec?.user === 'world') return;
  if (!principal) throw permissionDenied('user != null');
  if (aclUser(principal) === 'root@pam') return;
  if (!spec) throw permissionDenied('user != root@pam');
  if (spec.user === 'all') return;
  if (spec.check) {
    execCheck(spec.check, principal, params, false);
    return;
  }
  throw permissionDenied();
}

const CAP_GROUPS: Record<string, RegExp> = {
  vms: /^(VM\.|Permissions\.Modify)/,
  access: /^((User|Group)\.|Permissions\.Modify)/,
  storage: /^(Datastore\.|Permissions\.Modify)/,
  nodes: /^(Sys\.|Permissions\.Modify)/,
  sdn: /^(SDN\.|Permissions\.Modify)/,
  dc: /^(Sys\.Audit|Sys\.Modify|SDN\.)/,
  mapping: /^(Mapping\.|Permissions.Modify)/,
};
const CAP_PATHS = ['/', '/nodes', '/access/groups', '/vms', '/storage', '/sdn', '/mapping'];

/** The `cap` object of a ticket login (RPCEnvironment compute_api_permission). */
export function computeCapabilities(principal: SimPrincipal): Record<string, Record<string, 1>> {
  const cap: Record<string, Record<string, 1>> = {};
  for (const group of Object.keys(CAP_GROUPS)) cap[group] = {};
  const aclPaths = Object.hasOwn(ACL, principal.userid) ? ACL[principal.userid]!.map((g) => g.path) : [];
  for (const path of new Set([...CAP_PATHS, ...aclPaths])) {
    const top = /^\/(\w+)/.exec(path)?.[1] ?? 'dc';
    const held = privilegesOn(principal, path);
    if (top === 'pool') {
      for (const p of held) {
        if (p.startsWith('VM.')) cap['vms']![p] = 1;
        else if (p.startsWith('Datastore.')) cap['storage']![p] = 1;
        else if (p === 'Permissions.Modify') {
          cap['storage']![p] = 1;
          cap['vms']![p] = 1;
        }
      }
      continue;
    }
    const re = CAP_GROUPS[top];
    if (!re) continue;
    for (const p of held) if (re.test(p)) cap[top]![p] = 1;
  }
  return cap;
}
