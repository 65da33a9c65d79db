import { afterEach, describe, expect, it } from 'vitest';
import { fullUsername, parseApiToken, ticketIssuedAtMs } from './auth.js';
import { ProxmoxClient, type ProxmoxClientOptions } from './client.js';
import { ProxmoxError } from './errors.js';
import { fakeTicket, ok, startFakePve, until, type FakePve, type RecordedRequest, type Reply } from './test-support/fakePve.js';

const PASSWORD = 'correct horse battery staple';
const TOKEN_SECRET = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const HOUR = 3600_000;

let server: FakePve | undefined;
const clients: ProxmoxClient[] = [];

afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await server?.close();
  server = undefined;
});

/** A fake PVE that issues tickets stamped with the fake clock and checks cookies and CSRF. */
class TicketServer {
  now = T0;
  issued: { ticket: string; csrf: string }[] = [];
  valid = new Set<string>();
  logins: RecordedRequest[] = [];
  rejectNextWith401 = 0;

  handle = (req: RecordedRequest): Reply => {
    if (req.method === 'POST' && req.path === '/access/ticket') {
      this.logins.push(req);
      const password = req.form.get('password') ?? '';
      const user = req.form.get('username') ?? '';
      if (user !== 'root@pam' || (password !== PASSWORD && !this.valid.has(password))) {
        return { status: 401, reason: 'authentication failure', json: { data: null, message: 'authentication failure\n' } };
      }
      const ticket = fakeTicket(user, Math.floor(this.now / 1000), String(this.issued.length));
      const csrf = `${Math.floor(this.now / 1000).toString(16).toUpperCase()}:csrfcsrfcsrfcsrfcsrfcsrf${this.issued.length}`;
      this.issued.push({ ticket, csrf });
      this.valid.add(ticket);
      return ok({ username: user, ticket, CSRFPreventionToken: csrf, cap: { vms: { 'VM.Audit': 1 } } });
    }
    const cookie = /PVEAuthCookie=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (this.rejectNextWith401 > 0) {
      this.rejectNextWith401 -= 1;
      return { status: 401, reason: 'Authentication failed!' };
    }
    if (!cookie || !this.valid.has(cookie)) return { status: 401, reason: cookie ? 'Authentication failed!' : 'No ticket' };
    if (req.method !== 'GET') {
      const issued = this.issued.find((i) => i.ticket === cookie);
      if (req.headers.csrfpreventiontoken !== issued?.csrf) return { status: 401, reason: 'Permission denied - invalid csrf token' };
    }
    return ok(req.method === 'GET' ? { version: '8.2.4', release: '8.2' } : 'UPID:pve1:0000A1B2:00C0FFEE:66000000:qmstart:100:root@pam:');
  };
}

