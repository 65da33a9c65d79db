import net from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProxmoxClient } from './client.js';
import { ProxmoxError } from './errors.js';
import { fingerprintsEqual, isValidFingerprint, normalizeFingerprint, resolveTlsMode } from './tls.js';
import { ok, startFakePve, testCert, until, type FakePve, type TestCert } from './test-support/fakePve.js';

const TOKEN = { tokenId: 'root@pam!mpc', tokenSecret: '11111111-2222-3333-4444-555555555555' };
const OTHER_FP = 'AA:'.repeat(31) + 'AA';

let cert: TestCert;
let server: FakePve | undefined;
const clients: ProxmoxClient[] = [];

beforeAll(async () => {
  cert = await testCert();
});

afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await server?.close();
  server = undefined;
});

function client(options: Partial<ConstructorParameters<typeof ProxmoxClient>[0]> = {}): ProxmoxClient {
  const c = new ProxmoxClient({ endpoint: server!.url, auth: TOKEN, retry: { limit: 0 }, ...options });
  clients.push(c);
  return c;
}

async function startTls(): Promise<FakePve> {
  server = await startFakePve(() => ok({ version: '8.2.4', release: '8.2', repoid: 'faaf3e21' }), { tls: cert });
  return server;
}

async function failure(p: Promise<unknown>): Promise<ProxmoxError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProxmoxError);
  return e as ProxmoxError;
}

describe('fingerprints', () => {
  it('normalises case and colons', () => {
    const hex = 'ab'.repeat(32);
    expect(normalizeFingerprint(hex)).toBe('AB:'.repeat(31) + 'AB');
    expect(normalizeFingerprint(' ' + 'aB:'.repeat(31) + 'ab ')).toBe('AB:'.repeat(31) + 'AB');
    expect(isValidFingerprint(hex)).toBe(true);
    expect(fingerprintsEqual(hex, 'AB:'.repeat(31) + 'AB')).toBe(true);
  });

  it('rejects what is not a SHA-256', () => {
    expect(() => normalizeFingerprint('AB:CD')).toThrow(/32 hex bytes/);
    expect(isValidFingerprint('zz'.repeat(32))).toBe(false);
    // a SHA-1 fingerprint is 20 bytes: not accepted
    expect(isValidFingerprint('ab'.repeat(20))).toBe(false);
  });

  it('a pin wins over insecure; verify is the default', () => {
    expect(resolveTlsMode({})).toEqual({ mode: 'verify' });
    expect(resolveTlsMode({ insecure: true })).toEqual({ mode: 'insecure' });
    expect(resolveTlsMode({ insecure: true, fingerprint: 'ab'.repeat(32) }).mode).toBe('pinned');
  });
});

describe('TLS against a self-signed server', () => {
  it('verifies by default: refuses with a tls error naming the fingerprint to pin, sends nothing', async () => {
    await startTls();
    const e = await failure(client().version());
    expect(e.kind).toBe('tls');
    expect(e.message).toContain('not trusted');
    expect(e.message).toContain('self-signed');
    expect(e.message).toContain(cert.fingerprint256);
    expect(e.message).toMatch(/then pin it with the fingerprint setting or use insecure mode$/);
    expect(e.details.fingerprint).toBe(cert.fingerprint256);
    expect(e.message).not.toContain('\n');
    expect(server!.requests).toHaveLength(0);
  });

  it('accepts the pinned fingerprint, in any case and without colons', async () => {
    await startTls();
    const pin = cert.fingerprint256.replace(/:/g, '').toLowerCase();
    await expect(client({ fingerprint: pin }).version()).resolves.toMatchObject({ release: '8.2' });
    expect(server!.requests).toHaveLength(1);
  });

  it('refuses a different pin before sending anything, and prints the fingerprint it saw', async () => {
    await startTls();
    const e = await failure(client({ fingerprint: OTHER_FP }).post('/nodes/pve/qemu/100/status/start'));
    expect(e.kind).toBe('tls');
    expect(e.message).toContain('does not match the pinned fingerprint');
    expect(e.message).toContain(`the server presented SHA-256 ${cert.fingerprint256}`);
    expect(e.details.fingerprint).toBe(cert.fingerprint256);
    await until(() => server!.connections === 1);
    expect(server!.requests).toHaveLength(0);
  });

  it('checks the pin on every new connection', async () => {
    await startTls();
    const c = client({ fingerprint: cert.fingerprint256 });
    await c.version();
    server!.handler = () => ok({ version: 'x', release: 'y' });
    await Promise.all([c.version(), c.version(), c.version()]);
    expect(server!.requests).toHaveLength(4);
  });

  it('insecure mode accepts the certificate', async () => {
    await startTls();
    await expect(client({ insecure: true }).version()).resolves.toMatchObject({ version: '8.2.4' });
  });

  it('verify mode with the certificate as CA succeeds (host name matches)', async () => {
    await startTls();
    await expect(client({ ca: cert.cert }).version()).resolves.toMatchObject({ version: '8.2.4' });
  });

  it('verify mode with a CA also accepts the other name in the certificate', async () => {
    await startTls();
    const c = client({ ca: cert.cert, endpoint: server!.url.replace('127.0.0.1', 'localhost') });
    await expect(c.version()).resolves.toMatchObject({ release: '8.2' });
  });

  it('a plain-TCP peer that never finishes the handshake ends in a timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const c = new ProxmoxClient({ endpoint: `https://127.0.0.1:${port}`, auth: TOKEN, retry: { limit: 0 }, insecure: true, timeouts: { connectMs: 200 } });
      clients.push(c);
      const e = await failure(c.version());
      expect(e.kind).toBe('timeout');
      expect(e.message).toBe(
        `could not complete the TLS handshake with 127.0.0.1:${port} within 0.2 s; check the address, port and firewall, or raise the connect timeout`,
      );
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('talking HTTPS to a plain HTTP port is a tls error', async () => {
    server = await startFakePve(() => ok(null));
    const c = client({ endpoint: server.url.replace('http:', 'https:'), insecure: true });
    const e = await failure(c.version());
    expect(e.kind).toBe('tls');
    expect(e.message).toMatch(/TLS handshake with 127\.0\.0\.1:\d+ failed/);
  });
});
