import { describe, expect, it } from 'vitest';
import { authenticate, createAccounts, createAuthority, extractAuthValue, type AuthRequest } from './auth.js';

function setup(lifetimeSec = 7200) {
  let nowMs = Date.UTC(2026, 0, 1);
  const accounts = createAccounts({ rootPassword: 'rootpw', tokenSecret: 'root-secret', auditorPassword: 'auditpw', auditorTokenSecret: 'ro-secret' });
  const authority = createAuthority({ accounts: accounts.list, ticketLifetimeSec: () => lifetimeSec, now: () => nowMs });
  return { accounts, authority, advance: (sec: number) => (nowMs += sec * 1000) };
}

const request = (over: Partial<AuthRequest>): AuthRequest => ({
  method: 'GET',
  relPath: '/version',
  cookie: undefined,
  authorization: undefined,
  csrfToken: undefined,
  ...over,
});

describe('accounts', () => {
  it('has root@pam and auditor@pve with their tokens; secrets are random unless given', () => {
    const a = createAccounts();
    const b = createAccounts();
    expect(a.root).toMatchObject({ username: 'root@pam', tokenId: 'root@pam!mpc' });
    expect(a.auditor).toMatchObject({ username: 'auditor@pve', tokenId: 'auditor@pve!ro' });
    expect(a.root.password).not.toBe(b.root.password);
    expect(a.root.tokenSecret).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('tickets', () => {
  it('look like PVE tickets and verify', () => {
    const { authority } = setup();
    const ticket = authority.issueTicket('root@pam');
    expect(ticket).toMatch(/^PVE:root@pam:[0-9A-F]{8}::[A-Za-z0-9+/]+=*$/);
    expect(authority.verifyTicket(ticket)).toBe('root@pam');
  });

  it('are refused when forged, for another user, or for an unknown user', () => {
    const { authority } = setup();
    const ticket = authority.issueTicket('auditor@pve');
    expect(authority.verifyTicket(ticket.replace('auditor@pve', 'root@pam'))).toBeUndefined();
    expect(authority.verifyTicket(`${ticket.slice(0, -4)}AAA=`)).toBeUndefined();
    expect(authority.verifyTicket('garbage')).toBeUndefined();
    expect(authority.verifyTicket(authority.issueTicket('ghost@pve'))).toBeUndefined();
  });

  it('expire after their lifetime, and all at once on expireTickets()', () => {
    const { authority, advance } = setup(7200);
    const ticket = authority.issueTicket('root@pam');
    advance(7199);
    expect(authority.verifyTicket(ticket)).toBe('root@pam');
    advance(1);
    expect(authority.verifyTicket(ticket)).toBeUndefined();
    const fresh = authority.issueTicket('root@pam');
    authority.expireTickets();
    expect(authority.verifyTicket(fresh)).toBeUndefined();
    expect(authority.verifyTicket(authority.issueTicket('root@pam'))).toBe('root@pam');
  });

  it('are born expired with a lifetime of 0 (the "tickets never last" fault)', () => {
    const { authority } = setup(0);
    expect(authority.verifyTicket(authority.issueTicket('root@pam'))).toBeUndefined();
  });
});

describe('CSRF tokens', () => {
  it('are <8 hex>:<base64 HMAC> bound to the user and age', () => {
    const { authority, advance } = setup();
    const token = authority.csrfToken('root@pam');
    expect(token).toMatch(/^[0-9A-F]{8}:[A-Za-z0-9+/]{43}$/);
    expect(authority.verifyCsrf('root@pam', token)).toBe(true);
    expect(authority.verifyCsrf('auditor@pve', token)).toBe(false);
    expect(authority.verifyCsrf('root@pam', undefined)).toBe(false);
    advance(7200);
    expect(authority.verifyCsrf('root@pam', token)).toBe(false);
  });
});

describe('API tokens', () => {
  it('split on the last = and accept a space before the secret', () => {
    const { authority } = setup();
    expect(authority.verifyApiToken('root@pam!mpc=root-secret')).toEqual({ userid: 'root@pam', tokenid: 'mpc' });
    expect(authority.verifyApiToken('auditor@pve!ro=ro-secret')).toEqual({ userid: 'auditor@pve', tokenid: 'ro' });
    expect(authority.verifyApiToken('root@pam!mpc=wrong')).toBeUndefined();
    expect(authority.verifyApiToken('root@pam!other=root-secret')).toBeUndefined();
    expect(authority.verifyApiToken('root@pam=root-secret')).toBeUndefined();
    expect(authority.verifyApiToken('root@pam!constructor=x')).toBeUndefined();
  });

  it('are found in the Authorization header with = or a space', () => {
    expect(extractAuthValue('PVEAPIToken=root@pam!mpc=s', 'PVEAPIToken')).toBe('root@pam!mpc=s');
    expect(extractAuthValue('PVEAPIToken root@pam!mpc=s', 'PVEAPIToken')).toBe('root@pam!mpc=s');
    expect(extractAuthValue('foo=1; PVEAuthCookie=PVE%3Aroot%40pam%3A1::s; bar=2', 'PVEAuthCookie')).toBe('PVE:root@pam:1::s');
    expect(extractAuthValue('xPVEAuthCookie=1', 'PVEAuthCookie')).toBeUndefined();
    expect(extractAuthValue(undefined, 'PVEAuthCookie')).toBeUndefined();
  });
});

describe('authenticate', () => {
  it('answers 401 No ticket without credentials, and lets open endpoints through', () => {
    const { authority } = setup();
    expect(authenticate(authority, request({}))).toEqual({ ok: false, reason: 'No ticket' });
    expect(authenticate(authority, request({ method: 'POST', relPath: '/access/ticket' }))).toEqual({ ok: true, principal: undefined, apiToken: false });
    expect(authenticate(authority, request({ relPath: '/access/domains' }))).toEqual({ ok: true, principal: undefined, apiToken: false });
  });

  it('accepts the cookie or the Authorization fallback, and wants CSRF on writes', () => {
    const { authority } = setup();
    const ticket = authority.issueTicket('root@pam');
    const cookie = `PVEAuthCookie=${encodeURIComponent(ticket)}`;
    expect(authenticate(authority, request({ cookie }))).toEqual({ ok: true, principal: { userid: 'root@pam' }, apiToken: false });
    expect(authenticate(authority, request({ authorization: `PVEAuthCookie=${ticket}` }))).toMatchObject({ ok: true });
    expect(authenticate(authority, request({ method: 'POST', cookie }))).toEqual({ ok: false, reason: 'Permission denied - invalid csrf token' });
    const csrfToken = authority.csrfToken('root@pam');
    expect(authenticate(authority, request({ method: 'DELETE', cookie, csrfToken }))).toMatchObject({ ok: true });
  });

  it('needs no CSRF with a token, and fails a bad ticket or token with Authentication failed!', () => {
    const { authority } = setup();
    expect(authenticate(authority, request({ method: 'POST', authorization: 'PVEAPIToken=root@pam!mpc=root-secret' }))).toEqual({
      ok: true,
      principal: { userid: 'root@pam', tokenid: 'mpc' },
      apiToken: true,
    });
    expect(authenticate(authority, request({ authorization: 'PVEAPIToken=root@pam!mpc=nope' }))).toEqual({ ok: false, reason: 'Authentication failed!' });
    expect(authenticate(authority, request({ cookie: 'PVEAuthCookie=PVE:root@pam:00000000::x' }))).toEqual({ ok: false, reason: 'Authentication failed!' });
  });

  it('marks a token sent to an open endpoint (for the allowtoken check)', () => {
    const { authority } = setup();
    expect(authenticate(authority, request({ method: 'POST', relPath: '/access/ticket', authorization: 'PVEAPIToken=x!y=z' }))).toEqual({
      ok: true,
      principal: undefined,
      apiToken: true,
    });
  });
});
