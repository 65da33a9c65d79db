// Turns every way a PVE request can fail into a ProxmoxError with one line that says what went
// wrong and what to do. PVE puts its message in the JSON `message` field (PVE 8.4+) and in the
// HTTP reason phrase (all versions); 401 and 595/596 have an empty body.
// Messages are built from our own wording plus pieces that have each been cleaned and masked
// on their own (redactor.line for server and library text, redactor.path for the path in the
// context); a finished message is never rewritten, so its stack trace carries no secret either.
import { ProxmoxError, type ProxmoxErrorDetails } from './errors.js';
import type { SecretRedactor } from './redact.js';
import { TlsCheckError } from './tls.js';

export type AuthMode = 'token' | 'ticket' | 'login' | 'none';

export interface RequestContext {
  method: string;
  /** API path under /api2/json, e.g. `/nodes/pve/qemu/100/status/start`, as shown to the
   * user: one clean line, any segment that is a secret masked (SecretRedactor.path). */
  path: string;
  /** `host:port` of the endpoint. */
  host: string;
  authMode: AuthMode;
  /** `root@pam` or `root@pam!mpc` (never a secret). */
  principal?: string;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  /** Attempts made, retries included (GET only is retried); 1 when absent. */
  attempts?: number;
}

export interface HttpFailure {
  status: number;
  reasonPhrase: string;
  body: string;
  /** 3xx: the Location header, as sent (untrusted). */
  location?: string;
  /** The URL that was requested (to resolve a relative Location). */
  url?: string;
}

interface PveErrorBody {
  message?: string;
  errors?: Record<string, string>;
}

export function parseErrorBody(body: string): PveErrorBody {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const record = parsed as Record<string, unknown>;
  const out: PveErrorBody = {};
  if (typeof record.message === 'string') out.message = record.message;
  if (typeof record.errors === 'object' && record.errors !== null && !Array.isArray(record.errors)) {
    const errors: Record<string, string> = {};
    for (const [k, v] of Object.entries(record.errors as Record<string, unknown>)) {
      errors[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    out.errors = errors;
  }
  return out;
}

const PERMISSION_RE = /Permission check failed \(([^,()]+),\s*([^()]+)\)/i;
const NOT_FOUND_RE =
  /does not exist|\bno such (?:vm|container|snapshot|storage|pool|task|file|user|cluster node|node|volume)\b|hostname lookup '[^']*' failed|unable to find configuration file/i;

/** PVE reports a missing object as a 500 whose message says so. */
export function looksLikeNotFound(message: string): boolean {
  return NOT_FOUND_RE.test(message);
}

/** The node a path addresses (`/nodes/<node>/…`), if any. */
export function nodeFromPath(path: string): string | undefined {
  const m = /^\/nodes\/([^/?]+)/.exec(path);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return m[1];
  }
}

function where(ctx: RequestContext): string {
  return `${ctx.method} ${ctx.path}`;
}

function withoutFinalPeriod(text: string): string {
  return text.replace(/[.\s]+$/, '');
}

/** Paths every PVE API answers (to any authenticated user, or without login): a 404 there
 * means the address is not a PVE API, not that some object is missing. */
export function servedByEveryPve(path: string): boolean {
  return ['/version', '/access/ticket', '/access/domains', '/nodes', '/pools'].includes(path) || /^\/cluster(?:\/[^/]+)?$/.test(path);
}

