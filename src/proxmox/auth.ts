// Authentication: an API token (a fixed header, no CSRF) or a user name and password that are
// traded for a ticket (cookie PVEAuthCookie + CSRFPreventionToken header on every non-GET).
// Tickets live 2 h; they are renewed before that by posting the current ticket as the password,
// and a 401 triggers one fresh login.
import { ProxmoxError } from './errors.js';
import type { AuthMode } from './errorMapping.js';
import type { HttpMethod, HttpTransport } from './http.js';
import { isApiTokenId } from './principal.js';
import { oneLine, type SecretRedactor } from './redact.js';

export interface TokenCredentials {
  /** `USER@REALM!TOKENID`, e.g. `root@pam!mpc`. */
  tokenId: string;
  tokenSecret: string;
}

export interface PasswordCredentials {
  /** `root`, or `root@pam` (a realm in the name wins over `realm`). */
  username: string;
  password: string;
  /** `pam` (Linux users) or `pve` (PVE users); default `pam`. */
  realm?: string;
}

export type Credentials = TokenCredentials | PasswordCredentials;

export function isTokenCredentials(c: Credentials): c is TokenCredentials {
  return 'tokenId' in c;
}

/**
 * `USER@REALM!TOKENID=SECRET` (the form PROXMOX_VE_API_TOKEN uses) -> its two parts. PVE splits
 * `PVEAPIToken=ID=SECRET` at the last `=`, so it is split here the same way; a secret holding
 * a `=` (`root@pam!a=b=c`) would leave `=` in the token name, which PVE never accepts, and is
 * refused here rather than failing with a 401 at every request.
 */
export function parseApiToken(value: string): TokenCredentials {
  const text = value.trim().replace(/^PVEAPIToken=/i, '');
  const eq = text.lastIndexOf('=');
  const tokenId = text.slice(0, Math.max(eq, 0));
  const tokenSecret = text.slice(eq + 1);
  if (eq <= 0 || tokenSecret === '' || !isApiTokenId(tokenId)) {
    throw new ProxmoxError('parameter', 'an API token is written USER@REALM!TOKENID=SECRET, e.g. root@pam!mpc=<uuid>');
  }
  return { tokenId, tokenSecret };
}

/** PVE tickets expire after 2 h; renew well before (proxmoxer: every hour). */
export const DEFAULT_TICKET_RENEW_AFTER_MS = 60 * 60 * 1000;
export const TICKET_LIFETIME_MS = 2 * 60 * 60 * 1000;

export interface AuthProvider {
  readonly mode: Exclude<AuthMode, 'login' | 'none'>;
  /** `root@pam` or `root@pam!mpc`. */
  readonly principal: string;
  /** Headers for one request; may log in or renew the ticket first. */
  headers(method: HttpMethod, signal?: AbortSignal): Promise<Record<string, string>>;
  /** After a 401: whether fresh credentials were obtained so the request may be tried once more. */
  recover(rejectedHeaders: Record<string, string>, signal?: AbortSignal): Promise<boolean>;
}

export class TokenAuth implements AuthProvider {
  readonly mode = 'token' as const;
  readonly principal: string;
  private readonly header: string;

  constructor(credentials: TokenCredentials, redactor: SecretRedactor) {
    const tokenId = credentials.tokenId.trim();
    if (!isApiTokenId(tokenId)) {
      // Whatever follows a `=` may be the secret (the whole USER@REALM!TOKENID=SECRET pasted as
      // the id): never echo it.
      const eq = tokenId.indexOf('=');
      const shown = eq >= 0 ? `${tokenId.slice(0, eq)}=…` : tokenId;
      throw new ProxmoxError('parameter', `'${oneLine(shown, 80)}' is not an API token id; it looks like USER@REALM!TOKENID, e.g. root@pam!mpc`);
    }
    if (credentials.tokenSecret.trim() === '') {
      throw new ProxmoxError('parameter', `the secret for API token ${tokenId} is empty; pass the token secret (a UUID)`);
    }
    if (credentials.tokenSecret.includes('=')) {
      // PVE reads `PVEAPIToken=ID=SECRET` up to the last `=`: this secret can never match.
      throw new ProxmoxError(
        'parameter',
        `the secret for API token ${tokenId} contains '=', which PVE cannot accept (it splits the token at the last '='); check that the secret was copied correctly`,
      );
    }
    this.principal = tokenId;
    redactor.add(credentials.tokenSecret, 'token-secret');
    this.header = `PVEAPIToken=${tokenId}=${credentials.tokenSecret}`;
  }

