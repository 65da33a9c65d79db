import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProxmoxClient, type ProxmoxClientOptions } from './client.js';
import { ProxmoxError } from './errors.js';
import { DEFAULT_RETRY, isRetryableFailure, normalizeEndpoint, retryDelayMs } from './http.js';
import { ok, pveError, startFakePve, until, type FakePve, type Handler } from './test-support/fakePve.js';

const SECRET = '0a1b2c3d-aaaa-bbbb-cccc-ddddeeeeffff';
const TOKEN = { tokenId: 'root@pam!mpc', tokenSecret: SECRET };
const FAST_RETRY = { limit: 2, baseDelayMs: 1, maxDelayMs: 4 };

let server: FakePve | undefined;
const clients: ProxmoxClient[] = [];

afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await server?.close();
  server = undefined;
});

async function setup(handler: Handler, options: Partial<ProxmoxClientOptions> = {}): Promise<ProxmoxClient> {
  server = await startFakePve(handler);
  const c = new ProxmoxClient({ endpoint: server.url, auth: TOKEN, retry: FAST_RETRY, ...options });
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
  expect(pe.message).not.toMatch(/[\r\n]/);
  expect(pe.message).not.toContain(SECRET);
  return pe;
}

describe('endpoint URL', () => {
  it('adds https, port 8006 and /api2/json as needed', () => {
    expect(normalizeEndpoint('pve.example').href).toBe('https://pve.example:8006/api2/json');
    expect(normalizeEndpoint('pve.example:8007').href).toBe('https://pve.example:8007/api2/json');
    expect(normalizeEndpoint('https://pve.example:8006/').href).toBe('https://pve.example:8006/api2/json');
    expect(normalizeEndpoint('https://pve.example:8006/api2/json').href).toBe('https://pve.example:8006/api2/json');
    expect(normalizeEndpoint('https://proxy.example/pve').href).toBe('https://proxy.example/pve/api2/json');
    expect(normalizeEndpoint('http://127.0.0.1:1234').href).toBe('http://127.0.0.1:1234/api2/json');
    expect(() => normalizeEndpoint('ftp://x')).toThrow(/unsupported scheme/);
    expect(() => normalizeEndpoint('')).toThrow(/empty/);
  });

  it('misconfiguration is a ProxmoxError of kind parameter', () => {
    const kindOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof ProxmoxError ? e.kind : 'other';
      }
      return undefined;
    };
    expect(kindOf(() => normalizeEndpoint('http://[bad'))).toBe('parameter');
    expect(kindOf(() => new ProxmoxClient({ endpoint: 'https://pve', auth: TOKEN, fingerprint: 'AB:CD' }))).toBe('parameter');
    expect(kindOf(() => new ProxmoxClient({ endpoint: 'http://pve', auth: TOKEN, fingerprint: 'ab'.repeat(32) }))).toBe('parameter');
    expect(kindOf(() => new ProxmoxClient({ endpoint: 'https://pve', auth: { tokenId: 'root', tokenSecret: 'x' } }))).toBe('parameter');
  });
});

