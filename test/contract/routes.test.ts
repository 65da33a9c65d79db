// The simulator serves exactly SERVED_ENDPOINTS (no more, no fewer), and like PVE it refuses
// a parameter the official schema does not declare for the endpoint, before the handler runs.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessRoutes } from '../../src/simulator/accessRoutes.js';
import { createAccounts, createAuthority } from '../../src/simulator/auth.js';
import { createCluster, createClusterRoutes } from '../../src/simulator/cluster/index.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { SERVED_ENDPOINTS } from '../../src/simulator/servedEndpoints.js';
import { indexSchema, type SchemaNode } from '../../scripts/pveSchema.js';
import { apiPath, callApi, getData, HOMELAB, listTasks, schemaOf, type ApiRequest } from './simApi.js';

const servedKeys = SERVED_ENDPOINTS.map((e) => `${e.method} ${e.path}`);

describe('the route table', () => {
  // What server.ts serves: the cluster's routes, then the HTTP layer's own access routes
  // (POST /access/ticket, GET /access/domains) on top, exactly as createApiServer merges them.
  const cluster = createCluster({ scenario: 'homelab', timeScale: 0.01 });
  afterAll(() => cluster.dispose());
  const authority = createAuthority({ accounts: createAccounts().list, ticketLifetimeSec: () => 7200 });
  const table = { ...createClusterRoutes(cluster), ...createAccessRoutes(authority) };
  const tableKeys = Object.keys(table);

  it('has a handler for every served endpoint', () => {
    expect(servedKeys.filter((k) => !tableKeys.includes(k))).toEqual([]);
  });

  it('has no handler for an endpoint that is not served', () => {
    expect(tableKeys.filter((k) => !servedKeys.includes(k))).toEqual([]);
  });

  it('is the same set both ways', () => {
    expect([...tableKeys].sort()).toEqual([...servedKeys].sort());
  });
});

// ---- over HTTP -----------------------------------------------------------------------------

const UNDECLARED = 'contract-undeclared';
const NOT_IN_SCHEMA = 'property is not defined in schema and the schema does not allow additional properties';

/** Endpoints whose official schema has no `properties` at all. PVE's check_prop only walks
 * an object that has properties, so these accept (and ignore) any parameter:
 *   GET /access/domains, GET /version, GET /cluster/status, GET /cluster/tasks, GET /nodes */
const ACCEPTS_ANYTHING = ['GET /access/domains', 'GET /version', 'GET /cluster/status', 'GET /cluster/tasks', 'GET /nodes'];

/** Values for the parameters an endpoint requires besides its path parameters, so that the
 * undeclared parameter is the only thing validation objects to. */
const REQUIRED_VALUES: Record<string, string> = {
  username: 'root@pam',
  password: 'not-the-password',
  vmid: '990',
  newid: '991',
  target: 'pve2',
  snapname: 'contract',
  poolid: 'contract',
  ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
  disk: 'scsi0',
  size: '+1G',
};
/** Where a container's parameter takes other values than a VM's (`disk` names a mount point). */
const REQUIRED_LXC_VALUES: Record<string, string> = { disk: 'rootfs' };

let sim: SimulatorHandle;
let stateBefore = '';
/** Path parameter values from the homelab: real guests of the right kind, a real snapshot
 * of each, a storage, and a real finished task. */
const pathValues = {
  qemu: { node: HOMELAB.qemu.withSnapshots.node, vmid: HOMELAB.qemu.withSnapshots.vmid, snapname: '' },
  lxc: { node: HOMELAB.lxc.withSnapshots.node, vmid: HOMELAB.lxc.withSnapshots.vmid, snapname: '' },
  task: { node: 'pve1', upid: '' },
  storage: 'local',
};

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 0.01 });
  for (const kind of ['qemu', 'lxc'] as const) {
    const v = pathValues[kind];
    const snaps = (await getData(sim, apiPath('nodes', v.node, kind, v.vmid, 'snapshot'))) as { name: string }[];
    v.snapname = snaps.find((s) => s.name !== 'current')!.name;
  }
  const finished = (await listTasks(sim, pathValues.task.node)).find((t) => t.status === 'OK');
  pathValues.task.upid = finished!.upid;
  stateBefore = await stateFingerprint();
});
afterAll(() => sim.close());

function concretePath(template: string): string {
  const kind = template.includes('/lxc') ? 'lxc' : 'qemu';
  const v = template.includes('/tasks/') ? pathValues.task : pathValues[kind];
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (name === 'storage') return pathValues.storage;
    const value = (v as Record<string, string | number>)[name];
    if (value === undefined || value === '') throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(String(value));
  });
}

