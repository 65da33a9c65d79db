// The two endpoints the HTTP layer answers itself because they belong to authentication:
// POST /access/ticket (login, renewal, verification) and GET /access/domains (the realms).
import type { Authority } from './auth.js';
import { normalizeAclPath, computeCapabilities, hasPrivilege } from './permissions.js';
import { perlTrue, splitList } from './perl.js';
import { SimHttpError, type SimRouteTable } from './types.js';

export interface AccessRoutesOptions {
  /** Present in a cluster: returned to users with Sys.Audit on `/`. */
  clusterName?: () => string | undefined;
}

const REALMS = [
  { realm: 'pam', type: 'pam', comment: 'Linux PAM standard authentication' },
  { realm: 'pve', type: 'pve', comment: 'Proxmox VE authentication server' },
];

/** pve-access-control API2/AccessControl.pm create_ticket: any failure is the same 401, so
 * that nothing tells a wrong user from a wrong password. */
export function createAccessRoutes(authority: Authority, options: AccessRoutesOptions = {}): SimRouteTable {
  return {
    'GET /access/domains': () => REALMS.map((r) => ({ ...r })),

    'POST /access/ticket': (req) => {
      const fail = () => new SimHttpError(401, 'authentication failure');
      let username = String(req.params['username']);
      if (req.params['realm']) username += `@${req.params['realm']}`;
      const password = String(req.params['password']);
      if (!authority.account(username)) throw fail();

      const ticketUser = authority.verifyTicket(password);
      const path = req.params['path'] === undefined ? undefined : String(req.params['path']);
      const privs = req.params['privs'] === undefined ? undefined : String(req.params['privs']);
      let result: Record<string, unknown>;
      if (perlTrue(path) && perlTrue(privs)) {
        // Verify mode: check credentials and privileges, issue nothing.
        const normalized = normalizeAclPath(path);
        if (!(ticketUser === username || authority.checkPassword(username, password))) throw fail();
        const list = splitList(privs!);
        if (!normalized || list.length === 0 || !list.every((p) => hasPrivilege({ userid: username }, normalized, p))) throw fail();
        result = { username };
      } else {
        // A valid ticket of the same user (or of root@pam) renews; anything else is a password.
        const renewing = ticketUser !== undefined && (ticketUser === 'root@pam' || ticketUser === username);
        if (!renewing && !authority.checkPassword(username, password)) throw fail();
        result = {
          ticket: authority.issueTicket(username),
          username,
          CSRFPreventionToken: authority.csrfToken(username),
        };
      }
      result['cap'] = computeCapabilities({ userid: username });
      const clusterName = options.clusterName?.();
      if (clusterName && hasPrivilege({ userid: username }, '/', 'Sys.Audit')) result['clustername'] = clusterName;
      return result;
    },
  };
}
