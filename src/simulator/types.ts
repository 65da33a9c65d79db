// The contract between the simulator's HTTP layer (server, auth, validation, faults) and its
// cluster model (state, tasks, route handlers).

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Who is calling: `root@pam`, or a token `root@pam!mpc` (tokenid = `mpc`). */
export interface SimPrincipal {
  userid: string;
  tokenid?: string;
}

export interface SimRequest {
  method: HttpMethod;
  /** The concrete path under /api2/json, e.g. `/nodes/pve1/qemu/100/config`. */
  path: string;
  /** The schema path it matched, e.g. `/nodes/{node}/qemu/{vmid}/config`. */
  template: string;
  /** Path, query and body parameters, validated against the official schema and coerced:
   * integer/number -> number, boolean -> 0|1, everything else (property strings too) -> string. */
  params: Record<string, string | number>;
  principal: SimPrincipal;
  /** The principal's string form as it goes into a UPID: `root@pam` or `root@pam!mpc`. */
  authid: string;
}

/** What a handler returns when the envelope needs more than `data` (task list/log: `total`). */
export interface SimEnvelope {
  __envelope: true;
  data: unknown;
  total?: number;
}

export function withTotal(data: unknown, total: number): SimEnvelope {
  return { __envelope: true, data, total };
}

export function isEnvelope(value: unknown): value is SimEnvelope {
  return typeof value === 'object' && value !== null && (value as SimEnvelope).__envelope === true;
}

export type SimHandler = (req: SimRequest) => unknown | Promise<unknown>;

/** Keyed by `"METHOD /schema/path"`, e.g. `"GET /nodes/{node}/qemu"`. */
export type SimRouteTable = Record<string, SimHandler>;

/** An error as PVE reports it: the status, the one-line message (also the HTTP reason phrase)
 * and, for 400, the per-parameter `errors` map. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }
}

/** 400 `Parameter verification failed.` with the per-field errors. */
export function paramError(errors: Record<string, string>): SimHttpError {
  return new SimHttpError(400, 'Parameter verification failed.', errors);
}

/** 500 with PVE's message, how PVE reports most failures (`die`). */
export function dieError(message: string): SimHttpError {
  return new SimHttpError(500, message);
}
