// Parameter verification as pve-common's JSONSchema.pm does it (check_object / check_prop /
// check_type / check_format / parse_property_string): same checks, same order, same messages,
// all problems reported at once. Then the coercion the SimRequest contract promises.
import { lookupFormat } from './formats.js';
import {
  compilePerlPattern,
  isPerlInteger,
  isPerlNumber,
  parsePerlBoolean,
  perlLength,
  perlTrue,
  setOwn,
  splitList,
} from './perl.js';
import { parsePropertyString, PropertyStringError, type PropertyFormat } from '../proxmox/propertyString.js';
import type { ParametersSchema, ParamSchema, PropertyStringFormat } from './schema.js';

/** A parameter as it arrived: form values are strings, JSON bodies may carry any JSON value;
 * null stands for Perl's undef (a form key without `=`, or JSON null). */
export type RawParam = string | number | boolean | null | RawParam[] | { [key: string]: RawParam };
export type RawParams = Record<string, RawParam>;

/** Validated and coerced: integer/number -> number, boolean -> 0|1, everything else -> string. */
export type SimParams = Record<string, string | number>;

export type ValidationResult = { ok: true; params: SimParams } | { ok: false; errors: Record<string, string> };

// The highest index of each `xxx[n]` family, from the PVE sources (qemu-server: MAX_NETS,
// MAX_SCSI_DISKS, ...; pve-container: MAX_LXC_NETWORKS, MAX_MOUNT_POINTS, ...): the real
// schema has net0..net31 as separate properties, and the derived one has no descriptions.
const FAMILY_MAX_INDEX: Record<string, number> = {
  net: 31,
  ipconfig: 31,
  scsi: 30,
  virtio: 15,
  sata: 5,
  ide: 3,
  unused: 255,
  serial: 3,
  parallel: 2,
  usb: 13,
  hostpci: 15,
  numa: 7,
  virtiofs: 9,
  mp: 255,
  dev: 255,
};

class ErrorCollector {
  readonly map: Record<string, string> = {};

  add(path: string, message: string): void {
    const key = path || '_root';
    // JSONSchema.pm add_error joins with '\n' in single quotes: a backslash and an n.
    setOwn(this.map, key, Object.hasOwn(this.map, key) ? `${this.map[key]}\\n${message}` : message);
  }

  get empty(): boolean {
    return Object.keys(this.map).length === 0;
  }
}

/** The known maximum first (a description can understate it: usb says "0 to 4" but the schema
 * has usb0..usb13), then the description's "(n is 0 to N", then any index. */
