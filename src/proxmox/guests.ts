// Endpoints for one kind of guest under /nodes/{node}/qemu or /nodes/{node}/lxc. Async actions
// answer with the UPID of the task they started; follow it with client.waitForTask().
import { callOptions, expectUpid, upidOrNull, type ApiCaller, type CallOptions } from './caller.js';
import type { HttpMethod } from './http.js';
import { apiPath, pathSegment, type ParamValue, type Params } from './params.js';
import {
  normalizeGuestList,
  normalizeGuestStatus,
  normalizeLxcConfig,
  normalizeQemuConfig,
  normalizeSnapshots,
  type GuestStatus,
  type GuestSummary,
  type GuestType,
  type LxcConfig,
  type QemuConfig,
  type Snapshot,
} from './types.js';

/** Raw PVE parameters (booleans are sent as 1/0, lists joined with `,`). */
export type RawParams = Readonly<Record<string, ParamValue>>;

export interface ConfigReadOptions extends CallOptions {
  /** The current values instead of the pending ones. */
  current?: boolean;
  /** The config as saved in this snapshot. */
  snapshot?: string;
}

/** A config change in PVE's own parameter names; `delete` lists keys to remove. */
export type ConfigUpdate = RawParams & {
  delete?: string | readonly string[];
  /** Refuse the change if the config changed since it was read (its `digest`). */
  digest?: string;
};

export interface CreateParams extends RawParams {
  vmid: number;
}

export interface CloneOptions extends CallOptions {
  newid: number;
  /** qemu: the new VM's name; lxc: sent as `hostname`. */
  name?: string;
  description?: string;
  /** Full copy instead of a linked clone (linked clones need a template). */
  full?: boolean;
  target?: string;
  storage?: string;
  pool?: string;
  snapname?: string;
  /** qemu, full clone on file storage: raw, qcow2 or vmdk. */
  format?: string;
  bwlimit?: number;
}

export interface MigrateOptions extends CallOptions {
  target: string;
  /** Live migration of a running guest (qemu), or lxc: online/restart per PVE. */
  online?: boolean;
  /** lxc: restart migration. */
  restart?: boolean;
  /** Map storages: one storage id, `src:dst` pairs, or `1` for the same ids. */
  targetStorage?: string;
  /** qemu: migrate local disks too. */
  withLocalDisks?: boolean;
  bwlimit?: number;
  /** lxc restart migration: shutdown timeout in seconds. */
  timeout?: number;
}

export interface DeleteOptions extends CallOptions {
  /** Remove the vmid from backup, replication and HA configuration too. */
  purge?: boolean;
  /** Also destroy disks with this vmid that the config does not reference. */
  destroyUnreferencedDisks?: boolean;
  /** lxc: destroy even if running. */
  force?: boolean;
  /** qemu: ignore locks (root only). */
  skiplock?: boolean;
}

export interface StopOptions extends CallOptions {
  /** Abort running shutdown tasks first. */
  overruleShutdown?: boolean;
  /** qemu: seconds to wait. */
  timeout?: number;
  skiplock?: boolean;
}

export interface ShutdownOptions extends CallOptions {
  /** Seconds to wait for the guest OS (PVE default: qemu none, lxc 60). */
  timeout?: number;
  /** Stop the guest hard if it has not shut down in time. */
  forceStop?: boolean;
}

export interface RebootOptions extends CallOptions {
  timeout?: number;
}

export interface SnapshotCreateOptions extends CallOptions {
  description?: string;
}

export interface RollbackOptions extends CallOptions {
  /** Start the guest after rolling back. */
  start?: boolean;
}

abstract class GuestApi<C> {
  constructor(
    protected readonly api: ApiCaller,
    readonly type: GuestType,
  ) {}

  protected abstract normalizeConfig(data: unknown): C;

  protected base(node: string, vmid?: number): string {
    return vmid === undefined ? apiPath`/nodes/${node}/${this.type}` : apiPath`/nodes/${node}/${this.type}/${vmid}`;
  }

  protected async task(method: HttpMethod, path: string, params: Params | undefined, options: CallOptions | undefined): Promise<string> {
    const { data } = await this.api.call(method, path, params, callOptions(options));
    return expectUpid(data, method, path);
  }

