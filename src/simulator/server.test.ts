// The HTTP layer over real HTTPS, with a tiny fake route table (no cluster model).
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:tls';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPrivilege } from './permissions.js';
import { createApiServer, type ApiServer } from './server.js';
import { dieError, paramError, withTotal, type SimRouteTable } from './types.js';

interface Response {
  status: number;
  reason: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  text: string;
  json(): Record<string, unknown>;
}

interface CallOptions {
  headers?: Record<string, string>;
  /** A form body (URL-encoded here) or raw text. */
  form?: Record<string, string>;
  json?: unknown;
  body?: string | Buffer;
}

function call(server: ApiServer, method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string | number> = { ...options.headers };
  let body: Buffer | undefined;
  if (options.form) {
    body = Buffer.from(new URLSearchParams(options.form).toString());
    headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
  } else if (options.json !== undefined) {
    body = Buffer.from(JSON.stringify(options.json));
    headers['Content-Type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    body = Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
  }
  if (body && !headers['Transfer-Encoding']) headers['Content-Length'] ??= body.length;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: server.port, method, path, headers, ca: server.certPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            reason: res.statusMessage ?? '',
            headers: res.headers,
            raw,
            text: raw.toString('utf8'),
            json: () => JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const fakeRoutes: SimRouteTable = {
  'GET /version': () => ({ version: '9.1.2', release: '9.1', repoid: '0123abcd' }),
  'GET /cluster/resources': (req) =>
    [100, 101].filter((vmid) => hasPrivilege(req.principal, `/vms/${vmid}`, 'VM.Audit')).map((vmid) => ({ id: `qemu/${vmid}`, vmid })),
  'GET /cluster/nextid': () => {
    throw paramError({ vmid: 'VM 200 already exists' });
  },
  'GET /nodes/{node}/qemu': (req) => withTotal([{ vmid: 100, template: req.template, authid: req.authid, params: req.params }], 2),
  'POST /nodes/{node}/qemu': (req) => ({ params: req.params, principal: req.principal, authid: req.authid }),
  'GET /nodes/{node}/tasks': () => withTotal([], 0),
  'GET /nodes/{node}/tasks/{upid}/status': (req) => ({ upid: req.params['upid'] }),
  'GET /nodes/{node}/qemu/{vmid}/config': (req) => {
    if (req.params['vmid'] === 999) throw dieError(`Configuration file 'nodes/${req.params['node']}/qemu-server/999.conf' does not exist`);
    return { name: 'web', memory: '2048', 'long-text': 'x'.repeat(3000) };
  },
  'PUT /nodes/{node}/qemu/{vmid}/config': () => {
    throw new Error('unexpected failure\nwith details');
  },
  'DELETE /nodes/{node}/qemu/{vmid}': () => undefined,
  'POST /nodes/{node}/qemu/{vmid}/status/start': (req) => `UPID:${req.params['node']}:00001234:0000ABCD:65A1B2C3:qmstart:${req.params['vmid']}:${req.authid}:`,
  // Must be ignored: the HTTP layer owns authentication.
  'POST /access/ticket': () => 'not the real login',
};

let server: ApiServer;
let rootToken: Record<string, string>;
let auditorToken: Record<string, string>;
let clockMs = Date.now();

beforeAll(async () => {
  server = await createApiServer({ routes: fakeRoutes, clusterName: 'homelab', now: () => clockMs });
  rootToken = { Authorization: `PVEAPIToken=${server.root.tokenId}=${server.root.tokenSecret}` };
  auditorToken = { Authorization: `PVEAPIToken ${server.auditor.tokenId}=${server.auditor.tokenSecret}` };
});
afterAll(() => server.close());

async function login(who: 'root' | 'auditor' = 'root'): Promise<{ ticket: string; csrf: string; data: Record<string, unknown> }> {
  const creds = server[who];
  const res = await call(server, 'POST', '/api2/json/access/ticket', { form: { username: creds.username, password: creds.password } });
  expect(res.status).toBe(200);
  const data = res.json()['data'] as Record<string, unknown>;
  return { ticket: data['ticket'] as string, csrf: data['CSRFPreventionToken'] as string, data };
}

describe('server basics', () => {
  it('listens on 127.0.0.1 over TLS with the certificate whose fingerprint it reports', async () => {
    expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
    expect(server.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const presented = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: server.port, ca: server.certPem, servername: 'localhost' }, () => {
        resolve(socket.getPeerCertificate().fingerprint256);
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(presented).toBe(server.fingerprint);
  });

  it('answers {"data":...} with PVE headers', async () => {
    const res = await call(server, 'GET', '/api2/json/version', { headers: rootToken });
    expect(res.status).toBe(200);
    expect(res.reason).toBe('OK');
    expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(res.headers['server']).toBe('pve-api-daemon/3.0');
    expect(res.headers['cache-control']).toBe('max-age=0');
    expect(res.json()).toEqual({ data: { version: '9.1.2', release: '9.1', repoid: '0123abcd' } });
  });

  it('adds total when the handler sets a non-zero one, and null data for no result', async () => {
    const list = await call(server, 'GET', '/api2/json/nodes/pve1/qemu', { headers: rootToken });
    expect(list.json()).toMatchObject({ total: 2, data: [{ vmid: 100, template: '/nodes/{node}/qemu' }] });
    expect((await call(server, 'GET', '/api2/json/nodes/pve1/tasks', { headers: rootToken })).json()).toEqual({ data: [] });
    expect((await call(server, 'DELETE', '/api2/json/nodes/pve1/qemu/100', { headers: rootToken })).json()).toEqual({ data: null });
  });

  it('gzips large answers for clients that accept it', async () => {
    const res = await call(server, 'GET', '/api2/json/nodes/pve1/qemu/100/config', { headers: { ...rootToken, 'Accept-Encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(res.raw).toString('utf8'))).toMatchObject({ data: { name: 'web' } });
  });

  it('decodes path parameters (UPIDs have colons) and passes who is calling', async () => {
    const upid = 'UPID:pve1:00001234:0000ABCD:65A1B2C3:qmstart:100:root@pam:';
    const res = await call(server, 'GET', `/api2/json/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`, { headers: rootToken });
    expect(res.json()).toEqual({ data: { upid } });
    const list = await call(server, 'GET', '/api2/json/nodes/pve1/qemu', { headers: auditorToken });
    expect(list.json()).toMatchObject({ data: [{ authid: 'auditor@pve!ro' }] });
  });
});

describe('501 and friends', () => {
  it('answers unknown paths and methods like rest_handler', async () => {
    const res = await call(server, 'GET', '/api2/json/foo', { headers: rootToken });
    expect(res.status).toBe(501);
    expect(res.reason).toBe("Method 'GET /foo' not implemented");
    expect(res.json()).toEqual({ data: null, message: "Method 'GET /foo' not implemented" });
    const wrongMethod = await call(server, 'POST', '/api2/json/version', { headers: rootToken });
    expect(wrongMethod.reason).toBe("Method 'POST /version' not implemented");
  });

  it('refuses HEAD and OPTIONS before anything else, with an empty body', async () => {
    for (const method of ['HEAD', 'OPTIONS']) {
      const res = await call(server, method, '/api2/json/version');
      expect(res.status).toBe(501);
      expect(res.reason).toBe(`method '${method}' not available`);
      expect(res.text).toBe('');
    }
  });

  it('answers paths outside the API and other formats with 501', async () => {
    expect((await call(server, 'GET', '/')).reason).toBe("no such file '/'");
    expect((await call(server, 'GET', '/api2')).reason).toBe('no such uri');
    expect((await call(server, 'GET', '/api2/extjs/version', { headers: rootToken })).reason).toBe('no formatter for uri /version, extjs');
  });
});

describe('authentication', () => {
  it('answers 401 No ticket with an empty body', async () => {
    const res = await call(server, 'GET', '/api2/json/version');
    expect(res.status).toBe(401);
    expect(res.reason).toBe('No ticket');
    expect(res.text).toBe('');
  });

  it('logs in with a password: ticket, CSRF token, cap and cluster name', async () => {
    const { ticket, csrf, data } = await login();
    expect(ticket).toMatch(/^PVE:root@pam:[0-9A-F]{8}::\S+$/);
    expect(csrf).toMatch(/^[0-9A-F]{8}:\S{43}$/);
    expect(data).toMatchObject({ username: 'root@pam', clustername: 'homelab', cap: { vms: { 'VM.Allocate': 1 } } });
  });

  it('takes the realm as its own parameter, and a JSON body', async () => {
    const res = await call(server, 'POST', '/api2/json/access/ticket', { json: { username: 'auditor', realm: 'pve', password: server.auditor.password } });
    expect(res.status).toBe(200);
    expect(res.json()['data']).toMatchObject({ username: 'auditor@pve', cap: { vms: { 'VM.Audit': 1 }, access: {} } });
  });

  it('answers a wrong password with 401 authentication failure and a JSON body', async () => {
    const res = await call(server, 'POST', '/api2/json/access/ticket', { form: { username: 'root@pam', password: 'wrong' } });
    expect(res.status).toBe(401);
    expect(res.reason).toBe('authentication failure');
    expect(res.json()).toEqual({ data: null, message: 'authentication failure\n' });
  });

  it('uses the ticket as a cookie (URI-escaped or not) or in the Authorization header', async () => {
    const { ticket } = await login();
    const variants: Record<string, string>[] = [
      { Cookie: `PVEAuthCookie=${encodeURIComponent(ticket)}` },
      { Cookie: `PVEAuthCookie=${ticket}` },
      { Authorization: `PVEAuthCookie=${ticket}` },
    ];
    for (const headers of variants) {
      expect((await call(server, 'GET', '/api2/json/version', { headers })).status).toBe(200);
    }
  });

  it('wants the CSRF token on writes with a ticket, never with an API token', async () => {
    const { ticket, csrf } = await login();
    const cookie = { Cookie: `PVEAuthCookie=${encodeURIComponent(ticket)}` };
    const form = { vmid: '100' };
    const refused = await call(server, 'POST', '/api2/json/nodes/pve1/qemu', { headers: cookie, form });
    expect(refused.status).toBe(401);
    expect(refused.reason).toBe('Permission denied - invalid csrf token');
    expect(refused.text).toBe('');
    expect((await call(server, 'POST', '/api2/json/nodes/pve1/qemu', { headers: { ...cookie, CSRFPreventionToken: csrf }, form })).status).toBe(200);
    expect((await call(server, 'POST', '/api2/json/nodes/pve1/qemu', { headers: rootToken, form })).status).toBe(200);
  });

  it('renews a ticket when it is posted as the password', async () => {
    const { ticket } = await login('auditor');
    const res = await call(server, 'POST', '/api2/json/access/ticket', { form: { username: 'auditor@pve', password: ticket } });
    expect(res.status).toBe(200);
    expect(res.json()['data']).toMatchObject({ username: 'auditor@pve', ticket: expect.stringMatching(/^PVE:auditor@pve:/) });
    // a user's ticket is no password for another user
    expect((await call(server, 'POST', '/api2/json/access/ticket', { form: { username: 'root@pam', password: ticket } })).status).toBe(401);
  });

  it('refuses forged and expired tickets with Authentication failed!', async () => {
    const { ticket } = await login();
    const forged = ticket.replace('root@pam', 'auditor@pve');
    const res = await call(server, 'GET', '/api2/json/version', { headers: { Cookie: `PVEAuthCookie=${forged}` } });
    expect([res.status, res.reason, res.text]).toEqual([401, 'Authentication failed!', '']);

    clockMs += 7200 * 1000;
    try {
      const expired = await call(server, 'GET', '/api2/json/version', { headers: { Cookie: `PVEAuthCookie=${ticket}` } });
      expect([expired.status, expired.reason]).toEqual([401, 'Authentication failed!']);
    } finally {
      clockMs -= 7200 * 1000;
    }
  });

  it('refuses a wrong token secret', async () => {
    const res = await call(server, 'GET', '/api2/json/version', { headers: { Authorization: `PVEAPIToken=${server.root.tokenId}=nope` } });
    expect([res.status, res.reason]).toEqual([401, 'Authentication failed!']);
  });

  it('refuses API tokens on allowtoken:0 endpoints', async () => {
    const res = await call(server, 'POST', '/api2/json/access/ticket', {
      headers: rootToken,
      form: { username: 'root@pam', password: server.root.password },
    });
    expect(res.status).toBe(403);
    expect(res.reason).toBe("URI '/access/ticket' not available with API token, need proper ticket.");
    expect(res.json()).toEqual({ data: null, message: "URI '/access/ticket' not available with API token, need proper ticket.\n" });
  });

  it('answers GET /access/domains without credentials', async () => {
    const res = await call(server, 'GET', '/api2/json/access/domains');
    expect(res.json()['data']).toEqual(
      expect.arrayContaining([expect.objectContaining({ realm: 'pam', type: 'pam' }), expect.objectContaining({ realm: 'pve', type: 'pve' })]),
    );
  });

  it('delays 401 answers when asked to, like PVE', async () => {
    const slow = await createApiServer({ routes: {}, unauthorizedDelayMs: 120 });
    try {
      const started = performance.now();
      expect((await call(slow, 'GET', '/api2/json/version')).status).toBe(401);
      expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    } finally {
      await slow.close();
    }
  });
});

describe('parameters', () => {
  it('reports every verification error at once with PVE messages', async () => {
    const res = await call(server, 'POST', '/api2/json/nodes/pve1/qemu', {
      headers: rootToken,
      form: { vmid: '99', cores: 'two', onboot: 'true', ostype: 'dos', net0: 'virtio,mtu=70000', net32: 'virtio', bogus: '1' },
    });
    expect(res.status).toBe(400);
    expect(res.reason).toBe('Parameter verification failed.');
    expect(res.json()).toEqual({
      data: null,
      message: 'Parameter verification failed.\n',
      errors: {
        vmid: 'invalid format - value does not look like a valid VM ID\n',
        cores: "type check ('integer') failed - got 'two'",
        onboot: "type check ('boolean') failed - got 'true'",
        ostype: "value 'dos' does not have a value in the enumeration 'other, wxp, w2k, w2k3, w2k8, wvista, win7, win8, win10, win11, l24, l26, solaris'",
        net0: 'invalid format - format error\nnet0.mtu: value must have a maximum value of 65520\n',
        net32: 'property is not defined in schema and the schema does not allow additional properties',
        bogus: 'property is not defined in schema and the schema does not allow additional properties',
      },
    });
  });

  it('coerces validated form and JSON parameters for the handler', async () => {
    const form = await call(server, 'POST', '/api2/json/nodes/pve1/qemu', {
      headers: rootToken,
      form: { vmid: '100', cores: '2', onboot: '1', cpulimit: '1.5', net0: 'virtio,bridge=vmbr0', tags: 'a;b' },
    });
    expect(form.json()['data']).toMatchObject({
      params: { node: 'pve1', vmid: 100, cores: 2, onboot: 1, cpulimit: 1.5, net0: 'virtio,bridge=vmbr0', tags: 'a;b' },
      principal: { userid: 'root@pam', tokenid: 'mpc' },
      authid: 'root@pam!mpc',
    });
    const json = await call(server, 'POST', '/api2/json/nodes/pve1/qemu', { headers: rootToken, json: { vmid: 101, onboot: true, start: false } });
    expect(json.json()['data']).toMatchObject({ params: { node: 'pve1', vmid: 101, onboot: 1, start: 0 } });
  });

  it('reads GET parameters from the query string', async () => {
    const res = await call(server, 'GET', '/api2/json/nodes/pve1/qemu?full=1', { headers: rootToken });
    expect(res.json()).toMatchObject({ data: [{ params: { node: 'pve1', full: 1 } }] });
    expect((await call(server, 'GET', '/api2/json/nodes/pve1/qemu?full=yes', { headers: rootToken })).json()['errors']).toEqual({
      full: "type check ('boolean') failed - got 'yes'",
    });
  });

  it('refuses a path parameter repeated with another value', async () => {
    const res = await call(server, 'POST', '/api2/json/nodes/pve1/qemu', { headers: rootToken, form: { node: 'pve2', vmid: '100' } });
    expect(res.status).toBe(400);
    expect(res.json()['errors']).toEqual({ node: 'duplicate parameter (already defined in URI) with conflicting values!' });
    expect((await call(server, 'POST', '/api2/json/nodes/pve1/qemu', { headers: rootToken, form: { node: 'pve1', vmid: '100' } })).status).toBe(200);
  });

  it('validates URL-decoded path parameters', async () => {
    const res = await call(server, 'GET', '/api2/json/nodes/pve%zz/qemu', { headers: rootToken });
    expect(res.status).toBe(400);
    expect(res.json()['errors']).toEqual({ node: 'invalid format - value does not look like a valid node name\n' });
  });
});

describe('bad input never crashes the server', () => {
  it('answers a malformed JSON body with 501 and the parser error as reason', async () => {
    const res = await call(server, 'POST', '/api2/json/nodes/pve1/qemu', {
      headers: { ...rootToken, 'Content-Type': 'application/json' },
      body: '{"vmid":',
    });
    expect(res.status).toBe(501);
    expect(res.reason).toMatch(/^malformed JSON string/);
    expect(res.text).toBe('');
  });

  it('answers a body over 64 KiB, a body on GET, a foreign content type and chunked bodies with PVE errors', async () => {
    const big = await call(server, 'POST', '/api2/json/nodes/pve1/qemu', { headers: rootToken, form: { vmid: '100', description: 'x'.repeat(70_000) } });
    expect([big.status, big.reason]).toEqual([501, 'for data too large']);
    const getBody = await call(server, 'GET', '/api2/json/version', { headers: rootToken, body: 'a=1' });
    expect([getBody.status, getBody.reason]).toEqual([501, "Unexpected content for method 'GET'"]);
    const xml = await call(server, 'POST', '/api2/json/nodes/pve1/qemu', { headers: { ...rootToken, 'Content-Type': 'text/xml' }, body: '<a/>' });
    expect([xml.status, xml.reason]).toEqual([506, "upload 'Content-Type 'text/xml' not implemented"]);
    const chunked = await call(server, 'POST', '/api2/json/nodes/pve1/qemu', { headers: { ...rootToken, 'Transfer-Encoding': 'chunked' }, body: 'vmid=100' });
    expect([chunked.status, chunked.reason]).toEqual([501, 'chunked transfer encoding not supported']);
    expect((await call(server, 'GET', '/api2/json/version', { headers: rootToken })).status).toBe(200);
  });
});

describe('permissions', () => {
  it('answers 403 with the ACL path and privilege', async () => {
    const res = await call(server, 'POST', '/api2/json/nodes/pve1/qemu/100/status/start', { headers: auditorToken });
    expect(res.status).toBe(403);
    expect(res.reason).toBe('Permission check failed (/vms/100, VM.PowerMgmt)');
    expect(res.json()).toEqual({ data: null, message: 'Permission check failed (/vms/100, VM.PowerMgmt)\n' });
    expect((await call(server, 'POST', '/api2/json/nodes/pve1/qemu/100/status/start', { headers: rootToken })).json()['data']).toMatch(
      /^UPID:pve1:.*:qmstart:100:root@pam!mpc:$/,
    );
  });

  it('checks permissions before parameters, like PVE', async () => {
    const res = await call(server, 'POST', '/api2/json/nodes/pve1/qemu/abc/status/start', { headers: auditorToken });
    expect(res.reason).toBe('Permission check failed (/vms/abc, VM.PowerMgmt)');
  });

  it('lets the auditor read, and handlers filter lists with hasPrivilege', async () => {
    expect((await call(server, 'GET', '/api2/json/nodes/pve1/qemu/100/config', { headers: auditorToken })).status).toBe(200);
    expect((await call(server, 'GET', '/api2/json/cluster/resources', { headers: auditorToken })).json()['data']).toHaveLength(2);
  });
});

describe('handler errors', () => {
  it('maps a SimHttpError to its status with the message as reason phrase', async () => {
    const res = await call(server, 'GET', '/api2/json/nodes/pve1/qemu/999/config', { headers: rootToken });
    expect(res.status).toBe(500);
    expect(res.reason).toBe("Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist");
    expect(res.json()).toEqual({ data: null, message: "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist\n" });
    const param = await call(server, 'GET', '/api2/json/cluster/nextid', { headers: rootToken });
    expect(param.json()).toEqual({ data: null, errors: { vmid: 'VM 200 already exists' }, message: 'Parameter verification failed.\n' });
  });

  it('maps any other exception to 500 with the first line as reason phrase', async () => {
    const res = await call(server, 'PUT', '/api2/json/nodes/pve1/qemu/100/config', { headers: rootToken, form: { cores: '2' } });
    expect(res.status).toBe(500);
    expect(res.reason).toBe('unexpected failure');
    expect(res.json()).toEqual({ data: null, message: 'unexpected failure\nwith details\n' });
  });
});

describe('faults', () => {
  async function withFaults(patch: Parameters<ApiServer['faults']['set']>[0], body: () => Promise<void>): Promise<void> {
    const before = server.faults.get();
    server.faults.set(patch);
    try {
      await body();
    } finally {
      server.faults.set(before);
    }
  }

  it('adds latency before answering', async () => {
    await withFaults({ latencyMs: 150 }, async () => {
      const started = performance.now();
      expect((await call(server, 'GET', '/api2/json/version', { headers: rootToken })).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    });
  });

  it('fails requests with 500 simulated internal error', async () => {
    await withFaults({ errorRate: 1 }, async () => {
      const res = await call(server, 'GET', '/api2/json/version', { headers: rootToken });
      expect([res.status, res.reason]).toEqual([500, 'simulated internal error']);
      expect(res.json()).toEqual({ data: null, message: 'simulated internal error\n' });
    });
  });

  it('resets connections', async () => {
    await withFaults({ resetRate: 1 }, async () => {
      await expect(call(server, 'GET', '/api2/json/version', { headers: rootToken })).rejects.toThrow(/socket hang up|ECONNRESET/);
    });
  });

  it('sends a 200 with a truncated JSON body', async () => {
    await withFaults({ malformedRate: 1 }, async () => {
      const res = await call(server, 'GET', '/api2/json/version', { headers: rootToken });
      expect(res.status).toBe(200);
      expect(() => res.json()).toThrow();
      expect(res.text.startsWith('{"data":')).toBe(true);
    });
  });

  it('answers 595 No route to host for an offline node, with an empty body', async () => {
    await withFaults({ offlineNodes: ['pve2'] }, async () => {
      const res = await call(server, 'GET', '/api2/json/nodes/pve2/qemu', { headers: rootToken });
      expect([res.status, res.reason, res.text]).toEqual([595, 'No route to host', '']);
      expect((await call(server, 'GET', '/api2/json/nodes/pve1/qemu', { headers: rootToken })).status).toBe(200);
      expect(server.faults.isNodeOffline('pve2')).toBe(true);
    });
  });

  it('shortens the ticket lifetime', async () => {
    const { ticket } = await login();
    await withFaults({ ticketLifetimeSec: 60 }, async () => {
      clockMs += 61_000;
      try {
        expect((await call(server, 'GET', '/api2/json/version', { headers: { Cookie: `PVEAuthCookie=${ticket}` } })).status).toBe(401);
      } finally {
        clockMs -= 61_000;
      }
    });
  });
});

describe('control endpoint', () => {
  it('reads and changes faults from outside, with the root token only', async () => {
    expect((await call(server, 'GET', '/_simulator/faults')).status).toBe(401);
    expect((await call(server, 'GET', '/_simulator/faults', { headers: auditorToken })).status).toBe(401);
    const read = await call(server, 'GET', '/_simulator/faults', { headers: rootToken });
    expect(read.json()['data']).toMatchObject({ latencyMs: 0, errorRate: 0, offlineNodes: [] });
    const changed = await call(server, 'PUT', '/_simulator/faults', { headers: rootToken, json: { offlineNodes: ['pve3'] } });
    expect(changed.json()['data']).toMatchObject({ offlineNodes: ['pve3'] });
    expect(server.faults.isNodeOffline('pve3')).toBe(true);
    const bad = await call(server, 'PUT', '/_simulator/faults', { headers: rootToken, json: { errorRate: 7 } });
    expect([bad.status, bad.json()['message']]).toEqual([400, 'errorRate must be a number from 0 to 1']);
    await call(server, 'PUT', '/_simulator/faults', { headers: rootToken, json: { offlineNodes: [] } });
    expect((await call(server, 'GET', '/_simulator/nope', { headers: rootToken })).status).toBe(404);
  });

  it('expires every ticket issued so far', async () => {
    const { ticket } = await login();
    const cookie = { Cookie: `PVEAuthCookie=${ticket}` };
    expect((await call(server, 'GET', '/api2/json/version', { headers: cookie })).status).toBe(200);
    expect((await call(server, 'POST', '/_simulator/expire-tickets', { headers: rootToken })).status).toBe(200);
    const res = await call(server, 'GET', '/api2/json/version', { headers: cookie });
    expect([res.status, res.reason]).toEqual([401, 'Authentication failed!']);
    const again = await login();
    expect((await call(server, 'GET', '/api2/json/version', { headers: { Cookie: `PVEAuthCookie=${again.ticket}` } })).status).toBe(200);
  });
});
