// Raw HTTPS access to a running simulator for the contract tests: the status line and the
// whole JSON body (`data`, `errors`, `message`, `total`), which the typed client hides on
// errors. Also the homelab facts the tests pick their path parameters from.
import { request } from 'node:https';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { HOMELAB_FACTS } from '../../src/simulator/cluster/index.js';
import { endpointSchema, type EndpointSchema } from '../../src/simulator/schema.js';

export interface ApiReply {
  status: number;
  reason: string;
  /** The parsed body, or undefined when the body is empty (401, 595, 501 without JSON). */
  body: Record<string, unknown> | undefined;
}

export interface ApiRequest {
  /** Query parameters (URL-encoded; an array repeats the key). */
  query?: Record<string, string | readonly string[]>;
  /** A form body (URL-encoded; an array repeats the key). */
  form?: Record<string, string | readonly string[]>;
  /** A JSON body. */
  json?: Record<string, unknown>;
  /** `root` (default): root@pam's API token. `none`: no credentials. */
  auth?: 'root' | 'none';
}

function encode(params: Record<string, string | readonly string[]>): string {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of typeof value === 'string' ? [value] : value) out.append(key, v);
  }
  return out.toString();
}

/** `/nodes/pve1/tasks/UPID:.../status`: each segment escaped like a client would. */
export function apiPath(...segments: (string | number)[]): string {
  return `/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;
}

export function callApi(sim: SimulatorHandle, method: string, path: string, req: ApiRequest = {}): Promise<ApiReply> {
  const headers: Record<string, string | number> = {};
  if ((req.auth ?? 'root') === 'root') headers['Authorization'] = `PVEAPIToken=${sim.root.tokenId}=${sim.root.tokenSecret}`;
  let body: Buffer | undefined;
  if (req.form) {
    body = Buffer.from(encode(req.form));
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  } else if (req.json) {
    body = Buffer.from(JSON.stringify(req.json));
    headers['Content-Type'] = 'application/json';
  }
  if (body) headers['Content-Length'] = body.length;
  const query = req.query && Object.keys(req.query).length > 0 ? `?${encode(req.query)}` : '';
  return new Promise((resolve, reject) => {
    const r = request(
      { host: '127.0.0.1', port: sim.port, method, path: `/api2/json${path}${query}`, headers, ca: sim.certPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            reason: res.statusMessage ?? '',
            body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
          });
        });
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

/** GET that must succeed: the envelope's `data`. */
export async function getData(sim: SimulatorHandle, path: string, query?: Record<string, string>): Promise<unknown> {
  const reply = await callApi(sim, 'GET', path, query ? { query } : {});
  if (reply.status !== 200 || !reply.body) throw new Error(`GET ${path}: ${reply.status} ${reply.reason}`);
  return reply.body['data'];
}

export function schemaOf(routeKey: string): EndpointSchema {
  const schema = endpointSchema(routeKey);
  if (!schema) throw new Error(`no schema for ${routeKey}`);
  return schema;
}

export interface TaskEntry {
  upid: string;
  node: string;
  type: string;
  id: string;
  status?: string;
  endtime?: number;
}

/** Every task of a node, the running ones included (`source=all`). */
export async function listTasks(sim: SimulatorHandle, node: string): Promise<TaskEntry[]> {
  return (await getData(sim, apiPath('nodes', node, 'tasks'), { source: 'all', limit: '10000' })) as TaskEntry[];
}

/** Guests of the homelab by role, as HOMELAB_FACTS and the scenario define them. */
export const HOMELAB = {
  facts: HOMELAB_FACTS,
  nodes: [...HOMELAB_FACTS.nodes],
  storages: [...HOMELAB_FACTS.storages],
  qemu: {
    running: { node: 'pve1', vmid: 100 },
    stopped: { node: 'pve2', vmid: 114 },
    template: { node: 'pve1', vmid: HOMELAB_FACTS.templates.qemu[0] },
    paused: { node: 'pve3', vmid: HOMELAB_FACTS.paused[0] },
    locked: { node: 'pve3', vmid: HOMELAB_FACTS.locked.vmid },
    withSnapshots: { node: 'pve1', vmid: HOMELAB_FACTS.withSnapshots[0] },
  },
  lxc: {
    running: { node: 'pve1', vmid: 200 },
    stopped: { node: 'pve3', vmid: 207 },
    template: { node: 'pve1', vmid: HOMELAB_FACTS.templates.lxc[0] },
    withSnapshots: { node: 'pve2', vmid: HOMELAB_FACTS.withSnapshots[2] },
  },
} as const;
