// Authentication as pve-access-control / pve-http-server do it: tickets
// `PVE:<user@realm>:<8 hex time>::<signature>`, CSRF tokens `<8 hex time>:<HMAC>`, API tokens
// `PVEAPIToken=USER@REALM!TOKENID=SECRET`, and the 401 reason phrases of PVE 9.1.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { splitTokenId } from '../proxmox/principal.js';
import type { SimCredentials, SimPrincipal } from './types.js';

export interface SimAccount {
  userid: string;
  password: string;
  /** token name (`mpc`) -> secret */
  tokens: Record<string, string>;
}

export interface AccountOptions {
  rootPassword?: string;
  /** The secret of root@pam!mpc. */
  tokenSecret?: string;
  auditorPassword?: string;
  /** The secret of auditor@pve!ro. */
  auditorTokenSecret?: string;
}

export interface Accounts {
  list: readonly SimAccount[];
  root: SimCredentials;
  auditor: SimCredentials;
}

const randomPassword = () => randomBytes(18).toString('base64url');

/** root@pam (token `mpc`) and auditor@pve (token `ro`); secrets random unless given. */
export function createAccounts(options: AccountOptions = {}): Accounts {
  const root: SimCredentials = {
    username: 'root@pam',
    password: options.rootPassword ?? randomPassword(),
    tokenId: 'root@pam!mpc',
    tokenSecret: options.tokenSecret ?? randomUUID(),
  };
  const auditor: SimCredentials = {
    username: 'auditor@pve',
    password: options.auditorPassword ?? randomPassword(),
    tokenId: 'auditor@pve!ro',
    tokenSecret: options.auditorTokenSecret ?? randomUUID(),
  };
  const toAccount = (c: SimCredentials): SimAccount => ({
    userid: c.username,
    password: c.password,
    tokens: { [c.tokenId.split('!')[1]!]: c.tokenSecret },
  });
  return { list: [toAccount(root), toAccount(auditor)], root, auditor };
}

/** Seconds a ticket may be "from the future" (pve-access-control $auth_graceperiod). */
const GRACE_SEC = 300;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const hex8 = (sec: number) => sec.toString(16).toUpperCase().padStart(8, '0');

export interface AuthorityOptions {
  accounts: readonly SimAccount[];
  /** Current ticket (and CSRF token) lifetime in seconds; PVE: 7200. */
  ticketLifetimeSec: () => number;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now?: () => number;
}

export interface Authority {
  account(userid: string): SimAccount | undefined;
  checkPassword(userid: string, password: string): boolean;
  issueTicket(userid: string): string;
  /** The ticket's user, if the ticket is genuine, not expired and not revoked. */
  verifyTicket(ticket: string): string | undefined;
  csrfToken(userid: string): string;
  verifyCsrf(userid: string, token: string | undefined): boolean;
  /** `USER@REALM!TOKENID=SECRET` (a space is also accepted before the secret's `=`-split). */
  verifyApiToken(value: string): SimPrincipal | undefined;
  /** Invalidates every ticket issued so far (PVE's auth key rotation has the same effect). */
  expireTickets(): void;
}