async function ticketClient(pve: TicketServer, options: Partial<ProxmoxClientOptions> = {}): Promise<ProxmoxClient> {
  server = await startFakePve(pve.handle);
  const c = new ProxmoxClient({
    endpoint: server.url,
    auth: { username: 'root', password: PASSWORD, realm: 'pam' },
    retry: { limit: 0 },
    now: () => pve.now,
    ...options,
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
  for (const secret of [PASSWORD, TOKEN_SECRET]) expect(pe.message).not.toContain(secret);
  expect(JSON.stringify(pe.details)).not.toContain(PASSWORD);
  return pe;
}

describe('API token', () => {
  it('sends PVEAPIToken=USER@REALM!TOKENID=SECRET and never a CSRF header or cookie', async () => {
    server = await startFakePve((req) => ok(req.method === 'GET' ? { version: '9.1.1', release: '9.1' } : 'UPID:pve1:0000A1B2:00C0FFEE:66000000:qmstart:100:root@pam!mpc:'));
    const c = new ProxmoxClient({ endpoint: server.url, auth: { tokenId: 'root@pam!mpc', tokenSecret: TOKEN_SECRET } });
    clients.push(c);
    await c.version();
    await c.qemu.start('pve1', 100);
    for (const req of server.requests) {
      expect(req.headers.authorization).toBe(`PVEAPIToken=root@pam!mpc=${TOKEN_SECRET}`);
      expect(req.headers.csrfpreventiontoken).toBeUndefined();
      expect(req.headers.cookie).toBeUndefined();
    }
    expect(c.authMode).toBe('token');
    expect(c.principal).toBe('root@pam!mpc');
  });

  it('parses the USER@REALM!TOKENID=SECRET form', () => {
    expect(parseApiToken(`root@pam!mpc=${TOKEN_SECRET}`)).toEqual({ tokenId: 'root@pam!mpc', tokenSecret: TOKEN_SECRET });
    expect(parseApiToken(`PVEAPIToken=root@pam!mpc=${TOKEN_SECRET}`).tokenId).toBe('root@pam!mpc');
    expect(() => parseApiToken('root@pam!mpc')).toThrow(/USER@REALM!TOKENID=SECRET/);
    expect(() => parseApiToken('root@pam!mpc=')).toThrow(/USER@REALM!TOKENID=SECRET/);
  });

  it('splits at the last `=` like PVE, so a secret holding `=` is refused, not sent to fail with 401', () => {
    const usage = 'an API token is written USER@REALM!TOKENID=SECRET, e.g. root@pam!mpc=<uuid>';
    expect(() => parseApiToken('root@pam!a=b=c')).toThrow(usage);
    expect(() => parseApiToken(`root@pam!mpc=${TOKEN_SECRET}=`)).toThrow(usage);
    // PVE user names may hold `=`; the last `=` still separates the secret
    expect(parseApiToken(`odd=name@pve!ci=${TOKEN_SECRET}`)).toEqual({ tokenId: 'odd=name@pve!ci', tokenSecret: TOKEN_SECRET });
    expect(() => new ProxmoxClient({ endpoint: 'https://pve', auth: { tokenId: 'root@pam!mpc', tokenSecret: 'b=c' } })).toThrow(
      "the secret for API token root@pam!mpc contains '=', which PVE cannot accept",
    );
  });

  it('a malformed token id is named without anything after `=` (it may be the secret)', () => {
    let message = '';
    try {
      new ProxmoxClient({ endpoint: 'https://pve', auth: { tokenId: `root@pam=${TOKEN_SECRET}`, tokenSecret: 'x' } });
    } catch (e) {
      message = e instanceof ProxmoxError ? e.message : 'not a ProxmoxError';
    }
    expect(message).toBe("'root@pam=…' is not an API token id; it looks like USER@REALM!TOKENID, e.g. root@pam!mpc");
  });

  it('rejects a malformed token id up front', () => {
    expect(() => new ProxmoxClient({ endpoint: 'https://pve', auth: { tokenId: 'root@pam', tokenSecret: 'x' } })).toThrow(/USER@REALM!TOKENID/);
    expect(() => new ProxmoxClient({ endpoint: 'https://pve', auth: { tokenId: 'root@pam!mpc', tokenSecret: ' ' } })).toThrow(/secret .* is empty/);
  });

  it('a 401 is final for a token (no login attempt)', async () => {
    server = await startFakePve(() => ({ status: 401, reason: 'Authentication failed!' }));
    const c = new ProxmoxClient({ endpoint: server.url, auth: { tokenId: 'root@pam!mpc', tokenSecret: TOKEN_SECRET } });
    clients.push(c);
    const e = await failure(c.version());
    expect(e.kind).toBe('auth');
    expect(server.requests).toHaveLength(1);
  });
});

describe('ticket login', () => {
  it('posts username (with realm) and password as a form, then uses the cookie', async () => {
    const pve = new TicketServer();
    const c = await ticketClient(pve);
    await c.version();
    expect(pve.logins).toHaveLength(1);
    expect(pve.logins[0]!.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(pve.logins[0]!.form.get('username')).toBe('root@pam');
    expect(pve.logins[0]!.form.get('password')).toBe(PASSWORD);
    expect(pve.logins[0]!.headers.cookie).toBeUndefined();
    const get = server!.requests[1]!;
    expect(get.headers.cookie).toBe(`PVEAuthCookie=${pve.issued[0]!.ticket}`);
    expect(get.headers.authorization).toBeUndefined();
  });

  it('sends the CSRF token on non-GET requests only', async () => {
    const pve = new TicketServer();
    const c = await ticketClient(pve);
    await c.version();
    await c.qemu.start('pve1', 100);
    await c.qemu.updateConfig('pve1', 100, { onboot: true });
    await c.qemu.delete('pve1', 100).catch(() => undefined);
    const [, get, post, put, del] = server!.requests;
    expect(get!.headers.csrfpreventiontoken).toBeUndefined();
    for (const req of [post!, put!, del!]) expect(req.headers.csrfpreventiontoken).toBe(pve.issued[0]!.csrf);
    expect(put!.form.get('onboot')).toBe('1');
  });

  it('logs in once for concurrent first requests', async () => {
    const pve = new TicketServer();
    const c = await ticketClient(pve);
    await Promise.all([c.version(), c.version(), c.version(), c.qemu.start('pve1', 100)]);
    expect(pve.logins).toHaveLength(1);
  });

  it('masking the password never rewrites our own words (password "wrong", password "root")', async () => {
    for (const password of ['wrong', 'root']) {
      server = await startFakePve(() => ({ status: 401, reason: 'authentication failure', json: { data: null, message: 'authentication failure\n' } }));
      const c = new ProxmoxClient({ endpoint: server.url, auth: { username: 'root@pam', password }, retry: { limit: 0 } });
      clients.push(c);
      const e = await failure(c.login());
      expect(e.message).toBe(
        'authentication failed for root@pam: wrong user name or password; check the user, the realm (pam or pve) and the password',
      );
      expect(e.stack).toContain(e.message);
      clients.splice(0).forEach((x) => x.close());
      await server.close();
    }
    server = undefined;
  });

  it('a wrong password is a one-line auth error without the password', async () => {
    const pve = new TicketServer();
    server = await startFakePve(pve.handle);
    const c = new ProxmoxClient({ endpoint: server.url, auth: { username: 'root@pam', password: 'wrong-password' } });
    clients.push(c);
    const e = await failure(c.version());
    expect(e.kind).toBe('auth');
    expect(e.message).toBe(
      'authentication failed for root@pam: wrong user name or password; check the user, the realm (pam or pve) and the password',
    );
    expect(e.message).not.toContain('wrong-password');
    const explicit = await failure(c.login());
    expect(explicit.kind).toBe('auth');
  });

  it('one caller aborting does not cancel the login others wait for', async () => {
    const pve = new TicketServer();
    let releaseLogin = (): void => {};
    const loginHeld = new Promise<void>((resolve) => {
      releaseLogin = resolve;
    });
    server = await startFakePve(async (req) => {
      if (req.path === '/access/ticket') await loginHeld;
      return pve.handle(req);
    });
    const c = new ProxmoxClient({ endpoint: server.url, auth: { username: 'root', password: PASSWORD }, retry: { limit: 0 }, now: () => pve.now });
    clients.push(c);
    const controller = new AbortController();
    const first = c.version({ signal: controller.signal });
    const second = c.version();
    const third = c.qemu.start('pve1', 100);
    await until(() => server!.requests.length === 1);
    controller.abort();
    const e = await failure(first);
    expect(e.kind).toBe('cancelled');
    expect(e.message).toBe('POST /access/ticket was cancelled');
    releaseLogin();
    await expect(second).resolves.toMatchObject({ release: '8.2' });
    await expect(third).resolves.toMatch(/^UPID:/);
    expect(pve.logins).toHaveLength(1);
    // an already-aborted caller starts nothing
    expect((await failure(c.login({ signal: AbortSignal.abort() }))).kind).toBe('cancelled');
    expect(pve.logins).toHaveLength(1);
  });

  it('realm: pve users and a realm inside the name', () => {
    expect(fullUsername('admin', 'pve')).toBe('admin@pve');
    expect(fullUsername('root')).toBe('root@pam');
    expect(fullUsername('root@pam', 'pve')).toBe('root@pam');
  });

  it('reads the issue time from the ticket', () => {
    expect(ticketIssuedAtMs(fakeTicket('root@pam', 0x66000000))).toBe(0x66000000 * 1000);
    expect(ticketIssuedAtMs('garbage')).toBeUndefined();
  });
});

describe('ticket renewal', () => {
  it('renews by posting the current ticket as password once it is older than the threshold', async () => {
    const pve = new TicketServer();
    const c = await ticketClient(pve);
    await c.version();
    pve.now = T0 + 59 * 60_000;
    await c.version();
    expect(pve.logins).toHaveLength(1);
    pve.now = T0 + HOUR + 1000;
    await c.qemu.start('pve1', 100);
    expect(pve.logins).toHaveLength(2);
    expect(pve.logins[1]!.form.get('password')).toBe(pve.issued[0]!.ticket);
    const start = server!.requests.at(-1)!;
    expect(start.headers.cookie).toBe(`PVEAuthCookie=${pve.issued[1]!.ticket}`);
    expect(start.headers.csrfpreventiontoken).toBe(pve.issued[1]!.csrf);
  });

  it('honours a custom renewal threshold', async () => {
    const pve = new TicketServer();
    const c = await ticketClient(pve, { ticketRenewAfterMs: 10 * 60_000 });
    await c.version();
    pve.now = T0 + 11 * 60_000;
    await c.version();
    expect(pve.logins).toHaveLength(2);
  });

  it('past the 2 h lifetime it logs in with the password again', async () => {
    const pve = new TicketServer();
    const c = await ticketClient(pve);
    await c.version();
    pve.now = T0 + 3 * HOUR;
    await c.version();
    expect(pve.logins.map((l) => l.form.get('password'))).toEqual([PASSWORD, PASSWORD]);
  });

  it('falls back to the password when the server refuses the renewal', async () => {
    const pve = new TicketServer();
    const c = await ticketClient(pve);
    await c.version();
    pve.valid.clear(); // the server forgot every ticket
    pve.now = T0 + HOUR + 1;
    await c.version();
    expect(pve.logins.map((l) => l.form.get('password'))).toEqual([PASSWORD, pve.issued[0]!.ticket, PASSWORD]);
  });

  it('tolerates a server clock far from ours (skew measured at login)', async () => {
    const pve = new TicketServer();
    const local = { now: T0 + 5 * HOUR }; // we are 5 h ahead of the server
    server = await startFakePve(pve.handle);
    const c = new ProxmoxClient({ endpoint: server.url, auth: { username: 'root', password: PASSWORD }, now: () => local.now });
    clients.push(c);
    await c.version();
    await c.version();
    expect(pve.logins).toHaveLength(1);
    local.now += HOUR + 1;
    await c.version();
    expect(pve.logins).toHaveLength(2);
  });
});

describe('401 during a session', () => {
  it('logs in again exactly once and retries the request once', async () => {
    const pve = new TicketServer();
    const c = await ticketClient(pve);
    await c.version();
    pve.valid.clear(); // tickets expired server-side
    const upid = await c.qemu.start('pve1', 100);
    expect(upid).toMatch(/^UPID:/);
    expect(pve.logins).toHaveLength(2);
    expect(pve.logins[1]!.form.get('password')).toBe(PASSWORD);
    const posts = server!.requests.filter((r) => r.path === '/nodes/pve1/qemu/100/status/start');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.headers.csrfpreventiontoken).toBe(pve.issued[1]!.csrf);
  });

  it('a second 401 after the fresh login is an auth error (no loop)', async () => {
    const pve = new TicketServer();
    const c = await ticketClient(pve);
    await c.version();
    pve.rejectNextWith401 = 2;
    const e = await failure(c.version());
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(/^authentication failed for root@pam on GET \/version \(Authentication failed!\) even after logging in again;/);
    expect(pve.logins).toHaveLength(2);
    expect(server!.requests.filter((r) => r.path === '/version')).toHaveLength(3);
  });

  it('an invalid CSRF token also triggers one fresh login', async () => {
    const pve = new TicketServer();
    const c = await ticketClient(pve);
    await c.version();
    pve.issued[0]!.csrf = 'changed-on-the-server';
    await expect(c.qemu.start('pve1', 100)).resolves.toMatch(/^UPID:/);
    expect(pve.logins).toHaveLength(2);
  });

  it('concurrent 401s share one re-login', async () => {
    const pve = new TicketServer();
    const c = await ticketClient(pve);
    await c.version();
    pve.valid.clear();
    await Promise.all([c.version(), c.version(), c.version()]);
    expect(pve.logins).toHaveLength(2);
  });

  it('tickets and CSRF tokens never show in error messages', async () => {
    const pve = new TicketServer();
    const c = await ticketClient(pve);
    await c.version();
    const { ticket, csrf } = pve.issued[0]!;
    server!.handler = () => ({ status: 500, reason: `oops ${ticket} ${csrf}` });
    const e = await failure(c.version());
    expect(e.message).not.toContain(ticket);
    expect(e.message).not.toContain(csrf);
  });
});