describe('error mapping', () => {
  it('401 with a token: auth, whatever the reason phrase', async () => {
    for (const reason of ['Authentication failed!', 'invalid token value!', "no such token 'x'"]) {
      const c = await setup(() => ({ status: 401, reason }));
      const e = await failure(c.version());
      expect(e.kind).toBe('auth');
      expect(e.status).toBe(401);
      expect(e.message).toBe(
        `API token root@pam!mpc was rejected (${reason}); check the token id and secret, and that the token still exists and has not expired`,
      );
      clients.splice(0).forEach((x) => x.close());
      await server!.close();
    }
  });

  it('403 permission check: parses path and privilege', async () => {
    const c = await setup(() => pveError(403, 'Permission check failed (/vms/100, VM.PowerMgmt)'));
    const e = await failure(c.qemu.start('pve1', 100));
    expect(e.kind).toBe('permission');
    expect(e.details.permissionPath).toBe('/vms/100');
    expect(e.details.privilege).toBe('VM.PowerMgmt');
    expect(e.message).toBe(
      'permission denied: root@pam!mpc lacks VM.PowerMgmt on /vms/100 (needed for POST /nodes/pve1/qemu/100/status/start); ask an administrator to grant it or use another account',
    );
  });

  it('403 from an older server (reason phrase only) is parsed the same way', async () => {
    const c = await setup(() => ({ status: 403, reason: 'Permission check failed (/, Sys.Audit)' }));
    const e = await failure(c.clusterStatus());
    expect(e.kind).toBe('permission');
    expect(e.details).toMatchObject({ permissionPath: '/', privilege: 'Sys.Audit' });
  });

  it('403 for a ticket-only endpoint says to log in with a password', async () => {
    const c = await setup(() => pveError(403, "URI '/access/users/x/token/y' not available with API token, need proper ticket."));
    const e = await failure(c.post('/access/users/x/token/y'));
    expect(e.kind).toBe('permission');
    expect(e.message).toMatch(/cannot be used with an API token .*log in with a user name and password instead$/);
  });

  it('400: parameter error naming the fields (modern and legacy bodies)', async () => {
    const c = await setup(() => pveError(400, 'Parameter verification failed.', { vmid: 'VM 200 already exists', cores: 'value must be at least 1' }));
    const e = await failure(c.qemu.create('pve1', { vmid: 200, cores: 0 }));
    expect(e.kind).toBe('parameter');
    expect(e.details.errors).toEqual({ vmid: 'VM 200 already exists', cores: 'value must be at least 1' });
    expect(e.message).toBe(
      'invalid parameters for POST /nodes/pve1/qemu: vmid: VM 200 already exists; cores: value must be at least 1; fix them and try again',
    );
    server!.handler = () => pveError(400, 'Parameter verification failed.', { vmid: 'VM 200 already exists' }, { legacy: true });
    const legacy = await failure(c.nextId(200));
    expect(legacy.kind).toBe('parameter');
    expect(legacy.message).toBe('invalid parameters for GET /cluster/nextid: vmid: VM 200 already exists; fix it and try again');
  });

  it('PVE 500 "does not exist" and 404 are not-found (and not retried)', async () => {
    const c = await setup(() => pveError(500, "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist"));
    const e = await failure(c.qemu.config('pve1', 999));
    expect(e.kind).toBe('not-found');
    expect(e.message).toBe(
      "not found: Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist (GET /nodes/pve1/qemu/999/config); check the node, id or name",
    );
    expect(server!.requests).toHaveLength(1);
    server!.handler = () => ({ status: 404, reason: 'Not Found' });
    expect((await failure(c.get('/nodes/pve1/nothing'))).kind).toBe('not-found');
  });

  it('404 on a path every PVE serves: the address does not look like a PVE API', async () => {
    const c = await setup(() => ({ status: 404, reason: 'Not Found', raw: '<html>404 page not found</html>' }));
    const e = await failure(c.version());
    expect(e.kind).toBe('not-found');
    expect(e.message).toMatch(
      /^GET \/version answered 404 \(Not Found\), yet every PVE API serves it: 127\.0\.0\.1:\d+ does not look like a PVE API \(wrong port or path\?\); use the node's address with port 8006/,
    );
    for (const call of [() => c.nodes(), () => c.clusterResources(), () => c.nextId()]) {
      expect((await failure(call())).message).toContain('does not look like a PVE API (wrong port or path?)');
    }
    // elsewhere a 404 is about the object
    const vm = await failure(c.qemu.config('pve1', 100));
    expect(vm.message).toBe('not found: /nodes/pve1/qemu/100/config does not exist (GET /nodes/pve1/qemu/100/config); check the node, id or name');
  });

  it('595/596: node-unreachable naming the node from the path', async () => {
    const c = await setup(() => ({ status: 595, reason: 'No route to host' }));
    const e = await failure(c.nodeStatus('pve3'));
    expect(e.kind).toBe('node-unreachable');
    expect(e.details.node).toBe('pve3');
    expect(e.message).toBe(
      'node pve3 is unreachable (595 No route to host): the PVE node you are connected to could not forward GET /nodes/pve3/status; check that pve3 is up and in the cluster, or connect to another node',
    );
    expect(server!.requests).toHaveLength(1); // not retried
    server!.handler = () => ({ status: 596, reason: 'Broken pipe' });
    expect((await failure(c.qemu.list('pve2'))).details.node).toBe('pve2');
  });

  it('other 5xx: server error from the JSON message, else the reason phrase', async () => {
    const c = await setup(() => pveError(500, 'got timeout'), { retry: { limit: 0 } });
    const e = await failure(c.clusterResources());
    expect(e.kind).toBe('server');
    expect(e.message).toBe(
      "server error 500 on GET /cluster/resources (got timeout); try again, and if it persists check the node's pveproxy/pvedaemon logs",
    );
    server!.handler = () => ({ status: 500, reason: 'cfs-lock timeout', json: { data: null } });
    expect((await failure(c.clusterResources())).details.serverMessage).toBe('cfs-lock timeout');
    server!.handler = () => pveError(501, "Method 'GET /foo' not implemented");
    const e501 = await failure(c.get('/foo'));
    expect(e501.kind).toBe('server');
    expect(e501.message).toBe("GET /foo is not implemented by this server (Method 'GET /foo' not implemented); check the path and method, or this PVE version may not have the feature");
  });

  it('untrusted text from the server is flattened: no escapes, no newlines', async () => {
    const c = await setup(() => ({ status: 500, reason: 'boom', json: { data: null, message: 'line one\n\x1b[31mred\x1b[0m\tline two\n' } }), {
      retry: { limit: 0 },
    });
    const e = await failure(c.version());
    expect(e.details.serverMessage).toBe('line one red line two');
    expect(e.message).not.toContain('\x1b');
  });

  it('protocol: malformed JSON and a body without data', async () => {
    const c = await setup(() => ({ raw: '{"data": [1,2', headers: { 'content-type': 'application/json' } }), { retry: { limit: 0 } });
    const e = await failure(c.version());
    expect(e.kind).toBe('protocol');
    expect(e.message).toMatch(/^malformed response to GET \/version from 127\.0\.0\.1:\d+: the body is not valid JSON; /);
    server!.handler = () => ({ json: { result: 1 } });
    const e2 = await failure(c.version());
    expect(e2.kind).toBe('protocol');
    expect(e2.message).toContain('the body has no "data" field');
    server!.handler = () => ok('not an object');
    expect((await failure(c.version())).kind).toBe('protocol');
  });

  it('network: connection refused names host and port', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const c = new ProxmoxClient({ endpoint: `http://127.0.0.1:${port}`, auth: TOKEN, retry: FAST_RETRY });
    clients.push(c);
    const e = await failure(c.version());
    expect(e.kind).toBe('network');
    expect(e.details.code).toBe('ECONNREFUSED');
    expect(e.message).toBe(
      `cannot reach 127.0.0.1:${port} (connection refused, ECONNREFUSED) for GET /version; check the host and port (PVE: 8006) and that pveproxy is running`,
    );
  });

  it('network: unknown host', async () => {
    const c = new ProxmoxClient({ endpoint: 'http://pve.does-not-exist.invalid:8006', auth: TOKEN, retry: { limit: 0 } });
    clients.push(c);
    const e = await failure(c.version());
    expect(e.kind).toBe('network');
    expect(e.message).toContain('pve.does-not-exist.invalid:8006');
  });

  it('network: a reset connection on a POST is reported, not retried', async () => {
    const c = await setup(() => ({ reset: true }));
    const e = await failure(c.qemu.start('pve1', 100));
    expect(e.kind).toBe('network');
    expect(e.details.code).toBe('ECONNRESET');
    expect(server!.requests).toHaveLength(1);
  });

  it('the error object carries no secret anywhere (no library error with headers attached)', async () => {
    const c = await setup(() => ({ status: 500, reason: `leaked PVEAPIToken=root@pam!mpc=${SECRET}` }), { retry: { limit: 0 } });
    const e = await failure(c.version());
    expect(JSON.stringify(e.details)).not.toContain(SECRET);
    expect(String(e.details.cause ?? '')).not.toContain(SECRET);
    expect(e.message).toContain('***');
  });
});

