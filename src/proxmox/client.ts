// ProxmoxClient: the typed entry point to one PVE API endpoint (a node or a cluster).
import { isTokenCredentials, TicketAuth, TokenAuth, type AuthProvider, type Credentials } from './auth.js';
import { callOptions, type ApiCaller, type CallOptions } from './caller.js';
import { isProxmoxError } from './errors.js';
import { LxcApi, QemuApi } from './guests.js';
import { HttpTransport, type Envelope, type HttpMethod, type RetryPolicy, type Timeouts, type TransportOptions } from './http.js';
import { apiPath, type Params } from './params.js';
import { SecretRedactor } from './redact.js';
import { assertTaskOk, upidOrThrow, waitForTask, type TaskLogPage, type TaskResult, type WaitForTaskOptions } from './tasks.js';
import type { TlsMode, TlsOptions } from './tls.js';
import {
  normalizeClusterResources,
  normalizeClusterStatus,
  normalizeNetwork,
  normalizeNextId,
  normalizeNodeStatus,
  normalizeNodes,
  normalizePool,
  normalizePools,
  normalizeStorageContent,
  normalizeStorageList,
  normalizeTaskLog,
  normalizeTaskStatus,
  normalizeTasks,
  normalizeVersion,
  asArray,
  type ClusterResource,
  type ClusterResourceFilter,
  type ClusterStatusEntry,
  type NetworkInterface,
  type NodeStatus,
  type NodeSummary,
  type Pool,
  type PveVersion,
  type StorageContentItem,
  type StorageStatus,
  type TaskStatus,
  type TaskSummary,
} from './types.js';

export interface ProxmoxClientOptions extends TlsOptions {
  /** `https://pve.example:8006` (a bare host gets https and port 8006; /api2/json is added). */
  endpoint: string;
  /** An API token, or a user name and password (ticket login). */
  auth: Credentials;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  /** Ticket mode: renew the ticket once it is older than this (default 1 h). */
  ticketRenewAfterMs?: number;
  /** Injectable clock (ms since epoch) for ticket renewal. */
  now?: () => number;
  userAgent?: string;
  /** Ask for gzip-compressed answers (default false: worth it only on a slow link; see
   * TransportOptions.compression). */
  compression?: boolean;
  /** Observability: each request (method and path only) and each retry. */
  onRequest?: TransportOptions['onRequest'];
  onRetry?: TransportOptions['onRetry'];
}

export type NetworkTypeFilter =
  | 'bridge'
  | 'bond'
  | 'eth'
  | 'alias'
  | 'vlan'
  | 'fabric'
  | 'OVSBridge'
  | 'OVSBond'
  | 'OVSPort'
  | 'OVSIntPort'
  | 'vnet'
  | 'any_bridge'
  | 'any_local_bridge'
  | 'include_sdn';

export interface StorageListOptions extends CallOptions {
  /** Only storages that allow this content type (images, rootdir, iso, vztmpl, backup, snippets). */
  content?: string;
  enabled?: boolean;
  storage?: string;
  /** Only storages shared with this node. */
  target?: string;
}

export interface StorageContentOptions extends CallOptions {
  /** images, rootdir, iso, vztmpl, backup, snippets, import. */
  content?: string;
  vmid?: number;
}

export interface TaskListFilters extends CallOptions {
  start?: number;
  limit?: number;
  vmid?: number;
  typefilter?: string;
  userfilter?: string;
  /** Only failed tasks. */
  errors?: boolean;
  source?: 'archive' | 'active' | 'all';
  since?: number;
  until?: number;
  statusfilter?: string;
}

export interface TaskList {
  tasks: TaskSummary[];
  total?: number;
}

export class ProxmoxClient implements ApiCaller {
  readonly qemu: QemuApi;
  readonly lxc: LxcApi;
  private readonly transport: HttpTransport;
  private readonly auth: AuthProvider;

  constructor(options: ProxmoxClientOptions) {
    const redactor = new SecretRedactor();
    const tls: TlsOptions = {};
    if (options.insecure !== undefined) tls.insecure = options.insecure;
    if (options.fingerprint !== undefined) tls.fingerprint = options.fingerprint;
    if (options.ca !== undefined) tls.ca = options.ca;
    const transportOptions: TransportOptions = { endpoint: options.endpoint, redactor, tls };
    if (options.timeouts) transportOptions.timeouts = options.timeouts;
    if (options.retry) transportOptions.retry = options.retry;
    if (options.userAgent) transportOptions.userAgent = options.userAgent;
    if (options.compression !== undefined) transportOptions.compression = options.compression;
    if (options.onRetry) transportOptions.onRetry = options.onRetry;
    if (options.onRequest) transportOptions.onRequest = options.onRequest;
    this.transport = new HttpTransport(transportOptions);
    const auth = options.auth;
    if (isTokenCredentials(auth)) {
      this.auth = new TokenAuth(auth, redactor);
    } else {
      const ticketOptions: { renewAfterMs?: number; now?: () => number } = {};
      if (options.ticketRenewAfterMs !== undefined) ticketOptions.renewAfterMs = options.ticketRenewAfterMs;
      if (options.now) ticketOptions.now = options.now;
      this.auth = new TicketAuth(auth, this.transport, redactor, ticketOptions);
    }
    this.qemu = new QemuApi(this);
    this.lxc = new LxcApi(this);
  }

