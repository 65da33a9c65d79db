// Typed errors a caller can branch on (`err.kind`) and a user can read (`err.message` is one
// line that says what went wrong and what to do).

export type ProxmoxErrorKind =
  | 'auth' // 401, wrong credentials, expired ticket that could not be renewed
  | 'permission' // 403
  | 'parameter' // 400 with a per-field errors map; also a client set up wrongly (URL, fingerprint, token id)
  | 'not-found' // 404, or PVE's 500 "does not exist"
  | 'node-unreachable' // 595/596
  | 'server' // other 5xx
  | 'network' // connection refused, reset, DNS
  | 'timeout'
  | 'tls' // certificate verification or pin mismatch
  | 'protocol' // malformed response
  | 'task' // a task ended with an error
  | 'cancelled';

export interface ProxmoxErrorDetails {
  status?: number;
  method?: string;
  path?: string;
  /** 400: PVE's per-parameter messages. */
  errors?: Record<string, string>;
  /** 403: the ACL path and privilege PVE names, when it names them. */
  permissionPath?: string;
  privilege?: string;
  /** tls: the SHA-256 fingerprint the server presented. */
  fingerprint?: string;
  /** protocol, after a 3xx: where the server pointed (origin and path, cleaned up). */
  location?: string;
  upid?: string;
  /** node-unreachable: the node the request was for; task: the node the task ran on. */
  node?: string;
  /** network/tls/timeout: the low-level code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, …). */
  code?: string;
  /** What the server said (JSON `message` or the HTTP reason phrase), cleaned up. */
  serverMessage?: string;
  /** task: PVE's exit status text (`OK`, `WARNINGS: 2`, or the error message). */
  exitstatus?: string;
  /** A secret-free summary of the underlying error; never the HTTP library's error object,
   * which would carry request headers and bodies. */
  cause?: unknown;
}

export class ProxmoxError extends Error {
  override name = 'ProxmoxError';
  readonly kind: ProxmoxErrorKind;
  readonly details: ProxmoxErrorDetails;

  constructor(kind: ProxmoxErrorKind, message: string, details: ProxmoxErrorDetails = {}) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.kind = kind;
    this.details = details;
  }

  get status(): number | undefined {
    return this.details.status;
  }
}

export function isProxmoxError(e: unknown, kind?: ProxmoxErrorKind): e is ProxmoxError {
  return e instanceof ProxmoxError && (kind === undefined || e.kind === kind);
}