describe('secrets in messages and stack traces', () => {
  it('server text is masked piece by piece; the stack and the cause carry no secret', async () => {
    const c = await setup(() => ({ status: 500, reason: `echo ${SECRET}`, json: { data: null, message: `leaked PVEAPIToken=root@pam!mpc=${SECRET}\n` } }), {
      retry: { limit: 0 },
    });
    const e = await failure(c.version());
    expect(e.message).toBe("server error 500 on GET /version (leaked ***); try again, and if it persists check the node's pveproxy/pvedaemon logs");
    expect(e.stack).toBeDefined();
    expect(e.stack).not.toContain(SECRET);
    expect(e.stack).toContain(e.message);
  });

  it('a library error that quotes a secret: masked in message, cause and stack', async () => {
    // got's parse error quotes the URL, which here carries the secret as a path segment
    const c = await setup(() => ({ raw: '{"da' }), { retry: { limit: 0 } });
    const e = await failure(c.get(`/nodes/${SECRET}/status`));
    expect(e.kind).toBe('protocol');
    expect(e.message).toMatch(/^malformed response to GET \/nodes\/\*\*\*\/status from /);
    expect(e.stack).not.toContain(SECRET);
    const cause = e.details.cause as Error;
    expect(cause.message).toContain('/nodes/***/status');
    expect(cause.stack).not.toContain(SECRET);
    expect(JSON.stringify(e.details)).not.toContain(SECRET);
  });

  it('our own wording is never masked, even when it contains a secret', async () => {
    // the token secret happens to be a word of our message templates
    server = await startFakePve(() => ({ status: 401, reason: 'no such token' }));
    const c = new ProxmoxClient({ endpoint: server.url, auth: { tokenId: 'root@pam!mpc', tokenSecret: 'token' }, retry: { limit: 0 } });
    clients.push(c);
    const e = await failure(c.version());
    expect(e.message).toBe(
      'API token root@pam!mpc was rejected (no such ***); check the token id and secret, and that the token still exists and has not expired',
    );
    expect(e.stack).toContain(e.message);
  });

  it('a path shows a secret segment masked, but not a secret inside a segment', async () => {
    server = await startFakePve(() => pveError(500, 'boom'));
    const c = new ProxmoxClient({ endpoint: server.url, auth: { tokenId: 'root@pam!mpc', tokenSecret: 'root' }, retry: { limit: 0 } });
    clients.push(c);
    expect((await failure(c.get('/access/users/root@pam'))).message).toContain('GET /access/users/root@pam (boom)');
    expect((await failure(c.get('/access/users/root'))).message).toContain('GET /access/users/*** (boom)');
  });
});