/** An HTTP error status -> ProxmoxError. */
export function mapHttpFailure(failure: HttpFailure, ctx: RequestContext, redactor: SecretRedactor): ProxmoxError {
  const { status } = failure;
  const body = parseErrorBody(failure.body);
  const reason = redactor.line(failure.reasonPhrase);
  const serverMessage = withoutFinalPeriod(redactor.line(body.message ?? '') || reason);
  const base: ProxmoxErrorDetails = { status, method: ctx.method, path: ctx.path };
  if (serverMessage) base.serverMessage = serverMessage;
  const said = serverMessage ? ` (${serverMessage})` : '';

  if (status === 401) return authFailure(ctx, serverMessage, base);

  if (status === 403) {
    const m = PERMISSION_RE.exec(serverMessage);
    const who = ctx.principal ?? 'this user';
    if (m) {
      const permissionPath = m[1]!.trim();
      const privilege = m[2]!.trim();
      return new ProxmoxError(
        'permission',
        `permission denied: ${who} lacks ${privilege} on ${permissionPath} (needed for ${where(ctx)}); ask an administrator to grant it or use another account`,
        { ...base, permissionPath, privilege },
      );
    }
    if (/not available with API token/i.test(serverMessage)) {
      return new ProxmoxError(
        'permission',
        `${where(ctx)} cannot be used with an API token${said}; log in with a user name and password instead`,
        base,
      );
    }
    return new ProxmoxError('permission', `permission denied for ${who} on ${where(ctx)}${said}; ask an administrator for access`, base);
  }

  if (status === 400) {
    const errors: Record<string, string> = {};
    for (const [field, msg] of Object.entries(body.errors ?? {})) errors[redactor.line(field, 60)] = redactor.line(msg, 200);
    const fields = Object.entries(errors);
    const detail = fields.length > 0 ? fields.map(([f, msg]) => `${f}: ${withoutFinalPeriod(msg)}`).join('; ') : serverMessage || 'the server gave no detail';
    return new ProxmoxError('parameter', `invalid parameters for ${where(ctx)}: ${detail}; fix ${fields.length > 1 ? 'them' : 'it'} and try again`, {
      ...base,
      errors,
    });
  }

  if (status === 404 && servedByEveryPve(ctx.path)) {
    return new ProxmoxError(
      'not-found',
      `${where(ctx)} answered 404${said}, yet every PVE API serves it: ${ctx.host} does not look like a PVE API (wrong port or path?); use the node's address with port 8006, e.g. https://pve.example:8006`,
      base,
    );
  }

  if (status === 404 || (status === 500 && looksLikeNotFound(serverMessage))) {
    const what = serverMessage && !/^not found$/i.test(serverMessage) ? serverMessage : `${ctx.path} does not exist`;
    return new ProxmoxError('not-found', `not found: ${what} (${where(ctx)}); check the node, id or name`, base);
  }

  if (status === 595 || status === 596) {
    const node = nodeFromPath(ctx.path);
    const subject = node !== undefined ? `node ${node}` : 'a cluster node';
    const why = serverMessage ? ` (${status} ${serverMessage})` : ` (${status})`;
    return new ProxmoxError(
      'node-unreachable',
      `${subject} is unreachable${why}: the PVE node you are connected to could not forward ${where(ctx)}; check that ${node ?? 'the node'} is up and in the cluster, or connect to another node`,
      node !== undefined ? { ...base, node } : base,
    );
  }

  if (status === 501) {
    return new ProxmoxError(
      'server',
      `${where(ctx)} is not implemented by this server${said}; check the path and method, or this PVE version may not have the feature`,
      base,
    );
  }

  if (status >= 500) {
    return new ProxmoxError(
      'server',
      `server error ${status} on ${where(ctx)}${said}; try again, and if it persists check the node's pveproxy/pvedaemon logs`,
      base,
    );
  }

  if (status >= 300 && status < 400) return redirectFailure(failure, ctx, redactor, base);

  return new ProxmoxError('server', `unexpected HTTP ${status} on ${where(ctx)}${said}; check the URL and the server`, base);
}

/**
 * A 3xx. Redirects are never followed (credentials would go wherever the server points), and
 * PVE's API never redirects, so the endpoint is wrong: name where the server points and, when
 * that is the same API elsewhere (http -> https, another port or prefix), the endpoint to use.
 */
function redirectFailure(failure: HttpFailure, ctx: RequestContext, redactor: SecretRedactor, base: ProxmoxErrorDetails): ProxmoxError {
  const { status } = failure;
  const raw = failure.location?.trim() ?? '';
  if (raw === '') {
    return new ProxmoxError(
      'protocol',
      `${where(ctx)} answered with a redirect (${status}) but no Location; the endpoint does not point at the PVE API: use the node's address with port 8006, e.g. https://pve.example:8006`,
      base,
    );
  }
  let target: URL | undefined;
  try {
    target = new URL(raw, failure.url);
  } catch {
    target = undefined;
  }
  // Shown without query or fragment (they may carry a token of some login page).
  const location = redactor.line(target ? `${target.origin}${target.pathname}` : raw, 200);
  const details: ProxmoxErrorDetails = { ...base, location };
  const apiAt = target?.pathname.indexOf('/api2/json') ?? -1;
  if (target && (target.protocol === 'https:' || target.protocol === 'http:') && apiAt >= 0) {
    const endpoint = redactor.line(`${target.origin}${target.pathname.slice(0, apiAt)}`, 200);
    return new ProxmoxError(
      'protocol',
      `${where(ctx)} was redirected (${status}) to ${location}: the endpoint redirects instead of serving the PVE API; use ${endpoint} as the endpoint`,
      details,
    );
  }
  return new ProxmoxError(
    'protocol',
    `${where(ctx)} was redirected (${status}) to ${location}: the endpoint redirects instead of serving the PVE API; use the node's address with port 8006, e.g. https://pve.example:8006`,
    details,
  );
}