  /** The guests on one node. */
  async list(node: string, options?: CallOptions): Promise<GuestSummary[]> {
    const { data } = await this.api.call('GET', this.base(node), undefined, callOptions(options));
    return normalizeGuestList(data, this.type, node);
  }

  async status(node: string, vmid: number, options?: CallOptions): Promise<GuestStatus> {
    const { data } = await this.api.call('GET', `${this.base(node, vmid)}/status/current`, undefined, callOptions(options));
    return normalizeGuestStatus(data, this.type, node, vmid);
  }

  async config(node: string, vmid: number, options?: ConfigReadOptions): Promise<C> {
    const params: Params = { current: options?.current, snapshot: options?.snapshot };
    const { data } = await this.api.call('GET', `${this.base(node, vmid)}/config`, params, callOptions(options));
    return this.normalizeConfig(data);
  }

  /** PUT …/config: applied synchronously. */
  async updateConfig(node: string, vmid: number, changes: ConfigUpdate, options?: CallOptions): Promise<void> {
    await this.api.call('PUT', `${this.base(node, vmid)}/config`, changes, callOptions(options));
  }

  async create(node: string, params: CreateParams, options?: CallOptions): Promise<string> {
    return this.task('POST', this.base(node), params, options);
  }

  async clone(node: string, vmid: number, options: CloneOptions): Promise<string> {
    const params: Params = {
      newid: options.newid,
      [this.type === 'qemu' ? 'name' : 'hostname']: options.name,
      description: options.description,
      full: options.full,
      target: options.target,
      storage: options.storage,
      pool: options.pool,
      snapname: options.snapname,
      format: this.type === 'qemu' ? options.format : undefined,
      bwlimit: options.bwlimit,
    };
    return this.task('POST', `${this.base(node, vmid)}/clone`, params, options);
  }

  async migrate(node: string, vmid: number, options: MigrateOptions): Promise<string> {
    const qemu = this.type === 'qemu';
    const params: Params = {
      target: options.target,
      online: options.online,
      restart: qemu ? undefined : options.restart,
      [qemu ? 'targetstorage' : 'target-storage']: options.targetStorage,
      'with-local-disks': qemu ? options.withLocalDisks : undefined,
      bwlimit: options.bwlimit,
      timeout: qemu ? undefined : options.timeout,
    };
    return this.task('POST', `${this.base(node, vmid)}/migrate`, params, options);
  }

  /** DELETE the guest and its disks. */
  async delete(node: string, vmid: number, options?: DeleteOptions): Promise<string> {
    const params: Params = {
      purge: options?.purge,
      'destroy-unreferenced-disks': options?.destroyUnreferencedDisks,
      force: this.type === 'lxc' ? options?.force : undefined,
      skiplock: this.type === 'qemu' ? options?.skiplock : undefined,
    };
    return this.task('DELETE', this.base(node, vmid), params, options);
  }

  async start(node: string, vmid: number, options?: CallOptions): Promise<string> {
    return this.task('POST', `${this.base(node, vmid)}/status/start`, undefined, options);
  }

  /** Hard stop (pulls the plug). */
  async stop(node: string, vmid: number, options?: StopOptions): Promise<string> {
    const params: Params = {
      'overrule-shutdown': options?.overruleShutdown,
      timeout: this.type === 'qemu' ? options?.timeout : undefined,
      skiplock: options?.skiplock,
    };
    return this.task('POST', `${this.base(node, vmid)}/status/stop`, params, options);
  }

  /** Clean shutdown through the guest OS (ACPI / lxc-stop). */
  async shutdown(node: string, vmid: number, options?: ShutdownOptions): Promise<string> {
    const params: Params = { timeout: options?.timeout, forceStop: options?.forceStop };
    return this.task('POST', `${this.base(node, vmid)}/status/shutdown`, params, options);
  }

  async reboot(node: string, vmid: number, options?: RebootOptions): Promise<string> {
    return this.task('POST', `${this.base(node, vmid)}/status/reboot`, { timeout: options?.timeout }, options);
  }

