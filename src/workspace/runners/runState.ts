// What a terraform run looks like so far, folded from its events: one row per resource with
// its state and timing, the diagnostics, the summaries, the outputs. A pure reducer: the same
// lines give the same state (the console renders it, the tests check it on captured runs).
import type { RunLine, TerraformEvent, TfChanges, TfDiagnostic } from './terraformEvents.js';

export type ResourceState = 'refreshing' | 'unchanged' | 'planned' | 'applying' | 'done' | 'failed';

export interface ResourceRow {
  addr: string;
  /** What the plan (or the apply) does to it: create, update, replace, delete, ... */
  action?: string;
  state: ResourceState;
  /** Epoch ms of its apply_start (from Terraform's timestamps). */
  startedAt?: number;
  /** Epoch ms of its apply_complete / apply_errored. */
  endedAt?: number;
  /** Terraform's own count (apply_progress, apply_complete). */
  elapsedSeconds?: number;
  /** `id=...` once known. */
  id?: string;
  /** The last line its provisioner printed. */
  lastOutput?: string;
  provisionerFailed?: boolean;
  drifted?: boolean;
}

export interface RunDiagnostic {
  severity: string;
  summary: string;
  detail: string;
  address?: string;
  /** `main.tf:7:28` */
  location?: string;
  file?: string;
  line?: number;
  column?: number;
  /** The source line, with the part Terraform highlights. */
  snippet?: { context?: string; code: string; line: number; highlightStart: number; highlightEnd: number };
}

export interface RunState {
  terraformVersion?: string;
  rows: readonly ResourceRow[];
  diagnostics: readonly RunDiagnostic[];
  /** The plan's change_summary (also printed before an apply of a fresh plan). */
  planSummary?: TfChanges;
  /** The apply's or destroy's change_summary. */
  summary?: TfChanges;
  outputs?: Record<string, { sensitive: boolean; value?: unknown }>;
  /** Terraform's `log` messages (interrupt received, stopping...). */
  messages: readonly string[];
  /** Lines seen (events and text). */
  lines: number;
  /** Set when Terraform said it was interrupted. */
  interrupted: boolean;
  errors: number;
  warnings: number;
}

export const INITIAL_RUN_STATE: RunState = { rows: [], diagnostics: [], messages: [], lines: 0, interrupted: false, errors: 0, warnings: 0 };

function time(ts: string): number | undefined {
  const n = Date.parse(ts);
  return Number.isNaN(n) ? undefined : n;
}

function upsert(state: RunState, addr: string, update: (row: ResourceRow | undefined) => ResourceRow): RunState {
  const i = state.rows.findIndex((r) => r.addr === addr);
  const rows = state.rows.slice();
  if (i < 0) rows.push(update(undefined));
  else rows[i] = update(rows[i]);
  return { ...state, rows };
}

function diagnosticOf(d: TfDiagnostic): RunDiagnostic {
  const out: RunDiagnostic = { severity: d.severity, summary: d.summary, detail: d.detail ?? '' };
  if (d.address) out.address = d.address;
  if (d.range) {
    out.file = d.range.filename;
    out.line = d.range.start.line;
    out.column = d.range.start.column;
    out.location = `${d.range.filename}:${d.range.start.line}:${d.range.start.column}`;
  }
  if (d.snippet) {
    out.snippet = {
      ...(d.snippet.context ? { context: d.snippet.context } : {}),
      code: d.snippet.code,
      line: d.snippet.start_line,
      highlightStart: d.snippet.highlight_start_offset,
      highlightEnd: d.snippet.highlight_end_offset,
    };
  }
  return out;
}

