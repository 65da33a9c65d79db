// The reverse of shape.ts: every field of a simulator answer must be declared by the
// endpoint's `returns` schema (recursively, where the schema lists `properties` or `items`),
// with the declared type as PVE puts it on the wire: integer/number -> JSON number (an integer
// for `integer`), boolean -> the number 0 or 1 (PVE's booleans are Perl integers), string ->
// string, array/object -> array/object, and a value from the `enum` when there is one.
// Documented exceptions are passed in as allowances, each with its reason.
import { jsonType, propertySchema, type JsonType, type ReturnSchema } from './shape.js';

/** A field the schema omits, or declares with another type, as real servers send it. */
export interface Allowance {
  /** The JSON type(s) it has on the wire. */
  type: JsonType | readonly JsonType[];
  reason: string;
}

export interface DeclaredOptions {
  /** Keyed by field path: `.vlan-id`, `[].disk`, `.cpuinfo.mhz`, `[].members[].cpu`. */
  allow?: Readonly<Record<string, Allowance>>;
  /** Collects the undeclared fields an object with `additionalProperties: 1` carries (the
   * schema permits them), so a test can list them. */
  permitted?: string[];
  /** Collects the allowance paths that matched a field, so a test can prove each is needed. */
  used?: Set<string>;
}

function typeProblem(value: unknown, declared: string): string | undefined {
  const t = jsonType(value);
  switch (declared) {
    case 'integer':
      return t === 'number' && Number.isInteger(value) ? undefined : `declared integer, got ${t === 'number' ? String(value) : t}`;
    case 'number':
      return t === 'number' ? undefined : `declared number, got ${t}`;
    case 'boolean':
      return value === 0 || value === 1 ? undefined : `declared boolean (0|1 on the wire), got ${t === 'number' ? String(value) : t}`;
    case 'string':
    case 'array':
    case 'object':
    case 'null':
      return t === declared ? undefined : `declared ${declared}, got ${t}`;
    default:
      return undefined; // `any`, or no type
  }
}

export function checkDeclared(value: unknown, schema: ReturnSchema | undefined, options: DeclaredOptions = {}): string[] {
  const problems: string[] = [];
  walk(value, schema, '', problems, options);
  return problems;
}

function walk(value: unknown, schema: ReturnSchema | undefined, path: string, problems: string[], options: DeclaredOptions): void {
  const allowance = options.allow?.[path];
  if (allowance) {
    options.used?.add(path);
    const types: readonly JsonType[] = typeof allowance.type === 'string' ? [allowance.type] : allowance.type;
    if (!types.includes(jsonType(value))) problems.push(`${path || '(root)'}: allowed as ${types.join('|')} (${allowance.reason}), got ${jsonType(value)}`);
    return;
  }
  if (!schema) return;
  if (schema.type) {
    const problem = typeProblem(value, schema.type);
    if (problem) {
      problems.push(`${path || '(root)'}: ${problem}`);
      return;
    }
  }
  if (schema.enum && typeof value === 'string' && !schema.enum.includes(value)) {
    problems.push(`${path || '(root)'}: '${value}' is not in the enum (${schema.enum.join(', ')})`);
  }
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) walk(item, schema.items, `${path}[]`, problems, options);
    return;
  }
  if (jsonType(value) !== 'object' || !schema.properties) return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPath = `${path}.${key}`;
    const childSchema = propertySchema(schema, key);
    if (childSchema || options.allow?.[childPath]) {
      walk(child, childSchema, childPath, problems, options);
    } else if (schema.additionalProperties) {
      if (options.permitted && !options.permitted.includes(childPath)) options.permitted.push(childPath);
    } else {
      problems.push(`${childPath}: not declared by the schema`);
    }
  }
}