  /** The API base URL, e.g. `https://pve:8006/api2/json`. */
  get baseUrl(): string {
    return this.transport.baseUrl.href;
  }

  /** `root@pam` or `root@pam!mpc`. */
  get principal(): string {
    return this.auth.principal;
  }

  get authMode(): 'token' | 'ticket' {
    return this.auth.mode;
  }

  get tlsMode(): TlsMode['mode'] {
    return this.transport.tlsMode.mode;
  }

  guest(type: 'qemu'): QemuApi;
  guest(type: 'lxc'): LxcApi;
  guest(type: 'qemu' | 'lxc'): QemuApi | LxcApi;
  guest(type: 'qemu' | 'lxc'): QemuApi | LxcApi {
    return type === 'qemu' ? this.qemu : this.lxc;
  }

  /** Ticket mode: logs in now (to check the credentials early). Token mode: nothing to do. */
  async login(options?: CallOptions): Promise<void> {
    if (this.auth instanceof TicketAuth) await this.auth.login(options?.signal);
  }

  /** One request with authentication; a 401 in ticket mode logs in again and retries once. */
  async call(method: HttpMethod, path: string, params?: Params, options?: CallOptions): Promise<Envelope> {
    const { signal, responseTimeoutMs } = callOptions(options);
    const send = async (headers: Record<string, string>): Promise<Envelope> =>
      this.transport.send({
        method,
        path,
        headers,
        authMode: this.auth.mode,
        principal: this.auth.principal,
        ...(params ? { params } : {}),
        ...(signal ? { signal } : {}),
        ...(responseTimeoutMs !== undefined ? { responseTimeoutMs } : {}),
      });
    const headers = await this.auth.headers(method, signal);
    try {
      return await send(headers);
    } catch (e) {
      if (!isProxmoxError(e, 'auth') || e.status !== 401 || !(await this.auth.recover(headers, signal))) throw e;
      return send(await this.auth.headers(method, signal));
    }
  }

  // ---- generic access, for endpoints without a typed method -------------------------------

  async get(path: string, params?: Params, options?: CallOptions): Promise<unknown> {
    return (await this.call('GET', path, params, options)).data;
  }

  async post(path: string, params?: Params, options?: CallOptions): Promise<unknown> {
    return (await this.call('POST', path, params, options)).data;
  }

  async put(path: string, params?: Params, options?: CallOptions): Promise<unknown> {
    return (await this.call('PUT', path, params, options)).data;
  }

  async delete(path: string, params?: Params, options?: CallOptions): Promise<unknown> {
    return (await this.call('DELETE', path, params, options)).data;
  }

  // ---- cluster ----------------------------------------------------------------------------

  async version(options?: CallOptions): Promise<PveVersion> {
    return normalizeVersion(await this.get('/version', undefined, options));
  }

  async clusterResources(type?: ClusterResourceFilter, options?: CallOptions): Promise<ClusterResource[]> {
    return normalizeClusterResources(await this.get('/cluster/resources', { type }, options));
  }

  async clusterStatus(options?: CallOptions): Promise<ClusterStatusEntry[]> {
    return normalizeClusterStatus(await this.get('/cluster/status', undefined, options));
  }

  /** The next free VMID; with `vmid`, checks that one is free (400 'parameter' if not). */
  async nextId(vmid?: number, options?: CallOptions): Promise<number> {
    return normalizeNextId(await this.get('/cluster/nextid', { vmid }, options));
  }

  /** Recent tasks of the whole cluster. */
  async clusterTasks(options?: CallOptions): Promise<TaskSummary[]> {
    return normalizeTasks(await this.get('/cluster/tasks', undefined, options));
  }

  // ---- nodes ------------------------------------------------------------------------------

  async nodes(options?: CallOptions): Promise<NodeSummary[]> {
    return normalizeNodes(await this.get('/nodes', undefined, options));
  }

