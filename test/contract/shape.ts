// Compares the JSON shape of a simulator answer with a response captured from a real server:
// the same fields with the same JSON types, where a field the simulator leaves out must be
// optional in the official schema. Items of arrays are compared by kind (their `type` field
// when they have one), against every simulator item of the same kind.
//
// A field the simulator leaves out is only excused when the schema declares it optional: a
// field the schema does not declare at all (or a field below a schema without a property
// list) is reported, so that a sample field from a feature the simulator does not model
// shows up instead of passing silently. Indexed schema keys (`net[n]`) cover `net0`, `net1`,
// ... A `null` in a sample is Perl's undef: the simulator may leave that field out (or
// send null) when the schema declares it optional.

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
  enum?: string[];
  /** 1: the object may hold keys the schema does not list. */
  additionalProperties?: number;
}

export interface ShapeOptions {
  /** Field paths (`[].vmid`, `.memory`) where the sample's JSON type is a documented legacy
   * form and the simulator emits the modern one. */
  legacy?: Record<string, string>;
  /** Object paths (`.nics`, `.errors`) whose keys are names (devices, parameters) rather
   * than fields: each sample entry is compared with every simulator entry, whatever its key. */
  maps?: Record<string, string>;
  /** Collects the sample fields the simulator leaves out that the schema excuses (optional),
   * so a test can list them: they show what the simulator does not produce. */
  excused?: string[];
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

/** The schema of an object's key: a declared property, or an indexed family (`net[n]` for
 * `net0`), as PVE's API dump writes them. */
export function propertySchema(schema: ReturnSchema | undefined, key: string): ReturnSchema | undefined {
  const properties = schema?.properties;
  if (!properties) return undefined;
  if (Object.hasOwn(properties, key)) return properties[key];
  const m = /^([a-z]+)\d+$/.exec(key);
  return m && Object.hasOwn(properties, `${m[1]}[n]`) ? properties[`${m[1]}[n]`] : undefined;
}

/** A sample field the simulator leaves out (or that the sample has as undef): excused only
 * when the schema declares it optional. */
function unlessOptional(path: string, schema: ReturnSchema | undefined, parent: ReturnSchema | undefined, problems: string[], what: string, options: ShapeOptions): void {
  if (schema?.optional) {
    if (options.excused && !options.excused.includes(path)) options.excused.push(path);
    return;
  }
  if (schema) problems.push(`${path}: required by the schema and ${what}`);
  else if (parent?.properties) problems.push(`${path}: not declared by the schema, ${what}`);
  else problems.push(`${path}: ${what} (the schema lists no properties here)`);
}

function walk(sample: unknown, actuals: unknown[], schema: ReturnSchema | undefined, path: string, problems: string[], options: ShapeOptions): void {
  const st = jsonType(sample);
  const present = actuals.filter((a) => a !== undefined);
  if (present.length === 0) return;
  // Perl undef at the top (object fields are handled by the caller): no JSON type to compare.
  if (st === 'null' && present.some((a) => a === null)) return;
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
    if (options.maps?.[path]) {
      const entries = Object.values(sample as Record<string, unknown>);
      const actualEntries = objs.flatMap((o) => Object.values(o));
      if (entries.length > 0 && actualEntries.length === 0) problems.push(`${path}: sample has entries, simulator gives none`);
      else for (const entry of entries) walk(entry, actualEntries, undefined, `${path}.*`, problems, options);
      return;
    }
    for (const [key, value] of Object.entries(sample as Record<string, unknown>)) {
      const childPath = `${path}.${key}`;
      const childSchema = propertySchema(schema, key);
      const values = objs.map((o) => o[key]).filter((v) => v !== undefined);
      if (value === null) {
        // undef in the sample: the same as leaving the field out, unless the simulator does too.
        if (!values.some((v) => v === null)) unlessOptional(childPath, childSchema, schema, problems, 'null (undef) in the sample', options);
        continue;
      }
      if (values.length === 0) {
        unlessOptional(childPath, childSchema, schema, problems, 'present in the sample, absent from the simulator', options);
        continue;
      }
      walk(value, values, childSchema, childPath, problems, options);
    }
  }
}