describe('success is a 2xx with a PVE envelope', () => {
  it('a redirect is not followed and is not a success: protocol error naming the Location and the endpoint to use', async () => {
    let target = '';
    const c = await setup(() => ({ status: 301, reason: 'Moved Permanently', headers: { location: target } }));
    target = `https://127.0.0.1:${server!.port}/api2/json/nodes/pve1/qemu/100/config`;
    const e = await failure(c.qemu.updateConfig('pve1', 100, { cores: 2 }));
    expect(e.kind).toBe('protocol');
    expect(e.status).toBe(301);
    expect(e.details.location).toBe(target);
    expect(e.message).toBe(
      `PUT /nodes/pve1/qemu/100/config was redirected (301) to ${target}: the endpoint redirects instead of serving the PVE API; use https://127.0.0.1:${server!.port} as the endpoint`,
    );
    expect(server!.requests).toHaveLength(1); // not followed, not retried
  });

  it('a relative redirect to a login page, and one without a Location', async () => {
    const c = await setup(() => ({ status: 302, reason: 'Found', headers: { location: '/login?next=%2Fapi2%2Fjson&token=abc' } }));
    const e = await failure(c.version());
    expect(e.kind).toBe('protocol');
    expect(e.message).toBe(
      `GET /version was redirected (302) to http://127.0.0.1:${server!.port}/login: the endpoint redirects instead of serving the PVE API; use the node's address with port 8006, e.g. https://pve.example:8006`,
    );
    expect(server!.requests).toHaveLength(1);
    server!.handler = () => ({ status: 307, reason: 'Temporary Redirect', json: { data: { looks: 'fine' } } });
    const bare = await failure(c.qemu.start('pve1', 100));
    expect(bare.kind).toBe('protocol');
    expect(bare.message).toMatch(/^POST \/nodes\/pve1\/qemu\/100\/status\/start answered with a redirect \(307\) but no Location; /);
  });

  it('an empty body is a protocol error, not success: a write is not retried, a read is', async () => {
    const c = await setup(() => ({ status: 200 }));
    const put = await failure(c.qemu.updateConfig('pve1', 100, { cores: 2 }));
    expect(put.kind).toBe('protocol');
    expect(put.message).toMatch(/^malformed response to PUT \/nodes\/pve1\/qemu\/100\/config from 127\.0\.0\.1:\d+: the body is empty; the server may have carried it out/);
    expect(server!.requests).toHaveLength(1);
    server!.requests.length = 0;
    server!.handler = () => ({ status: 204, reason: 'No Content' });
    expect((await failure(c.version())).message).toContain('the body is empty');
    expect(server!.requests).toHaveLength(3);
  });
});

