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

/** Fault injection, settable at start and while running. */
export interface SimFaults {
  /** Added to every API response, in milliseconds. */
  latencyMs: number;
  /** Probability (0..1) that an API request fails with a 500. */
  errorRate: number;
  /** Probability (0..1) that the connection is reset without an answer. */
  resetRate: number;
  /** Probability (0..1) that a 200 answer carries a malformed JSON body. */
  malformedRate: number;
  /** Nodes that are down: calls proxied to them answer 595, and they list as offline. */
  offlineNodes: string[];
  /** Ticket lifetime in seconds (PVE: 7200). */
  ticketLifetimeSec: number;
}

export const DEFAULT_FAULTS: SimFaults = {
  latencyMs: 0,
  errorRate: 0,
  resetRate: 0,
  malformedRate: 0,
  offlineNodes: [],
  ticketLifetimeSec: 7200,
};

export interface SimFaultController {
  get(): SimFaults;
  set(patch: Partial<SimFaults>): SimFaults;
  /** Invalidates every ticket issued so far (the "ticket expired mid-session" fault). */
  expireTickets(): void;
}

export interface SimCredentials {
  username: string;
  password: string;
  /** `user@realm!tokenid` */
  tokenId: string;
  tokenSecret: string;
}

export interface SimulatorOptions {
  /** 0 (default) picks a free port. The simulator only ever binds 127.0.0.1. */
  port?: number;
  /** `homelab` (default): 3 nodes, ~40 guests. `generated`: `guests` guests over N nodes. */
  scenario?: 'homelab' | 'generated';
  guests?: number;
  seed?: number;
  /** Task durations are multiplied by this: 1 = realistic, 0.01 = fast tests. */
  timeScale?: number;
  faults?: Partial<SimFaults>;
  /** Fixed credentials (default: random secrets, generated at start). */
  rootPassword?: string;
  tokenSecret?: string;
}

export interface SimulatorHandle {
  /** `https://127.0.0.1:<port>` (the API lives under /api2/json). */
  url: string;
  port: number;
  /** SHA-256 of the certificate, `AB:CD:...` upper-case, as PVE shows `ssl_fingerprint`. */
  fingerprint: string;
  certPem: string;
  /** root@pam with full rights, and its token `root@pam!mpc`. */
  root: SimCredentials;
  /** auditor@pve with read-only rights (VM.Audit, Sys.Audit, Datastore.Audit), and its
   * token `auditor@pve!ro`: for permission (403) tests. */
  auditor: SimCredentials;
  faults: SimFaultController;
  close(): Promise<void>;
}