  async headers(): Promise<Record<string, string>> {
    return { Authorization: this.header };
  }

  async recover(): Promise<boolean> {
    return false; // a rejected token stays rejected
  }
}

export interface Ticket {
  ticket: string;
  csrfToken: string;
  username: string;
  /** When the server issued it (ms since epoch), from the ticket's own hex timestamp. */
  issuedAtMs: number;
  /** Local clock minus server clock at the time we got it, when they differ by more than 5 min. */
  skewMs: number;
}

/** `PVE:<user@realm>:<8 hex unix time>::<signature>` -> issue time in ms. */
export function ticketIssuedAtMs(ticket: string): number | undefined {
  const m = /^[A-Z]+:[^:]+:([0-9A-Fa-f]{8}):/.exec(ticket);
  return m ? parseInt(m[1]!, 16) * 1000 : undefined;
}

export function fullUsername(username: string, realm?: string): string {
  const name = username.trim();
  if (name.includes('@')) return name;
  return `${name}@${realm?.trim() || 'pam'}`;
}

const SKEW_TOLERANCE_MS = 5 * 60 * 1000;

export interface TicketAuthOptions {
  /** Renew once the ticket is older than this (default 1 h; PVE's lifetime is 2 h). */
  renewAfterMs?: number;
  /** Injectable clock (ms since epoch). */
  now?: () => number;
}

export class TicketAuth implements AuthProvider {
  readonly mode = 'ticket' as const;
  readonly principal: string;
  private current: Ticket | undefined;
  private pending: Promise<Ticket> | undefined;
  private readonly renewAfterMs: number;
  private readonly now: () => number;

  constructor(
    private readonly credentials: PasswordCredentials,
    private readonly transport: HttpTransport,
    private readonly redactor: SecretRedactor,
    options: TicketAuthOptions = {},
  ) {
    this.principal = fullUsername(credentials.username, credentials.realm);
    this.renewAfterMs = options.renewAfterMs ?? DEFAULT_TICKET_RENEW_AFTER_MS;
    this.now = options.now ?? Date.now;
    redactor.add(credentials.password, 'password');
  }

  /** Age as the server sees it, corrected for a large clock skew measured at login. */
  ticketAgeMs(ticket: Ticket): number {
    return this.now() - ticket.skewMs - ticket.issuedAtMs;
  }

  async login(signal?: AbortSignal): Promise<Ticket> {
    return this.shared(() => this.requestTicket(this.credentials.password), signal);
  }

  async headers(method: HttpMethod, signal?: AbortSignal): Promise<Record<string, string>> {
    const ticket = await this.validTicket(signal);
    // Raw: a ticket's `:+/=` are valid cookie octets, and PVE only %-unescapes.
    const headers: Record<string, string> = { Cookie: `PVEAuthCookie=${ticket.ticket}` };
    if (method !== 'GET') headers.CSRFPreventionToken = ticket.csrfToken;
    return headers;
  }

  async recover(rejectedHeaders: Record<string, string>, signal?: AbortSignal): Promise<boolean> {
    // Another request may already have logged in again since this one was sent.
    if (this.current && rejectedHeaders.Cookie !== `PVEAuthCookie=${this.current.ticket}`) return true;
    this.current = undefined;
    await this.login(signal);
    return true;
  }

