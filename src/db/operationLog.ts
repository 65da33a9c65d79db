// The operations log: one row per operation run on a guest (from the CLI or the console), read
// back by `history`, `describe` and the console's History tab. Written by the process that ran
// the operation over its own connection (the sync worker writes the rest of the cache); the
// rows are small and written one transaction each, so a running sync hardly notices.
import type Database from 'better-sqlite3';
import type { GuestKey, GuestType } from './model.js';

export type OperationSource = 'cli' | 'console';
export type LoggedOutcome = 'done' | 'failed' | 'refused' | 'skipped';

/** One call as recorded: the parameters' values of secrets are masked. */
export interface LoggedCall {
  method: string;
  path: string;
  params?: Record<string, string | number>;
}

export interface OperationLogEntry {
  /** Row id (absent before it is written). */
  id?: number;
  /** Epoch ms. */
  startedAt: number;
  endedAt: number;
  source: OperationSource;
  user?: string;
  action: string;
  type: GuestType;
  vmid: number;
  name: string;
  node: string;
  risk?: 'low' | 'medium' | 'high' | 'critical';
  outcome: LoggedOutcome;
  message: string;
  exitStatus?: string;
  upid?: string;
  durationMs?: number;
  calls: LoggedCall[];
}

export interface OperationLogFilter {
  key?: GuestKey;
  /** From this time on (epoch ms, inclusive). */
  since?: number;
  /** The newest this many. */
  limit?: number;
}

interface Row {
  id: number;
  started_at: number;
  ended_at: number;
  source: OperationSource;
  user: string | null;
  action: string;
  type: GuestType;
  vmid: number;
  name: string;
  node: string;
  risk: OperationLogEntry['risk'] | null;
  outcome: LoggedOutcome;
  message: string;
  exit_status: string | null;
  upid: string | null;
  duration_ms: number | null;
  calls: string;
}

function parseCalls(text: string): LoggedCall[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as LoggedCall[]) : [];
  } catch {
    return [];
  }
}

function fromRow(r: Row): OperationLogEntry {
  const e: OperationLogEntry = {
    id: r.id,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    source: r.source,
    action: r.action,
    type: r.type,
    vmid: r.vmid,
    name: r.name,
    node: r.node,
    outcome: r.outcome,
    message: r.message,
    calls: parseCalls(r.calls),
  };
  if (r.user !== null) e.user = r.user;
  if (r.risk !== null) e.risk = r.risk;
  if (r.exit_status !== null) e.exitStatus = r.exit_status;
  if (r.upid !== null) e.upid = r.upid;
  if (r.duration_ms !== null) e.durationMs = r.duration_ms;
  return e;
}

const COLUMNS = 'id, started_at, ended_at, source, user, action, type, vmid, name, node, risk, outcome, message, exit_status, upid, duration_ms, calls';

/** The operations of a profile, newest first. */
export function readOperations(sqlite: Database.Database, profileId: number, filter: OperationLogFilter = {}): OperationLogEntry[] {
  const where = ['profile_id = ?'];
  const args: (string | number)[] = [profileId];
  if (filter.key !== undefined) {
    const [type, vmid] = filter.key.split('/');
    where.push('type = ?', 'vmid = ?');
    args.push(type!, Number(vmid));
  }
  if (filter.since !== undefined) {
    where.push('started_at >= ?');
    args.push(filter.since);
  }
  const limit = filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
  const rows = sqlite.prepare(`SELECT ${COLUMNS} FROM operations WHERE ${where.join(' AND ')} ORDER BY started_at DESC, id DESC${limit}`).all(...args) as Row[];
  return rows.map(fromRow);
}

/** Writes entries in one transaction, under the profile `name` (created when the cache has no
 * row for it yet, with `endpoint`). Returns the new rows' ids. */
export function insertOperations(sqlite: Database.Database, profile: { name: string; endpoint?: string }, entries: readonly OperationLogEntry[], now: number = Date.now()): number[] {
  const findProfile = sqlite.prepare('SELECT id FROM profiles WHERE name = ?').pluck();
  const createProfile = sqlite.prepare('INSERT INTO profiles (name, endpoint, created_at) VALUES (?, ?, ?)');
  const insert = sqlite.prepare(
    `INSERT INTO operations (profile_id, started_at, ended_at, source, user, action, type, vmid, name, node, risk, outcome, message, exit_status, upid, duration_ms, calls)
     VALUES (@profileId, @startedAt, @endedAt, @source, @user, @action, @type, @vmid, @name, @node, @risk, @outcome, @message, @exitStatus, @upid, @durationMs, @calls)`,
  );
  const write = sqlite.transaction((): number[] => {
    let profileId = findProfile.get(profile.name) as number | undefined;
    if (profileId === undefined) profileId = Number(createProfile.run(profile.name, profile.endpoint ?? '', now).lastInsertRowid);
    return entries.map(
      (e) =>
        Number(
          insert.run({
            profileId,
            startedAt: Math.round(e.startedAt),
            endedAt: Math.round(e.endedAt),
            source: e.source,
            user: e.user ?? null,
            action: e.action,
            type: e.type,
            vmid: e.vmid,
            name: e.name,
            node: e.node,
            risk: e.risk ?? null,
            outcome: e.outcome,
            message: e.message,
            exitStatus: e.exitStatus ?? null,
            upid: e.upid ?? null,
            durationMs: e.durationMs === undefined ? null : Math.round(e.durationMs),
            calls: JSON.stringify(e.calls),
          }).lastInsertRowid,
        ),
    );
  });
  // IMMEDIATE: take the write lock at the start (busy_timeout waits for a sync's transaction),
  // rather than fail half-way when a reader's snapshot would have to be upgraded.
  return write.immediate();
}