function requestWith(method: string, params: Record<string, string>, routeKey: string): ApiRequest {
  // POST /access/ticket is not available with an API token (allowtoken 0): log-in is anonymous.
  const auth = routeKey === 'POST /access/ticket' ? 'none' : 'root';
  return method === 'GET' || method === 'DELETE' ? { query: params, auth } : { form: params, auth };
}

/** What must not change while the requests of this file run. */
async function stateFingerprint(): Promise<string> {
  const resources = (await getData(sim, '/cluster/resources')) as Record<string, unknown>[];
  const guests = resources.map((r) => [r['id'], r['node'], r['status'], r['lock'], r['template'], r['name'], r['pool']].join('|')).sort();
  const pools = (await getData(sim, '/pools')) as { poolid: string }[];
  const tasks: string[] = [];
  for (const node of HOMELAB.nodes) for (const t of await listTasks(sim, node)) tasks.push(t.upid);
  return JSON.stringify({ guests, pools: pools.map((p) => p.poolid).sort(), tasks: tasks.sort() });
}

describe('over HTTP', () => {
  const withProperties = SERVED_ENDPOINTS.filter((e) => schemaOf(`${e.method} ${e.path}`).parameters.properties);

  it('the endpoints that accept anything are exactly those without a property list', () => {
    const without = servedKeys.filter((k) => !schemaOf(k).parameters.properties);
    expect(without.sort()).toEqual([...ACCEPTS_ANYTHING].sort());
    expect(withProperties.length + ACCEPTS_ANYTHING.length).toBe(SERVED_ENDPOINTS.length);
  });

  it.each(withProperties.map((e) => [`${e.method} ${e.path}`, e] as const))('%s refuses an undeclared parameter', async (key, e) => {
    const properties = schemaOf(key).parameters.properties!;
    expect(Object.hasOwn(properties, UNDECLARED)).toBe(false);
    const pathNames = [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const params: Record<string, string> = { [UNDECLARED]: '1' };
    for (const [name, p] of Object.entries(properties)) {
      if (p.optional || pathNames.includes(name)) continue;
      const value = (e.path.includes('/lxc/') ? REQUIRED_LXC_VALUES[name] : undefined) ?? REQUIRED_VALUES[name];
      if (value === undefined) throw new Error(`${key}: no value for the required parameter '${name}'`);
      params[name] = value;
    }
    const reply = await callApi(sim, e.method, concretePath(e.path), requestWith(e.method, params, key));
    expect(reply.status).toBe(400);
    expect(reply.reason).toBe('Parameter verification failed.');
    expect(reply.body).toEqual({ data: null, errors: { [UNDECLARED]: NOT_IN_SCHEMA }, message: 'Parameter verification failed.\n' });
  });

  it.each(ACCEPTS_ANYTHING.map((k) => [k] as const))('%s answers although the parameter is undeclared', async (key) => {
    const [method, path] = key.split(' ') as [string, string];
    const reply = await callApi(sim, method, concretePath(path), { query: { [UNDECLARED]: '1' } });
    expect(reply.status).toBe(200);
    expect(reply.body).toHaveProperty('data');
  });

  it('answers 501 for the official methods of served paths that are not served', async () => {
    const apidata = JSON.parse(readFileSync(new URL('../fixtures/pve/apidata.json', import.meta.url), 'utf8')) as SchemaNode[];
    const byPath = indexSchema(apidata);
    const servedPaths = new Set(SERVED_ENDPOINTS.map((e) => e.path));
    const unserved: [string, string][] = [];
    for (const path of servedPaths) {
      for (const method of Object.keys(byPath.get(path)?.info ?? {})) {
        if (!servedKeys.includes(`${method} ${path}`)) unserved.push([method, path]);
      }
    }
    // GET /nodes/{node}/qemu/{vmid} (the directory index), PUT /pools, POST /nodes/{node}/network, ...
    expect(unserved.length).toBeGreaterThan(10);
    const got: string[] = [];
    for (const [method, template] of unserved) {
      const path = concretePath(template);
      const reply = await callApi(sim, method, path);
      if (reply.status !== 501 || reply.reason !== `Method '${method} ${decodeURIComponent(path)}' not implemented`) {
        got.push(`${method} ${template}: ${reply.status} ${reply.reason}`);
      }
    }
    expect(got).toEqual([]);
  });
});

// Registered last, so vitest runs it after every request above (tests run in order).
describe('side effects', () => {
  it('no request of this file changed the cluster', async () => {
    // Each refusal above failed validation (or routing) before a handler could run.
    expect(stateBefore).not.toBe('');
    expect(await stateFingerprint()).toBe(stateBefore);
  });
});