function authFailure(ctx: RequestContext, serverMessage: string, base: ProxmoxErrorDetails): ProxmoxError {
  const said = serverMessage ? ` (${serverMessage})` : '';
  const who = ctx.principal ?? 'the user';
  switch (ctx.authMode) {
    case 'login':
      return new ProxmoxError(
        'auth',
        `authentication failed for ${who}: wrong user name or password; check the user, the realm (pam or pve) and the password`,
        base,
      );
    case 'token':
      return new ProxmoxError(
        'auth',
        `API token ${who} was rejected${said}; check the token id and secret, and that the token still exists and has not expired`,
        base,
      );
    case 'ticket':
      if (/csrf/i.test(serverMessage)) {
        return new ProxmoxError('auth', `the server rejected the CSRF token for ${where(ctx)}${said}; log in again`, base);
      }
      return new ProxmoxError(
        'auth',
        `authentication failed for ${who} on ${where(ctx)}${said} even after logging in again; check the credentials and that the account is enabled`,
        base,
      );
    case 'none':
      return new ProxmoxError('auth', `${where(ctx)} needs authentication${said}; configure an API token or a user name and password`, base);
  }
}

// ---- transport (non-HTTP) failures ------------------------------------------------------

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name lookup failed temporarily',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connection timed out',
  ECONNABORTED: 'connection aborted',
  EADDRNOTAVAIL: 'address not available',
};

export function isTlsCode(code: string | undefined): boolean {
  return code !== undefined && (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'));
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  event?: unknown;
}

function asErrorLike(e: unknown): ErrorLike {
  return typeof e === 'object' && e !== null ? (e as ErrorLike) : {};
}

/** Walks `cause` links looking for a TLS check raised by our agent. */
export function findTlsCheck(e: unknown): TlsCheckError | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    if (cur instanceof TlsCheckError) return cur;
    cur = asErrorLike(cur).cause;
  }
  return undefined;
}

// A write whose answer was lost may still have been carried out by the server.
const WRITE_ADVICE = 'the server may have carried it out: check (e.g. the task list) before repeating it';

