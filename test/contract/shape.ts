// Compares the JSON shape of a simulator answer with a response captured from a real server:
// the same fields with the same JSON types, where a field the simulator leaves out must be
// optional in the official schema. Items of arrays are compared by kind (their `type` field
// when they have one), against every simulator item of the same kind.

export type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export function jsonType(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  if (t === 'boolean' || t === 'number' || t === 'string') return t;
  return 'object';
}

/** The part of the official schema's `returns` that describes a value. */
export interface ReturnSchema {
  type?: string;
  optional?: number;
  properties?: Record<string, ReturnSchema>;
  items?: ReturnSchema;
}

export interface ShapeOptions {
  /** Field paths (`[].vmid`, `.memory`) where the sample's JSON type is a documented legacy
   * form and the simulator emits the modern one. */
  legacy?: Record<string, string>;
}

export function compareShape(sample: unknown, actual: unknown, schema: ReturnSchema | undefined, options: ShapeOptions = {}): string[] {
  const problems: string[] = [];
  walk(sample, [actual], schema, '', problems, options);
  return problems;
}

function kindOf(item: unknown): string {
  if (item && typeof item === 'object' && !Array.isArray(item)) {
    const t = (item as Record<string, unknown>).type;
    if (typeof t === 'string') return t;
  }
  return '*';
}

function walk(sample: unknown, actuals: unknown[], schema: ReturnSchema | undefined, path: string, problems: string[], options: ShapeOptions): void {
  const st = jsonType(sample);
  const present = actuals.filter((a) => a !== undefined);
  if (present.length === 0) return;
  const types = new Set(present.map(jsonType));
  if (!types.has(st)) {
    if (options.legacy?.[path]) return;
    problems.push(`${path || '(root)'}: sample is ${st}, simulator gives ${[...types].join('|')}`);
    return;
  }
  const sameType = present.filter((a) => jsonType(a) === st);
  if (st === 'array') {
    const sampleItems = sample as unknown[];
    const actualItems = (sameType as unknown[][]).flat();
    if (sampleItems.length > 0 && actualItems.length === 0) {
      problems.push(`${path}[]: sample has items, simulator gives an empty list`);
      return;
    }
    for (const item of sampleItems) {
      const kind = kindOf(item);
      const peers = actualItems.filter((a) => kind === '*' || kindOf(a) === kind);
      if (peers.length === 0) {
        problems.push(`${path}[]: simulator has no item of kind '${kind}'`);
        continue;
      }
      walk(item, peers, schema?.items, `${path}[]`, problems, options);
    }
    return;
  }
  if (st === 'object') {
    const objs = sameType as Record<string, unknown>[];
    for (const [key, value] of Object.entries(sample as Record<string, unknown>)) {
      const childPath = `${path}.${key}`;
      const childSchema = schema?.properties?.[key];
      const values = objs.map((o) => o[key]).filter((v) => v !== undefined);
      if (values.length === 0) {
        if (!childSchema || childSchema.optional) continue;
        problems.push(`${childPath}: required by the schema and present in the sample, absent from the simulator`);
        continue;
      }
      walk(value, values, childSchema, childPath, problems, options);
    }
  }
}
