// The route table serves exactly the simulator's endpoint list (less the ticket endpoint,
// which belongs to the HTTP layer), and every key is a real PVE route.

import { afterAll, describe, expect, it } from 'vitest';
import { SERVED_ENDPOINTS } from '../servedEndpoints.js';
import { endpointSchema } from '../schema.js';
import { createCluster } from './createCluster.js';
import { createClusterRoutes } from './routes/index.js';

const cluster = createCluster({ scenario: 'homelab', timeScale: 0.001 });
afterAll(() => cluster.dispose());

describe('route table', () => {
  const routes = createClusterRoutes(cluster);
  const keys = Object.keys(routes).sort();

  it('has a handler for every served endpoint but POST /access/ticket', () => {
    const expected = SERVED_ENDPOINTS.map((e) => `${e.method} ${e.path}`)
      .filter((k) => k !== 'POST /access/ticket')
      .sort();
    expect(keys).toEqual(expected);
  });

  it('answers for `localhost` as the local node, and can give lxc vmids the pre-8.2 way', () => {
    const legacy = createClusterRoutes(cluster, { legacyLxcVmid: true });
    const req = { method: 'GET' as const, path: '/nodes/localhost/lxc', template: '/nodes/{node}/lxc', params: { node: 'localhost' }, principal: { userid: 'root@pam' }, authid: 'root@pam' };
    const list = legacy['GET /nodes/{node}/lxc']!(req) as { vmid: unknown }[];
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((ct) => typeof ct.vmid === 'string')).toBe(true);
  });

  it('only uses routes of the official schema', () => {
    for (const key of keys) expect(endpointSchema(key), key).toBeDefined();
  });
});