describe('compression', () => {
  it('sends no Accept-Encoding by default (the server answers plain), and asks for gzip with compression: true', async () => {
    const plain = await setup(() => ok({ version: '8.4.1', release: '8.4', repoid: 'x' }));
    await plain.version();
    expect(server!.requests[0]!.headers['accept-encoding']).toBeUndefined();
    clients.splice(0).forEach((x) => x.close());
    await server!.close();
    const gz = await setup(() => ok({ version: '8.4.1', release: '8.4', repoid: 'x' }), { compression: true });
    await gz.version();
    expect(server!.requests[0]!.headers['accept-encoding']).toMatch(/gzip/);
  });
});

describe('timeouts and cancellation', () => {
  it('response timeout -> kind timeout with the limit in the message', async () => {
    const c = await setup(() => ({ hang: true }), { retry: { limit: 0 }, timeouts: { responseMs: 100 } });
    const e = await failure(c.clusterResources());
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/^no response from 127\.0\.0\.1:\d+ within 0\.1 s for GET \/cluster\/resources; /);
  });

  it('a timed-out GET is retried, a timed-out POST is not', async () => {
    const c = await setup(() => ({ hang: true }), { timeouts: { responseMs: 50 } });
    const get = await failure(c.version());
    expect(get.kind).toBe('timeout');
    expect(get.message).toMatch(/^no response from 127\.0\.0\.1:\d+ within 0\.1 s \(3 attempts\) for GET \/version; /);
    expect(server!.requests).toHaveLength(3);
    server!.requests.length = 0;
    const post = await failure(c.qemu.start('pve1', 100));
    expect(post.kind).toBe('timeout');
    expect(post.message).not.toContain('attempts');
    expect(post.message).toMatch(/for POST \/nodes\/pve1\/qemu\/100\/status\/start; the server may have carried it out: check \(e\.g\. the task list\) before repeating it$/);
    expect(server!.requests).toHaveLength(1);
  });

  it('an AbortSignal cancels a request in flight', async () => {
    const c = await setup(() => ({ hang: true }));
    const controller = new AbortController();
    const pending = c.version({ signal: controller.signal });
    await until(() => server!.requests.length === 1);
    controller.abort();
    const e = await failure(pending);
    expect(e.kind).toBe('cancelled');
    expect(e.message).toBe('GET /version was cancelled');
  });

  it('an already-aborted signal sends nothing', async () => {
    const c = await setup(() => ok({}));
    const e = await failure(c.version({ signal: AbortSignal.abort() }));
    expect(e.kind).toBe('cancelled');
    expect(server!.requests).toHaveLength(0);
  });

  it('abort during the retry backoff stops retrying', async () => {
    const c = await setup(() => pveError(503, 'busy'), { retry: { limit: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 } });
    const controller = new AbortController();
    const pending = c.version({ signal: controller.signal });
    await until(() => server!.requests.length === 1);
    controller.abort();
    expect((await failure(pending)).kind).toBe('cancelled');
    expect(server!.requests).toHaveLength(1);
  });
});

