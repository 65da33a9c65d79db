// The vocabulary every mutation shares, whoever asks for it (console, CLI, MCP): what is acted
// on, how risky it is, the exact API calls it makes, and how it ended.
import type { GuestType } from '../db/model.js';

/** LOW runs at once; MEDIUM and HIGH ask y/N; CRITICAL asks for the guest's name. */
export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';
export const RISK_LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical'];

/** The guest an operation acts on, as the cache (or the API) last saw it. */
export interface GuestTarget {
  type: GuestType;
  vmid: number;
  node: string;
  name: string;
  status: string;
  template: boolean;
  lock?: string;
}

/** One request exactly as it is sent: what --dry-run prints. */
export interface ApiCall {
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  params?: Readonly<Record<string, string | number>>;
}

export interface OperationPlan {
  /** `start`, `stop`... */
  action: string;
  target: GuestTarget;
  risk: RiskLevel;
  calls: readonly ApiCall[];
  /** What will happen, for the confirmation: `stop VM 100 web-01 on pve1 at once`. */
  summary: string;
  /** What could be lost, when something could. */
  loss?: string;
  /** Plans of several calls (create: clone, config update, start): a short name per call, so
   * that a failure half-way says which calls completed. */
  steps?: readonly string[];
  /** Said when a call after the first fails: what stands then (`VM 130 web-03 exists, stopped`). */
  ifFailedAfterFirst?: string;
  /** Said when the first call fails (`nothing was created`). */
  ifFailedAtFirst?: string;
}

/** Why an operation is not even asked: read-only mode, a lock, or it does not apply. */
export interface Refusal {
  action: string;
  target: GuestTarget;
  /** not-applicable: nothing to do (already so: skipped, not an error); blocked: it cannot be
   * done in this state (a running or protected guest for delete); not-found: what the
   * operation names (a snapshot) does not exist. */
  reason: 'read-only' | 'locked' | 'not-applicable' | 'blocked' | 'not-found';
  message: string;
}

export type OperationOutcome = 'done' | 'failed' | 'refused' | 'skipped' | 'planned';

export interface OperationResult {
  action: string;
  target: GuestTarget;
  outcome: OperationOutcome;
  /** One line: PVE's exit status, the error, the refusal, or what a dry run would send. */
  message: string;
  upid?: string;
  /** `OK`, `WARNINGS: n` or PVE's error text, when the task ended. */
  exitStatus?: string;
  /** The last lines of the task's log. */
  logTail?: string[];
  durationMs?: number;
  /** How many of the plan's calls completed (their tasks ended OK, or they were only sent with
   * --no-wait); set when a plan of several calls failed. */
  completedCalls?: number;
  /** A PVE 400: its per-parameter messages (parameter -> message), for mapping back to fields. */
  paramErrors?: Record<string, string>;
}

export function guestLabel(t: Pick<GuestTarget, 'type' | 'vmid' | 'name'>): string {
  return `${t.type === 'qemu' ? 'VM' : 'CT'} ${t.vmid}${t.name ? ` ${t.name}` : ''}`;
}