function mayHaveActed(ctx: RequestContext): boolean {
  return ctx.method !== 'GET';
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function attemptsMade(ctx: RequestContext): string {
  return ctx.attempts !== undefined && ctx.attempts > 1 ? ` (${ctx.attempts} attempts)` : '';
}

// Low-level codes (ECONNREFUSED, ERR_TLS_…) are shown as they are; anything else is dropped.
const CODE_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/** A secret-free stand-in for the library error (which carries request headers and body). */
function summary(code: string | undefined, message: string): Error & { code?: string } {
  const e: Error & { code?: string } = new Error(message);
  if (code !== undefined) e.code = code;
  return e;
}

/** A failure below HTTP (no status): network, timeout, TLS, cancellation, bad body. */
export function mapTransportFailure(e: unknown, ctx: RequestContext, redactor: SecretRedactor): ProxmoxError {
  const err = asErrorLike(e);
  const name = typeof err.name === 'string' ? err.name : '';
  const code = typeof err.code === 'string' && CODE_RE.test(err.code) ? err.code : undefined;
  const rawMessage = typeof err.message === 'string' ? err.message : String(e);
  const message = redactor.line(rawMessage);
  const cause = summary(code, message);
  const base: ProxmoxErrorDetails = { method: ctx.method, path: ctx.path, cause };
  if (code !== undefined) base.code = code;

  const check = findTlsCheck(e);
  if (check) {
    const details: ProxmoxErrorDetails = { ...base, code: check.verifyCode ?? check.reason };
    if (check.fingerprint !== undefined) details.fingerprint = check.fingerprint;
    if (check.reason === 'pin-mismatch') {
      return new ProxmoxError(
        'tls',
        `TLS certificate of ${ctx.host} does not match the pinned fingerprint: the server presented SHA-256 ${check.fingerprint}; nothing was sent; if the certificate was renewed, check it on the node (pvenode cert info) and update the pin`,
        details,
      );
    }
    if (check.reason === 'no-certificate') {
      return new ProxmoxError('tls', `${ctx.host} presented no TLS certificate to compare with the pinned fingerprint; nothing was sent`, details);
    }
    const seen = check.fingerprint ? ` (SHA-256 ${check.fingerprint})` : '';
    return new ProxmoxError(
      'tls',
      `TLS certificate of ${ctx.host} is not trusted: ${describeVerifyCode(check.verifyCode)}${seen}; check it on the node (pvenode cert info), then pin it with the fingerprint setting or use insecure mode`,
      details,
    );
  }

  if (name === 'AbortError' || code === 'ERR_ABORTED' || name === 'CancelError') {
    return new ProxmoxError('cancelled', `${where(ctx)} was cancelled`, base);
  }

  if (name === 'TimeoutError') {
    const event = typeof err.event === 'string' ? err.event : '';
    if (event === 'lookup' || event === 'connect' || event === 'secureConnect') {
      const what = event === 'secureConnect' ? 'complete the TLS handshake with' : 'connect to';
      return new ProxmoxError(
        'timeout',
        `could not ${what} ${ctx.host} within ${seconds(ctx.connectTimeoutMs)}${attemptsMade(ctx)}; check the address, port and firewall, or raise the connect timeout`,
        base,
      );
    }
    const advice = mayHaveActed(ctx) ? WRITE_ADVICE : 'the server may be overloaded: try again or raise the response timeout';
    return new ProxmoxError(
      'timeout',
      `no response from ${ctx.host} within ${seconds(ctx.responseTimeoutMs)}${attemptsMade(ctx)} for ${where(ctx)}; ${advice}`,
      base,
    );
  }

  if (name === 'ParseError' || code === 'ERR_BODY_PARSE_FAILURE') {
    const advice = mayHaveActed(ctx) ? WRITE_ADVICE : 'check that the URL points at the PVE API, and try again';
    return new ProxmoxError('protocol', `malformed response to ${where(ctx)} from ${ctx.host}: ${describeParseProblem(e)}; ${advice}`, base);
  }

  if (isTlsCode(code)) {
    return new ProxmoxError(
      'tls',
      `TLS handshake with ${ctx.host} failed (${code}: ${message}); check that the port speaks HTTPS (PVE: 8006)`,
      base,
    );
  }

  if (code !== undefined && code in NETWORK_WORDS) {
    const words = NETWORK_WORDS[code]!;
    const advice =
      code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'check the host name and DNS'
        : code === 'ECONNREFUSED'
          ? 'check the host and port (PVE: 8006) and that pveproxy is running'
          : mayHaveActed(ctx) && (code === 'ECONNRESET' || code === 'EPIPE')
            ? WRITE_ADVICE
            : 'check the network and that the server is up, then try again';
    return new ProxmoxError('network', `cannot reach ${ctx.host} (${words}, ${code}) for ${where(ctx)}; ${advice}`, base);
  }

  return new ProxmoxError(
    'network',
    `request ${where(ctx)} to ${ctx.host} failed: ${message || 'unknown error'}${code ? ` (${code})` : ''}; check the connection and try again`,
    base,
  );
}

function describeVerifyCode(code: string | undefined): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'self-signed certificate';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'issued by an unknown certificate authority';
    case 'CERT_HAS_EXPIRED':
      return 'certificate has expired';
    case 'CERT_NOT_YET_VALID':
      return 'certificate is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'certificate is for a different host name';
    default:
      return code ? `verification failed (${code})` : 'verification failed';
  }
}

/** Marker for a 2xx body that is not a PVE envelope (empty, or JSON but not `{"data": …}`).
 * Its code makes it a malformed body: retried on GET, reported as 'protocol'. */
export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
  readonly code = 'ERR_BODY_PARSE_FAILURE';
}

function describeParseProblem(e: unknown): string {
  const envelope = findCause(e, (c) => c instanceof EnvelopeError);
  if (envelope instanceof EnvelopeError) return envelope.message;
  return 'the body is not valid JSON';
}

function findCause(e: unknown, test: (c: unknown) => boolean): unknown {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    if (test(cur)) return cur;
    cur = asErrorLike(cur).cause;
  }
  return undefined;
}