describe('retries', () => {
  it('GET is retried on 5xx and resets, up to the limit, then succeeds', async () => {
    let n = 0;
    const retries: number[] = [];
    const c = await setup(
      () => {
        n += 1;
        if (n === 1) return { reset: true };
        if (n === 2) return pveError(503, 'Service Unavailable');
        return ok({ version: '8.2.4', release: '8.2' });
      },
      { onRetry: (info) => retries.push(info.retryNumber) },
    );
    await expect(c.version()).resolves.toMatchObject({ release: '8.2' });
    expect(server!.requests).toHaveLength(3);
    expect(retries).toEqual([1, 2]);
  });

  it('GET gives up after limit+1 attempts with the last error', async () => {
    const c = await setup(() => pveError(502, 'Bad Gateway'));
    const e = await failure(c.nodes());
    expect(e.kind).toBe('server');
    expect(server!.requests).toHaveLength(3);
  });

  it('a malformed body on GET is retried', async () => {
    let n = 0;
    const c = await setup(() => (++n === 1 ? { raw: '{"da' } : ok([])));
    await expect(c.nodes()).resolves.toEqual([]);
    expect(server!.requests).toHaveLength(2);
  });

  it('POST, PUT and DELETE are never retried', async () => {
    const c = await setup(() => pveError(503, 'Service Unavailable'));
    await failure(c.qemu.start('pve1', 100));
    await failure(c.qemu.updateConfig('pve1', 100, { cores: 2 }));
    await failure(c.qemu.delete('pve1', 100));
    expect(server!.requests.map((r) => r.method)).toEqual(['POST', 'PUT', 'DELETE']);
  });

  it('501, 4xx and 595 are not retried', async () => {
    const c = await setup(() => pveError(501, 'not implemented'));
    await failure(c.version());
    server!.handler = () => pveError(400, 'Parameter verification failed.', { x: 'bad' });
    await failure(c.version());
    server!.handler = () => ({ status: 595, reason: 'Connection refused' });
    await failure(c.nodeStatus('pve2'));
    expect(server!.requests).toHaveLength(3);
  });

  it('backoff is exponential, jittered and bounded', () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    const low = { ...policy, random: () => 0 };
    const high = { ...policy, random: () => 0.999999 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, low))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, high))).toEqual([100, 200, 400, 800, 1000]);
    for (let n = 1; n < 30; n++) {
      const d = retryDelayMs(n, policy);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(1000);
    }
  });

  it('classifies failures', () => {
    const http = (statusCode: number, statusMessage = '') => ({ name: 'HTTPError', response: { statusCode, statusMessage } });
    expect(isRetryableFailure(http(500, 'got timeout'))).toBe(true);
    expect(isRetryableFailure(http(500, "Configuration file 'x' does not exist"))).toBe(false);
    expect(isRetryableFailure(http(503))).toBe(true);
    expect(isRetryableFailure(http(501))).toBe(false);
    expect(isRetryableFailure(http(595))).toBe(false);
    expect(isRetryableFailure(http(401))).toBe(false);
    expect(isRetryableFailure({ name: 'TimeoutError', code: 'ETIMEDOUT' })).toBe(true);
    expect(isRetryableFailure({ name: 'RequestError', code: 'ECONNRESET' })).toBe(true);
    expect(isRetryableFailure({ name: 'RequestError', code: 'ENOTFOUND' })).toBe(false);
    expect(isRetryableFailure({ name: 'RequestError', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })).toBe(false);
  });
});