  async resume(node: string, vmid: number, options?: CallOptions): Promise<string> {
    return this.task('POST', `${this.base(node, vmid)}/status/resume`, undefined, options);
  }

  async snapshots(node: string, vmid: number, options?: CallOptions): Promise<Snapshot[]> {
    const { data } = await this.api.call('GET', `${this.base(node, vmid)}/snapshot`, undefined, callOptions(options));
    return normalizeSnapshots(data);
  }

  async rollbackSnapshot(node: string, vmid: number, snapname: string, options?: RollbackOptions): Promise<string> {
    return this.task('POST', `${this.base(node, vmid)}/snapshot/${pathSegment(snapname)}/rollback`, { start: options?.start }, options);
  }

  async deleteSnapshot(node: string, vmid: number, snapname: string, options?: CallOptions & { force?: boolean }): Promise<string> {
    return this.task('DELETE', `${this.base(node, vmid)}/snapshot/${pathSegment(snapname)}`, { force: options?.force }, options);
  }
}

export class QemuApi extends GuestApi<QemuConfig> {
  constructor(api: ApiCaller) {
    super(api, 'qemu');
  }

  protected normalizeConfig(data: unknown): QemuConfig {
    return normalizeQemuConfig(data);
  }

  /** POST …/config: applied by a task (UPID), or null when PVE had nothing to run. */
  async updateConfigAsync(node: string, vmid: number, changes: ConfigUpdate, options?: CallOptions): Promise<string | null> {
    const path = `${this.base(node, vmid)}/config`;
    const { data } = await this.api.call('POST', path, changes, callOptions(options));
    return upidOrNull(data, 'POST', path);
  }

  /** Hard reset, like the reset button. */
  async reset(node: string, vmid: number, options?: CallOptions & { skiplock?: boolean }): Promise<string> {
    return this.task('POST', `${this.base(node, vmid)}/status/reset`, { skiplock: options?.skiplock }, options);
  }

  /** Pause in RAM, or with toDisk: hibernate (resumed by the next start). */
  async suspend(node: string, vmid: number, options?: CallOptions & { toDisk?: boolean; stateStorage?: string }): Promise<string> {
    const params: Params = { todisk: options?.toDisk, statestorage: options?.stateStorage };
    return this.task('POST', `${this.base(node, vmid)}/status/suspend`, params, options);
  }

  /** Converts the VM to a template (a task). */
  async template(node: string, vmid: number, options?: CallOptions & { disk?: string }): Promise<string> {
    return this.task('POST', `${this.base(node, vmid)}/template`, { disk: options?.disk }, options);
  }

  /** @param vmstate include the RAM (the VM resumes from it on rollback). */
  async createSnapshot(node: string, vmid: number, snapname: string, options?: SnapshotCreateOptions & { vmstate?: boolean }): Promise<string> {
    const params: Params = { snapname, description: options?.description, vmstate: options?.vmstate };
    return this.task('POST', `${this.base(node, vmid)}/snapshot`, params, options);
  }
}

export class LxcApi extends GuestApi<LxcConfig> {
  constructor(api: ApiCaller) {
    super(api, 'lxc');
  }

  protected normalizeConfig(data: unknown): LxcConfig {
    return normalizeLxcConfig(data);
  }

  /** Freezes the container (experimental in PVE). */
  async suspend(node: string, vmid: number, options?: CallOptions): Promise<string> {
    return this.task('POST', `${this.base(node, vmid)}/status/suspend`, undefined, options);
  }

  /** Converts the container to a template. PVE does this synchronously (null); a UPID if a
   * future version runs it as a task. */
  async template(node: string, vmid: number, options?: CallOptions): Promise<string | null> {
    const path = `${this.base(node, vmid)}/template`;
    const { data } = await this.api.call('POST', path, undefined, callOptions(options));
    return upidOrNull(data, 'POST', path);
  }

  async createSnapshot(node: string, vmid: number, snapname: string, options?: SnapshotCreateOptions): Promise<string> {
    const params: Params = { snapname, description: options?.description };
    return this.task('POST', `${this.base(node, vmid)}/snapshot`, params, options);
  }
}
