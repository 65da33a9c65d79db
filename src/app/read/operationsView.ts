// Recorded operations (src/db/operationLog.ts) as the read commands and the console show them:
// a record for JSON/YAML, and table cells for people. Shared by `history --ops`, `describe`
// and the console's History tab.
import type { LoggedCall, OperationLogEntry } from '../../db/operationLog.js';
import { safeText } from '../../util/terminalText.js';
import { formatDateTime, isoTime } from '../output/units.js';

export interface OperationRecord {
  startedAt: string | null;
  endedAt: string | null;
  source: 'cli' | 'console';
  user: string | null;
  action: string;
  type: 'qemu' | 'lxc';
  vmid: number;
  guest: string | null;
  node: string;
  risk: string | null;
  outcome: string;
  message: string;
  exitStatus: string | null;
  upid: string | null;
  durationMs: number | null;
  calls: LoggedCall[];
}

export function operationRecord(e: OperationLogEntry): OperationRecord {
  return {
    startedAt: isoTime(e.startedAt),
    endedAt: isoTime(e.endedAt),
    source: e.source,
    user: e.user ?? null,
    action: e.action,
    type: e.type,
    vmid: e.vmid,
    guest: e.name === '' ? null : e.name,
    node: e.node,
    risk: e.risk ?? null,
    outcome: e.outcome,
    message: e.message,
    exitStatus: e.exitStatus ?? null,
    upid: e.upid ?? null,
    durationMs: e.durationMs ?? null,
    calls: e.calls,
  };
}

/** `2.4 s`, `1 min 5 s`, or `-` for a run that was not timed (a refusal). */
export function tookText(e: Pick<OperationLogEntry, 'durationMs' | 'outcome'>): string {
  if (e.durationMs === undefined || e.outcome === 'refused' || e.outcome === 'skipped') return '-';
  const s = e.durationMs / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** `start done`, `stop refused`... with who and from where: `root@pam (cli)`. */
export function byText(e: Pick<OperationLogEntry, 'user' | 'source'>): string {
  return `${e.user !== undefined ? safeText(e.user) : '?'} (${e.source})`;
}

/** The cells of a guest's own operations table (describe, the console's History tab). */
export const GUEST_OPERATION_HEADERS = ['TIME', 'ACTION', 'OUTCOME', 'BY', 'TOOK', 'MESSAGE'] as const;

export function guestOperationCells(e: OperationLogEntry): string[] {
  return [formatDateTime(e.startedAt), safeText(e.action), e.outcome, byText(e), tookText(e), safeText(e.message) || '-'];
}