export function createAuthority(options: AuthorityOptions): Authority {
  const nowSec = () => Math.floor((options.now ?? Date.now)() / 1000);
  let ticketKey = randomBytes(32);
  const csrfKey = randomBytes(32);
  const byUser = new Map(options.accounts.map((a) => [a.userid, a]));
  const ticketSignature = (plain: string) => createHmac('sha256', ticketKey).update(plain).digest('base64');
  const csrfSignature = (stamp: string, userid: string) =>
    createHmac('sha256', csrfKey).update(`${stamp}:${userid}`).digest('base64').replace(/=+$/, '');
  const fresh = (stampHex: string) => {
    const age = nowSec() - parseInt(stampHex, 16);
    return age > -GRACE_SEC && age < options.ticketLifetimeSec();
  };

  return {
    account: (userid) => byUser.get(userid),
    checkPassword(userid, password) {
      const account = byUser.get(userid);
      return account !== undefined && sameSecret(account.password, password);
    },
    issueTicket(userid) {
      const plain = `PVE:${userid}:${hex8(nowSec())}`;
      return `${plain}::${ticketSignature(plain)}`;
    },
    verifyTicket(ticket) {
      const m = /^(PVE:\S+)::([^:\s]+)$/.exec(ticket);
      if (!m || !sameSecret(ticketSignature(m[1]!), m[2]!)) return undefined;
      const data = /^PVE:(?:(\S+):)?([A-Z0-9]{8})$/.exec(m[1]!);
      if (!data || !data[1] || !fresh(data[2]!)) return undefined;
      return byUser.has(data[1]) ? data[1] : undefined;
    },
    csrfToken(userid) {
      const stamp = hex8(nowSec());
      return `${stamp}:${csrfSignature(stamp, userid)}`;
    },
    verifyCsrf(userid, token) {
      const m = token ? /^([A-Z0-9]{8}):(\S+)$/.exec(token) : null;
      return !!m && sameSecret(csrfSignature(m[1]!, userid), m[2]!) && fresh(m[1]!);
    },
    verifyApiToken(value) {
      const m = /^(.*)=(.*)$/.exec(value);
      if (!m) return undefined;
      const id = splitTokenId(m[1]!); // pve-access-control's token-ID grammar
      if (!id) return undefined;
      const { userid, tokenName: tokenid } = id;
      const account = byUser.get(userid);
      if (!account || !Object.hasOwn(account.tokens, tokenid) || !sameSecret(account.tokens[tokenid]!, m[2]!)) return undefined;
      return { userid, tokenid };
    },
    expireTickets() {
      ticketKey = randomBytes(32);
    },
  };
}

/** pve-http-server Formatter::extract_auth_value: `NAME=value` or `NAME value` after the start or
 * white space, up to `;`, URI-unescaped. */
export function extractAuthValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const value = new RegExp(`(?:^|\\s)${escaped}(?:=| )([^;]*)`).exec(header)?.[1];
  if (!value) return undefined;
  return Buffer.from(value.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

export interface AuthRequest {
  method: string;
  /** Path below /api2/json, e.g. `/access/ticket`. */
  relPath: string;
  cookie: string | undefined;
  authorization: string | undefined;
  csrfToken: string | undefined;
}

export type AuthResult =
  | { ok: true; principal: SimPrincipal | undefined; apiToken: boolean }
  | { ok: false; reason: 'No ticket' | 'Authentication failed!' | 'Permission denied - invalid csrf token' };

/** The calls PVE answers without credentials (pve-manager HTTPServer.pm auth_handler). */
export function isOpenEndpoint(method: string, relPath: string): boolean {
  return (
    (relPath === '/access/domains' && method === 'GET') ||
    (relPath === '/access/ticket' && (method === 'GET' || method === 'POST')) ||
    (relPath === '/access/vncticket' && method === 'POST') ||
    (relPath === '/access/openid/login' && method === 'POST') ||
    (relPath === '/access/openid/auth-url' && method === 'POST')
  );
}

/** pve-http-server authenticate_and_handle_request + pve-manager auth_handler. The cookie wins
 * over `Authorization: PVEAuthCookie=`, which wins over an API token. Open endpoints get no
 * principal even when credentials are sent, but a token header still counts as "via token". */
export function authenticate(authority: Authority, req: AuthRequest): AuthResult {
  const ticket = extractAuthValue(req.cookie, 'PVEAuthCookie') || extractAuthValue(req.authorization, 'PVEAuthCookie');
  const apiToken = ticket ? undefined : extractAuthValue(req.authorization, 'PVEAPIToken');
  if (isOpenEndpoint(req.method, req.relPath)) return { ok: true, principal: undefined, apiToken: !!apiToken };

  if (apiToken) {
    const principal = authority.verifyApiToken(apiToken);
    return principal ? { ok: true, principal, apiToken: true } : { ok: false, reason: 'Authentication failed!' };
  }
  if (!ticket) return { ok: false, reason: 'No ticket' };
  const userid = authority.verifyTicket(ticket);
  if (!userid) return { ok: false, reason: 'Authentication failed!' };
  if (req.method !== 'GET' && !authority.verifyCsrf(userid, req.csrfToken)) {
    return { ok: false, reason: 'Permission denied - invalid csrf token' };
  }
  return { ok: true, principal: { userid }, apiToken: false };
}
