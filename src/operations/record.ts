// Recording operations in history: what was done (or refused) to which guest, by whom, from
// where, how it ended. Both the CLI's shared run and the console's controller call this, so
// every operation that goes through them is recorded. Secrets never land: parameter values
// whose names speak of a password, a key or a token are masked. A failure to record is a
// warning, never a failed operation.
import type Database from 'better-sqlite3';
import { openDatabase } from '../db/client.js';
import { insertOperations, type LoggedCall, type OperationLogEntry, type OperationSource } from '../db/operationLog.js';
import { redact } from '../util/redact.js';
import { safeText } from '../util/terminalText.js';
import type { ApiCall, OperationPlan, OperationResult, Refusal } from './types.js';

export const MASKED = '***';

/** Parameter names whose values are never recorded. */
const SECRET_NAME = /pass|secret|token|key|cookie|ticket|credential|auth/i;

/** Longest parameter value kept (a long description is cut). */
const MAX_VALUE = 200;

/** The call as history keeps it: method and path, parameters with secrets masked. */
export function recordedCall(call: ApiCall): LoggedCall {
  const out: LoggedCall = { method: call.method, path: safeText(call.path) };
  if (call.params !== undefined) {
    const params: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(call.params)) {
      const key = safeText(name);
      if (SECRET_NAME.test(name)) params[key] = MASKED;
      else if (typeof value === 'number') params[key] = value;
      else {
        const text = safeText(String(value));
        params[key] = text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
      }
    }
    out.params = params;
  }
  return out;
}

export interface RecordMeta {
  source: OperationSource;
  /** The profile's user (see userOf). */
  user?: string;
  /** Epoch ms; defaults: now less the result's duration, and now. */
  startedAt?: number;
  endedAt?: number;
}

/** One history entry for one result (the plan, when there was one, gives risk and calls). */
export function operationEntry(result: OperationResult, plan: OperationPlan | undefined, meta: RecordMeta): OperationLogEntry {
  const endedAt = meta.endedAt ?? Date.now();
  const startedAt = meta.startedAt ?? endedAt - (result.durationMs ?? 0);
  const t = result.target;
  const entry: OperationLogEntry = {
    startedAt,
    endedAt,
    source: meta.source,
    action: result.action,
    type: t.type,
    vmid: t.vmid,
    name: safeText(t.name),
    node: safeText(t.node),
    outcome: result.outcome === 'planned' ? 'skipped' : result.outcome,
    message: redact(safeText(result.message)),
    calls: (plan?.calls ?? []).map(recordedCall),
  };
  if (meta.user !== undefined) entry.user = meta.user;
  if (plan !== undefined) entry.risk = plan.risk;
  if (result.exitStatus !== undefined) entry.exitStatus = redact(safeText(result.exitStatus));
  if (result.upid !== undefined) entry.upid = result.upid;
  if (result.durationMs !== undefined) entry.durationMs = result.durationMs;
  return entry;
}

/** Operations that did not run: refused when planned (`skipped` when there was nothing to do),
 * or planned and not confirmed. */
export function declinedEntries(plans: readonly OperationPlan[], refusals: readonly Refusal[], meta: RecordMeta): OperationLogEntry[] {
  return [
    ...refusals.map((r) => operationEntry({ action: r.action, target: r.target, outcome: r.reason === 'not-applicable' ? 'skipped' : 'refused', message: r.message }, undefined, meta)),
    ...plans.map((p) => operationEntry({ action: p.action, target: p.target, outcome: 'refused', message: 'not confirmed' }, p, meta)),
  ];
}

/** Who acts: the token's id (`user@realm!name`) or the user name; never the secret. */
export function userOf(auth: { kind: 'token'; tokenId: string } | { kind: 'password'; username: string }): string {
  return auth.kind === 'token' ? auth.tokenId : auth.username;
}

export interface OperationRecorder {
  /** Writes the entries; resolves when written or given up (with a warning), never rejects. */
  record(entries: readonly OperationLogEntry[]): Promise<void>;
  /** Tries once more what still waits for the database, then closes the connection. */
  close(): void;
}

export interface RecorderOptions {
  cachePath: string;
  profile: { name: string; endpoint?: string };
  /** How long one write waits for another connection's lock (the sync's transaction). The
   * console keeps this short (its UI thread must not stall) and retries instead. */
  busyTimeoutMs?: number;
  /** Further attempts when the database stays busy, `retryDelayMs` apart (default 0). */
  retries?: number;
  retryDelayMs?: number;
  onWarning(message: string): void;
  /** Opens the connection (default: openDatabase, which checks and migrates the file). */
  open?: (path: string, busyTimeoutMs: number) => Database.Database;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY'));
}

/** A recorder over its own connection to the cache file, opened at the first write. */
export function createRecorder(options: RecorderOptions): OperationRecorder {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const open = options.open ?? ((path: string, timeout: number) => openDatabase(path, { quickCheck: false, busyTimeoutMs: timeout }));
  let db: Database.Database | undefined;
  let closed = false;
  const waiting = new Set<readonly OperationLogEntry[]>();
  const warn = (entries: readonly OperationLogEntry[], error: unknown): void => {
    const what = entries.length === 1 ? `${entries[0]!.action} ${entries[0]!.type}/${entries[0]!.vmid}` : `${entries.length} operations`;
    options.onWarning(`${what} not recorded in history: ${safeText(error instanceof Error ? error.message : String(error))}`);
  };
  /** One attempt: true when done with (written, or failed for good). */
  const attempt = (entries: readonly OperationLogEntry[], last: boolean): boolean => {
    try {
      db ??= open(options.cachePath, busyTimeoutMs);
      insertOperations(db, options.profile, entries);
      return true;
    } catch (error) {
      if (isBusy(error) && !last) return false;
      warn(entries, error);
      return true;
    }
  };
  return {
    async record(entries) {
      if (entries.length === 0 || closed) return;
      const retries = options.retries ?? 0;
      waiting.add(entries);
      try {
        for (let i = 0; ; i++) {
          if (closed) return; // close() made the last attempt
          if (attempt(entries, i >= retries)) return;
          await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 250));
        }
      } finally {
        waiting.delete(entries);
      }
    },
    close() {
      if (closed) return;
      closed = true;
      for (const entries of waiting) attempt(entries, true);
      waiting.clear();
      try {
        db?.close();
      } catch {
        // closing a connection that failed: nothing to keep
      }
      db = undefined;
    },
  };
}