  private async validTicket(signal?: AbortSignal): Promise<Ticket> {
    if (this.pending) return unlessAborted(this.pending, signal);
    const ticket = this.current;
    if (!ticket) return this.login(signal);
    if (this.ticketAgeMs(ticket) < this.renewAfterMs) return ticket;
    return this.shared(() => this.renew(ticket), signal);
  }

  private async renew(old: Ticket): Promise<Ticket> {
    if (this.ticketAgeMs(old) < TICKET_LIFETIME_MS) {
      try {
        return await this.requestTicket(old.ticket);
      } catch (e) {
        if (!(e instanceof ProxmoxError) || e.kind !== 'auth') throw e;
        // the server no longer accepts it: fall back to the password
      }
    }
    return this.requestTicket(this.credentials.password);
  }

  /**
   * One login (or renewal) at a time, shared by every caller that needs a ticket meanwhile. It
   * runs without any caller's AbortSignal, so one caller giving up cannot fail the others; each
   * caller stops waiting when its own signal aborts, and the login goes on for the rest.
   */
  private shared(fetch: () => Promise<Ticket>, signal: AbortSignal | undefined): Promise<Ticket> {
    if (signal?.aborted) return Promise.reject(loginCancelled());
    if (!this.pending) {
      this.pending = fetch()
        .then((ticket) => {
          this.current = ticket;
          return ticket;
        })
        .finally(() => {
          this.pending = undefined;
        });
    }
    return unlessAborted(this.pending, signal);
  }

  private async requestTicket(password: string): Promise<Ticket> {
    const envelope = await this.transport.send({
      method: 'POST',
      path: '/access/ticket',
      params: { username: this.principal, password },
      authMode: 'login',
      principal: this.principal,
    });
    const data = envelope.data;
    if (typeof data !== 'object' || data === null) {
      throw new ProxmoxError('protocol', `the login answer for ${this.principal} carries no ticket; check that the URL points at the PVE API`, {
        method: 'POST',
        path: '/access/ticket',
      });
    }
    const record = data as Record<string, unknown>;
    if (record.NeedTFA === 1 || record.NeedTFA === '1') {
      throw new ProxmoxError(
        'auth',
        `${this.principal} needs a second factor (TFA), which proxmox-mpc cannot answer; use an API token for this account instead`,
        { method: 'POST', path: '/access/ticket' },
      );
    }
    const ticket = record.ticket;
    const csrfToken = record.CSRFPreventionToken;
    if (typeof ticket !== 'string' || typeof csrfToken !== 'string') {
      throw new ProxmoxError('protocol', `the login answer for ${this.principal} has no ticket or CSRF token; check that the URL points at the PVE API`, {
        method: 'POST',
        path: '/access/ticket',
      });
    }
    this.redactor.add(ticket, 'ticket');
    this.redactor.add(csrfToken, 'csrf-token');
    const localNow = this.now();
    const issuedAtMs = ticketIssuedAtMs(ticket) ?? localNow;
    const skew = localNow - issuedAtMs;
    return {
      ticket,
      csrfToken,
      username: typeof record.username === 'string' ? record.username : this.principal,
      issuedAtMs,
      skewMs: Math.abs(skew) > SKEW_TOLERANCE_MS ? skew : 0,
    };
  }
}

function loginCancelled(): ProxmoxError {
  return new ProxmoxError('cancelled', 'POST /access/ticket was cancelled', { method: 'POST', path: '/access/ticket' });
}

/** The shared login's outcome, or kind 'cancelled' as soon as this caller's signal aborts
 * (the login itself goes on for the other callers). */
function unlessAborted(login: Promise<Ticket>, signal: AbortSignal | undefined): Promise<Ticket> {
  if (!signal) return login;
  if (signal.aborted) return Promise.reject(loginCancelled());
  return new Promise<Ticket>((resolve, reject) => {
    const abort = (): void => reject(loginCancelled());
    signal.addEventListener('abort', abort, { once: true });
    login.then(
      (ticket) => {
        signal.removeEventListener('abort', abort);
        resolve(ticket);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}
