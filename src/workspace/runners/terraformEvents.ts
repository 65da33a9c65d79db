// Terraform's machine-readable UI (`-json`, ui 1.2): one JSON object a line, typed by `type`.
// The shapes are those Terraform 1.11 prints (test/fixtures/iac/terraform-json-ui/). A line that
// is not JSON, or JSON of a type not known here, is kept as text, never dropped.

export interface TfResource {
  addr: string;
  module: string;
  resource: string;
  implied_provider: string;
  resource_type: string;
  resource_name: string;
  resource_key: string | number | null;
}

export type TfAction = 'noop' | 'create' | 'read' | 'update' | 'replace' | 'delete' | 'move' | 'import' | 'remove' | 'forget' | string;

export interface TfDiagnostic {
  severity: 'error' | 'warning' | string;
  summary: string;
  detail: string;
  address?: string;
  range?: { filename: string; start: { line: number; column: number; byte?: number }; end?: { line: number; column: number; byte?: number } };
  snippet?: { context: string | null; code: string; start_line: number; highlight_start_offset: number; highlight_end_offset: number; values?: unknown[] };
}

export interface TfChanges {
  add: number;
  change: number;
  import: number;
  remove: number;
  operation: 'plan' | 'apply' | 'destroy' | string;
}

interface Base {
  '@level': string;
  '@message': string;
  '@timestamp': string;
  '@module'?: string;
}

export type TerraformEvent =
  | (Base & { type: 'version'; terraform: string; ui: string })
  | (Base & { type: 'planned_change'; change: { resource: TfResource; action: TfAction; reason?: string } })
  | (Base & { type: 'resource_drift'; change: { resource: TfResource; action: TfAction } })
  | (Base & { type: 'refresh_start'; hook: { resource: TfResource; id_key?: string; id_value?: string } })
  | (Base & { type: 'refresh_complete'; hook: { resource: TfResource; id_key?: string; id_value?: string } })
  | (Base & { type: 'apply_start'; hook: { resource: TfResource; action: TfAction; id_key?: string; id_value?: string } })
  | (Base & { type: 'apply_progress'; hook: { resource: TfResource; action: TfAction; elapsed_seconds: number } })
  | (Base & { type: 'apply_complete'; hook: { resource: TfResource; action: TfAction; id_key?: string; id_value?: string; elapsed_seconds: number } })
  | (Base & { type: 'apply_errored'; hook: { resource: TfResource; action: TfAction; elapsed_seconds: number } })
  | (Base & { type: 'provision_start' | 'provision_complete' | 'provision_errored'; hook: { resource: TfResource; provisioner: string } })
  | (Base & { type: 'provision_progress'; hook: { resource: TfResource; provisioner: string; output: string } })
  | (Base & { type: 'diagnostic'; diagnostic: TfDiagnostic })
  | (Base & { type: 'change_summary'; changes: TfChanges })
  | (Base & { type: 'outputs'; outputs: Record<string, { sensitive: boolean; type?: unknown; value?: unknown; action?: string }> })
  | (Base & { type: 'log' })
  /** Anything else Terraform prints (ephemeral_op_*, test_*, a future type): its message. */
  | (Base & { type: 'other'; original: string });

/** A line of a run: Terraform's event, or text that was not an event (stderr, a panic). */
export type RunLine = { kind: 'event'; event: TerraformEvent; raw: string } | { kind: 'text'; stream: 'stdout' | 'stderr'; text: string };

const KNOWN = new Set([
  'version',
  'planned_change',
  'resource_drift',
  'refresh_start',
  'refresh_complete',
  'apply_start',
  'apply_progress',
  'apply_complete',
  'apply_errored',
  'provision_start',
  'provision_progress',
  'provision_complete',
  'provision_errored',
  'diagnostic',
  'change_summary',
  'outputs',
  'log',
]);

const HOOK_TYPES = new Set(['refresh_start', 'refresh_complete', 'apply_start', 'apply_progress', 'apply_complete', 'apply_errored', 'provision_start', 'provision_progress', 'provision_complete', 'provision_errored']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasResource(v: unknown): boolean {
  return isObject(v) && isObject(v.resource) && typeof v.resource.addr === 'string';
}

/** One stdout line of `terraform <cmd> -json`. Malformed or unexpected shapes become text (or
 * `other`) instead of throwing: the stream goes on. */
export function parseTerraformLine(line: string, stream: 'stdout' | 'stderr' = 'stdout'): RunLine {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return { kind: 'text', stream, text: line };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return { kind: 'text', stream, text: line };
  }
  if (!isObject(value) || typeof value.type !== 'string') return { kind: 'text', stream, text: line };
  const base = {
    '@level': typeof value['@level'] === 'string' ? value['@level'] : 'info',
    '@message': typeof value['@message'] === 'string' ? value['@message'] : '',
    '@timestamp': typeof value['@timestamp'] === 'string' ? value['@timestamp'] : '',
  };
  const type = value.type;
  const wellFormed =
    KNOWN.has(type) &&
    (!HOOK_TYPES.has(type) || hasResource(value.hook)) &&
    ((type !== 'planned_change' && type !== 'resource_drift') || hasResource(value.change)) &&
    (type !== 'diagnostic' || (isObject(value.diagnostic) && typeof value.diagnostic.summary === 'string')) &&
    (type !== 'change_summary' || isObject(value.changes)) &&
    (type !== 'outputs' || isObject(value.outputs));
  if (!wellFormed) return { kind: 'event', event: { ...base, type: 'other', original: type }, raw: trimmed };
  return { kind: 'event', event: { ...value, ...base } as TerraformEvent, raw: trimmed };
}

/** `main.tf:7:28` of a diagnostic, when it has a range. */
export function diagnosticLocation(d: TfDiagnostic): string | undefined {
  return d.range ? `${d.range.filename}:${d.range.start.line}:${d.range.start.column}` : undefined;
}

/** "N to add, N to change, N to destroy" (plus imports when there are any). */
export function changesText(c: TfChanges): string {
  return `${c.add} to add, ${c.change} to change, ${c.remove} to destroy${c.import > 0 ? `, ${c.import} to import` : ''}`;
}