function reduceEvent(state: RunState, e: TerraformEvent): RunState {
  switch (e.type) {
    case 'version':
      return { ...state, terraformVersion: e.terraform };
    case 'planned_change':
      return upsert(state, e.change.resource.addr, (r) => ({ ...r, addr: e.change.resource.addr, action: e.change.action, state: 'planned' }));
    case 'resource_drift':
      return upsert(state, e.change.resource.addr, (r) => ({ state: 'unchanged', ...r, addr: e.change.resource.addr, drifted: true }));
    case 'refresh_start':
      return upsert(state, e.hook.resource.addr, (r) => ({ ...r, addr: e.hook.resource.addr, state: r?.state ?? 'refreshing', ...(e.hook.id_value ? { id: e.hook.id_value } : {}) }));
    case 'refresh_complete':
      return upsert(state, e.hook.resource.addr, (r) => ({ ...r, addr: e.hook.resource.addr, state: r === undefined || r.state === 'refreshing' ? 'unchanged' : r.state }));
    case 'apply_start': {
      const at = time(e['@timestamp']);
      return upsert(state, e.hook.resource.addr, (r) => {
        const { endedAt: _e, elapsedSeconds: _s, ...rest } = r ?? { addr: e.hook.resource.addr, state: 'applying' as const };
        return { ...rest, addr: e.hook.resource.addr, action: e.hook.action, state: 'applying', ...(at !== undefined ? { startedAt: at } : {}) };
      });
    }
    case 'apply_progress':
      return upsert(state, e.hook.resource.addr, (r) => ({ ...r, addr: e.hook.resource.addr, state: 'applying', elapsedSeconds: e.hook.elapsed_seconds }));
    case 'apply_complete': {
      const at = time(e['@timestamp']);
      return upsert(state, e.hook.resource.addr, (r) => ({
        ...r,
        addr: e.hook.resource.addr,
        action: e.hook.action,
        state: 'done',
        elapsedSeconds: e.hook.elapsed_seconds,
        ...(at !== undefined ? { endedAt: at } : {}),
        ...(e.hook.id_value ? { id: e.hook.id_value } : {}),
      }));
    }
    case 'apply_errored': {
      const at = time(e['@timestamp']);
      return upsert(state, e.hook.resource.addr, (r) => ({ ...r, addr: e.hook.resource.addr, action: e.hook.action, state: 'failed', elapsedSeconds: e.hook.elapsed_seconds, ...(at !== undefined ? { endedAt: at } : {}) }));
    }
    case 'provision_progress':
      return upsert(state, e.hook.resource.addr, (r) => ({ state: 'applying', ...r, addr: e.hook.resource.addr, lastOutput: e.hook.output }));
    case 'provision_errored':
      return upsert(state, e.hook.resource.addr, (r) => ({ state: 'applying', ...r, addr: e.hook.resource.addr, provisionerFailed: true }));
    case 'provision_start':
    case 'provision_complete':
      return state;
    case 'diagnostic': {
      const d = diagnosticOf(e.diagnostic);
      return {
        ...state,
        diagnostics: [...state.diagnostics, d],
        errors: state.errors + (d.severity === 'error' ? 1 : 0),
        warnings: state.warnings + (d.severity === 'warning' ? 1 : 0),
      };
    }
    case 'change_summary':
      return e.changes.operation === 'plan' ? { ...state, planSummary: e.changes } : { ...state, summary: e.changes };
    case 'outputs':
      return { ...state, outputs: e.outputs };
    case 'log': {
      const message = e['@message'].trim();
      return { ...state, messages: [...state.messages, message], interrupted: state.interrupted || /^Interrupt received/.test(message) };
    }
    case 'other':
      return state;
  }
}

/** Folds one line into the state. */
export function reduceRun(state: RunState, line: RunLine): RunState {
  const next = line.kind === 'event' ? reduceEvent(state, line.event) : state;
  // reduceEvent returns the state itself or a fresh copy: a copy is counted in place (one object
  // a line, not two, when thousands come a second).
  if (next === state) return { ...state, lines: state.lines + 1 };
  (next as { lines: number }).lines = state.lines + 1;
  return next;
}

/** Folds many lines (a captured run). */
export function reduceRunLines(lines: Iterable<RunLine>, state: RunState = INITIAL_RUN_STATE): RunState {
  let s = state;
  for (const l of lines) s = reduceRun(s, l);
  return s;
}

/** Seconds a row has taken so far (`now` for one still applying). */
export function rowElapsedSeconds(row: ResourceRow, now: number): number | undefined {
  if (row.startedAt !== undefined) {
    const end = row.endedAt ?? (row.state === 'applying' ? now : undefined);
    if (end !== undefined) return Math.max(0, Math.round((end - row.startedAt) / 1000));
  }
  return row.elapsedSeconds;
}

/** Rows by state: `{ planned: 1, applying: 1, done: 3 }`. */
export function countStates(state: RunState): Partial<Record<ResourceState, number>> {
  const out: Partial<Record<ResourceState, number>> = {};
  for (const r of state.rows) out[r.state] = (out[r.state] ?? 0) + 1;
  return out;
}