function familyMaxIndex(name: string, schema: ParamSchema): number {
  if (Object.hasOwn(FAMILY_MAX_INDEX, name)) return FAMILY_MAX_INDEX[name]!;
  const stated = /\(n is 0 to (\d+)/.exec(schema.description ?? '');
  return stated ? Number(stated[1]) : Number.POSITIVE_INFINITY;
}

function isFamilyKey(key: string): boolean {
  return key.endsWith('[n]');
}

/** The schema of a parameter name: a plain property, or a member of an `xxx[n]` family
 * (net0 ... net31) within the family's index range. */
export function resolveParam(properties: Record<string, ParamSchema>, key: string): ParamSchema | undefined {
  return resolveEntry(properties, key)?.schema;
}

function resolveEntry(properties: Record<string, ParamSchema>, key: string): { schema: ParamSchema; family: boolean } | undefined {
  if (Object.hasOwn(properties, key) && !isFamilyKey(key)) return { schema: properties[key]!, family: false };
  const m = /^([a-z]+)(\d+)$/.exec(key);
  if (!m) return undefined;
  const name = m[1]!;
  const index = m[2]!;
  if (!Object.hasOwn(properties, `${name}[n]`)) return undefined;
  const family = properties[`${name}[n]`]!;
  if (String(Number(index)) !== index || Number(index) > familyMaxIndex(name, family)) return undefined;
  return { schema: family, family: true };
}

function describeRef(value: RawParam): string | undefined {
  if (Array.isArray(value)) return 'ARRAY';
  if (typeof value === 'object' && value !== null) return 'HASH';
  if (typeof value === 'boolean') return 'JSON::PP::Boolean';
  return undefined;
}

function checkType(path: string, type: string | undefined, value: RawParam, errors: ErrorCollector): boolean {
  if (!type || type === 'any') return true;
  const ref = describeRef(value);
  if (type === 'array' || type === 'object') {
    const ok = type === 'array' ? Array.isArray(value) : ref === 'HASH';
    if (!ok) errors.add(path, `type check ('${type}') failed`);
    return ok;
  }
  if (ref) {
    if (type === 'boolean' && typeof value === 'boolean') return true;
    errors.add(path, `type check ('${type}') failed - got ${ref}`);
    return false;
  }
  const s = String(value);
  const ok =
    type === 'boolean' ? s === '1' || s === '0' : type === 'integer' ? isPerlInteger(s) : type === 'number' ? isPerlNumber(s) : true;
  if (!ok) errors.add(path, `type check ('${type}') failed - got '${s}'`);
  return ok;
}

/** JSONSchema.pm check_format: the error text (a Perl `die` message) or undefined. */
function checkFormat(format: string | PropertyStringFormat, value: string, path: string): string | undefined {
  if (typeof format === 'object') return checkPropertyString(format, value, path);
  if (format === 'regex') return undefined;
  const m = /^(.*?)(?:-(list|opt))?$/.exec(format)!;
  const name = m[1]!;
  const suffix = m[2];
  const registered = lookupFormat(name);
  if (!registered) return undefined; // formats the simulator does not know are accepted
  if (suffix && registered.kind === 'object') return `'-${suffix}' format must have code ref, not hash\n`;
  if (suffix === 'list') {
    for (const item of splitList(value)) {
      const err = registered.kind === 'code' ? registered.check(item) : undefined;
      if (err) return err;
    }
    return undefined;
  }
  if (suffix === 'opt' && !perlTrue(value)) return undefined;
  return registered.kind === 'code' ? registered.check(value) : checkPropertyString(registered.format, value, path);
}

/** JSONSchema.pm parse_property_string followed by its check_object. */
function checkPropertyString(format: PropertyStringFormat, data: string, path: string): string | undefined {
  let parsed: Record<string, string>;
  try {
    parsed = parsePropertyString(data, format as PropertyFormat);
  } catch (e) {
    if (!(e instanceof PropertyStringError)) throw e;
    // The shared parser adds ` (in '<input>')` for its own callers; PVE's die text has none.
    const context = ` (in '${data}')`;
    return `${e.message.endsWith(context) ? e.message.slice(0, -context.length) : e.message}\n`;
  }
  const values: RawParams = {};
  for (const [key, raw] of Object.entries(parsed)) {
    setOwn(values, key, format[key]?.type === 'boolean' ? String(parsePerlBoolean(raw) ?? raw) : raw);
  }
  const errors = new ErrorCollector();
  checkObject(path, format, values, false, errors);
  if (errors.empty) return undefined;
  const details = Object.keys(errors.map)
    .sort()
    .map((k) => `${k}: ${errors.map[k]}\n`)
    .join('');
  return `format error\n${details}`;
}

function checkProp(value: RawParam | undefined, schema: ParamSchema, path: string, errors: ErrorCollector): void {
  if (value === undefined || value === null) {
    if (!schema.optional && !schema.alias) errors.add(path, 'property is missing and it is not optional');
    return;
  }
  if (!checkType(path, schema.type, value, errors)) return;
  if (typeof value === 'object' || typeof value === 'boolean') return; // refs get no further checks
  const s = String(value);

  if (schema.format) {
    const err = checkFormat(schema.format, s, path);
    if (err !== undefined) {
      errors.add(path, `invalid format - ${err}`);
      return;
    }
  }
  if (schema.pattern && !compilePerlPattern(schema.pattern).test(s)) {
    errors.add(path, 'value does not match the regex pattern');
    return;
  }
  if (schema.maxLength !== undefined && perlLength(s) > schema.maxLength) {
    errors.add(path, `value may only be ${schema.maxLength} characters long`);
    return;
  }
  if (schema.minLength !== undefined && perlLength(s) < schema.minLength) {
    errors.add(path, `value must be at least ${schema.minLength} characters long`);
    return;
  }
  if (isPerlNumber(s)) {
    if (schema.maximum !== undefined && Number(s) > Number(schema.maximum)) {
      errors.add(path, `value must have a maximum value of ${schema.maximum}`);
      return;
    }
    if (schema.minimum !== undefined && Number(s) < Number(schema.minimum)) {
      errors.add(path, `value must have a minimum value of ${schema.minimum}`);
      return;
    }
  }
  if (schema.enum && !schema.enum.includes(s)) {
    errors.add(path, `value '${s}' does not have a value in the enumeration '${schema.enum.join(', ')}'`);
  }
}

function checkObject(
  path: string,
  properties: Record<string, ParamSchema>,
  value: RawParams,
  additionalProperties: boolean | undefined,
  errors: ErrorCollector,
): void {
  const sub = (k: string) => (path ? `${path}.${k}` : k);
  for (const [key, schema] of Object.entries(properties)) {
    if (isFamilyKey(key)) continue; // family members are checked below, by their real names
    checkProp(Object.hasOwn(value, key) ? value[key] : undefined, schema, sub(key), errors);
  }
  for (const key of Object.keys(value)) {
    const entry = resolveEntry(properties, key);
    if (entry) {
      const { schema, family } = entry;
      if (family) checkProp(value[key], schema, sub(key), errors);
      if (schema.requires && (value[schema.requires] === undefined || value[schema.requires] === null)) {
        errors.add(sub(schema.requires), `missing property - '${sub(key)}' requires this property`);
      }
      continue;
    }
    if (additionalProperties !== undefined && !additionalProperties) {
      errors.add(sub(key), 'property is not defined in schema and the schema does not allow additional properties');
    }
  }
}

/** RESTHandler's normalize_legacy_param_formats: arrays for `-list` strings are joined. */
function normalizeLegacyFormats(properties: Record<string, ParamSchema>, raw: RawParams): RawParams {
  const out: RawParams = { ...raw };
  for (const [key, schema] of Object.entries(properties)) {
    const value = out[key];
    if (Array.isArray(value) && schema.type === 'string' && typeof schema.format === 'string' && /-list$/.test(schema.format)) {
      setOwn(out, key, value.map((v) => String(v)).join(','));
    } else if (value !== undefined && value !== null && !Array.isArray(value) && value !== '' && value !== '0' && schema.type === 'array') {
      setOwn(out, key, [value]);
    }
  }
  return out;
}

function coerce(schema: ParamSchema | undefined, value: RawParam): string | number {
  switch (schema?.type) {
    case 'boolean':
      return value === true || String(value) === '1' ? 1 : 0;
    case 'integer':
    case 'number':
      return Number(String(value));
    default:
      return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  }
}

export function validateParameters(schema: ParametersSchema, raw: RawParams): ValidationResult {
  const properties = schema.properties ?? {};
  const params = normalizeLegacyFormats(properties, raw);
  const errors = new ErrorCollector();
  // check_prop only walks the object when the schema has properties (or allows extras), so
  // a method declared with no properties at all accepts any parameter.
  if (schema.properties || schema.additionalProperties) {
    checkObject('', properties, params, schema.additionalProperties === undefined ? undefined : !!schema.additionalProperties, errors);
  }
  if (!errors.empty) return { ok: false, errors: errors.map };
  const out: SimParams = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    setOwn(out, key, coerce(resolveParam(properties, key), value));
  }
  return { ok: true, params: out };
}