  async nodeStatus(node: string, options?: CallOptions): Promise<NodeStatus> {
    return normalizeNodeStatus(await this.get(apiPath`/nodes/${node}/status`, undefined, options));
  }

  async nodeVersion(node: string, options?: CallOptions): Promise<PveVersion> {
    return normalizeVersion(await this.get(apiPath`/nodes/${node}/version`, undefined, options));
  }

  async network(node: string, type?: NetworkTypeFilter, options?: CallOptions): Promise<NetworkInterface[]> {
    return normalizeNetwork(await this.get(apiPath`/nodes/${node}/network`, { type }, options));
  }

  // ---- storage ----------------------------------------------------------------------------

  async storage(node: string, options?: StorageListOptions): Promise<StorageStatus[]> {
    const params: Params = { content: options?.content, enabled: options?.enabled, storage: options?.storage, target: options?.target };
    return normalizeStorageList(await this.get(apiPath`/nodes/${node}/storage`, params, options));
  }

  async storageContent(node: string, storage: string, options?: StorageContentOptions): Promise<StorageContentItem[]> {
    const params: Params = { content: options?.content, vmid: options?.vmid };
    return normalizeStorageContent(await this.get(apiPath`/nodes/${node}/storage/${storage}/content`, params, options));
  }

  // ---- pools ------------------------------------------------------------------------------

  async pools(options?: CallOptions): Promise<Pool[]> {
    return normalizePools(await this.get('/pools', undefined, options));
  }

  /** One pool with its members. PVE 8.1+ answers GET /pools?poolid=…; older servers only
   * know GET /pools/{poolid}, which is tried when the parameter is refused. */
  async pool(poolid: string, options?: CallOptions): Promise<Pool> {
    try {
      const list = asArray(await this.get('/pools', { poolid }, options), 'pool list');
      if (list.length > 0) return normalizePool(list[0], poolid);
    } catch (e) {
      if (!isProxmoxError(e, 'parameter') || e.details.errors?.poolid === undefined) throw e;
    }
    return normalizePool(await this.get(apiPath`/pools/${poolid}`, undefined, options), poolid);
  }

  async createPool(poolid: string, comment?: string, options?: CallOptions): Promise<void> {
    await this.post('/pools', { poolid, comment }, options);
  }

  // ---- tasks ------------------------------------------------------------------------------

  async tasks(node: string, filters?: TaskListFilters): Promise<TaskList> {
    const params: Params = {
      start: filters?.start,
      limit: filters?.limit,
      vmid: filters?.vmid,
      typefilter: filters?.typefilter,
      userfilter: filters?.userfilter,
      errors: filters?.errors,
      source: filters?.source,
      since: filters?.since,
      until: filters?.until,
      statusfilter: filters?.statusfilter,
    };
    const envelope = await this.call('GET', apiPath`/nodes/${node}/tasks`, params, filters);
    const list: TaskList = { tasks: normalizeTasks(envelope.data) };
    if (envelope.total !== undefined) list.total = envelope.total;
    return list;
  }

  async taskStatus(upid: string, options?: CallOptions): Promise<TaskStatus> {
    const { node } = upidOrThrow(upid);
    return normalizeTaskStatus(await this.get(apiPath`/nodes/${node}/tasks/${upid}/status`, undefined, options), node);
  }

  /** Log lines from `start` (0-based; line n=start+1 comes first), at most `limit` (PVE default 50). */
  async taskLog(upid: string, options?: CallOptions & { start?: number; limit?: number }): Promise<TaskLogPage> {
    const { node } = upidOrThrow(upid);
    const envelope = await this.call('GET', apiPath`/nodes/${node}/tasks/${upid}/log`, { start: options?.start, limit: options?.limit }, options);
    const page: TaskLogPage = { lines: normalizeTaskLog(envelope.data) };
    if (envelope.total !== undefined) page.total = envelope.total;
    return page;
  }

  /** Asks PVE to stop a running task (DELETE). */
  async stopTask(upid: string, options?: CallOptions): Promise<void> {
    const { node } = upidOrThrow(upid);
    await this.delete(apiPath`/nodes/${node}/tasks/${upid}`, undefined, options);
  }

  /** Follows a task to its end, streaming its log; resolves with ok=false if it failed. */
  async waitForTask(upid: string, options?: WaitForTaskOptions): Promise<TaskResult> {
    return waitForTask(this, upid, options);
  }

  /** Like waitForTask, but a failed task rejects with kind 'task' and PVE's exit text. */
  async waitForTaskOk(upid: string, options?: WaitForTaskOptions): Promise<TaskResult> {
    return assertTaskOk(await waitForTask(this, upid, options));
  }

  /** Closes idle connections. */
  close(): void {
    this.transport.close();
  }
}
