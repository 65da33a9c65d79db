// TLS policy for the connection to pveproxy: verify (default), pin a SHA-256 fingerprint, or
// insecure. Node only calls `checkServerIdentity` when the chain verified, so a self-signed
// certificate (what every fresh PVE node has) would skip it; instead every mode connects with
// rejectUnauthorized=false and decides on `secureConnect`, before the HTTP layer can write a
// byte (the same point where Node's own rejectUnauthorized destroys the socket).
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { ProxmoxError } from './errors.js';

export type TlsMode =
  | { mode: 'verify'; ca?: string | Buffer }
  | { mode: 'pinned'; fingerprint: string }
  | { mode: 'insecure' };

export interface TlsOptions {
  /** Accept any certificate. Only when asked; a pinned fingerprint takes precedence. */
  insecure?: boolean;
  /** SHA-256 of the server certificate, `AB:CD:…` (any case, colons optional). */
  fingerprint?: string;
  /** Extra trusted CA certificate(s), PEM, for verify mode. */
  ca?: string | Buffer;
}

export type TlsFailureReason = 'pin-mismatch' | 'untrusted' | 'no-certificate';

/** Raised on the socket; the HTTP layer turns it into ProxmoxError kind 'tls'. */
export class TlsCheckError extends Error {
  override name = 'TlsCheckError';
  readonly code = 'PVE_TLS_CHECK_FAILED';
  constructor(
    readonly reason: TlsFailureReason,
    /** The SHA-256 fingerprint the server presented (upper-case, colon-separated). */
    readonly fingerprint: string | undefined,
    /** Node's verification error code, for 'untrusted' (e.g. DEPTH_ZERO_SELF_SIGNED_CERT). */
    readonly verifyCode?: string,
  ) {
    super(`TLS check failed: ${reason}${verifyCode ? ` (${verifyCode})` : ''}`);
  }
}

const HEX64 = /^[0-9A-F]{64}$/;

export function isValidFingerprint(value: string): boolean {
  return HEX64.test(value.replace(/:/g, '').toUpperCase());
}

/** `ab:cd…` or `abcd…` -> `AB:CD:…`; throws on anything that is not 32 hex bytes. */
export function normalizeFingerprint(value: string): string {
  const hex = value.trim().replace(/:/g, '').toUpperCase();
  if (!HEX64.test(hex)) {
    throw new ProxmoxError('parameter', 'a TLS fingerprint must be the SHA-256 of the certificate: 32 hex bytes, e.g. AB:CD:…');
  }
  return hex.match(/../g)!.join(':');
}

export function fingerprintsEqual(a: string, b: string): boolean {
  return a.replace(/:/g, '').toUpperCase() === b.replace(/:/g, '').toUpperCase();
}

export function resolveTlsMode(options: TlsOptions): TlsMode {
  if (options.fingerprint !== undefined && options.fingerprint !== '') {
    return { mode: 'pinned', fingerprint: normalizeFingerprint(options.fingerprint) };
  }
  if (options.insecure) return { mode: 'insecure' };
  return options.ca !== undefined ? { mode: 'verify', ca: options.ca } : { mode: 'verify' };
}

/** Decides whether a freshly handshaken socket may carry requests; returns why not. */
export function checkPeer(socket: tls.TLSSocket, mode: TlsMode): TlsCheckError | undefined {
  if (mode.mode === 'insecure') return undefined;
  const cert = socket.getPeerCertificate();
  const seen = cert && typeof cert.fingerprint256 === 'string' ? cert.fingerprint256 : undefined;
  if (mode.mode === 'pinned') {
    if (seen === undefined) return new TlsCheckError('no-certificate', undefined);
    return fingerprintsEqual(seen, mode.fingerprint) ? undefined : new TlsCheckError('pin-mismatch', seen);
  }
  if (socket.authorized) return undefined;
  const code = socket.authorizationError;
  return new TlsCheckError('untrusted', seen, code === undefined ? undefined : String(code));
}

export interface AgentOptions {
  /** Idle keep-alive sockets are closed after this long (below pveproxy's own idle timeout). */
  idleSocketMs?: number;
}

class CheckedHttpsAgent extends https.Agent {
  constructor(
    private readonly tlsMode: TlsMode,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  // Returning the socket (rather than calling back) is how Node's own https.Agent does it.
  override createConnection(options: tls.ConnectionOptions): Duplex {
    const mode = this.tlsMode;
    const connectOptions: tls.ConnectionOptions = {
      ...options,
      rejectUnauthorized: false,
      ...(mode.mode === 'verify' && mode.ca !== undefined ? { ca: mode.ca } : {}),
    };
    const socket = tls.connect(connectOptions);
    socket.once('secureConnect', () => {
      const failure = checkPeer(socket, mode);
      if (failure) socket.destroy(failure);
    });
    return socket;
  }
}

/** The agent a client uses for its whole life (keep-alive; each new connection is checked). */
export function createAgent(protocol: 'http:' | 'https:', mode: TlsMode, options: AgentOptions = {}): http.Agent {
  const common = { keepAlive: true, timeout: options.idleSocketMs ?? 4000, scheduling: 'lifo' as const };
  if (protocol === 'http:') return new http.Agent(common);
  // Sessions are not cached: a resumed session may carry no peer certificate to check.
  return new CheckedHttpsAgent(mode, { ...common, maxCachedSessions: 0 });
}
