// Property strings (`virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1`), parsed and printed
// the way PVE's JSONSchema.pm does it, driven by the format objects of the official schema:
// a `default_key` may be written without `key=`, an `alias` entry renames a key, and a
// `keyAlias` entry (`virtio=<mac>`) stores the alias's name under the keyAlias key (`model`).

export interface PropertySpec {
  type?: 'string' | 'integer' | 'number' | 'boolean';
  default_key?: number;
  alias?: string;
  keyAlias?: string;
  optional?: number;
  enum?: string[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  default?: unknown;
  typetext?: string;
}

export type PropertyFormat = Record<string, PropertySpec>;

/** Raw values by canonical key, as the strings that were written. */
export type RawProperties = Record<string, string>;

export class PropertyStringError extends Error {
  override name = 'PropertyStringError';
}

function defaultKeyOf(format: PropertyFormat): string | undefined {
  return Object.keys(format).find((k) => format[k]?.default_key);
}

/** keyAlias target (e.g. `model`) -> the key holding its value (e.g. `macaddr`). */
function keyAliasesOf(format: PropertyFormat): Map<string, string> {
  const out = new Map<string, string>();
  for (const spec of Object.values(format)) {
    if (spec.keyAlias && spec.alias) out.set(spec.keyAlias, spec.alias);
  }
  return out;
}

export function parsePropertyString(input: string, format: PropertyFormat): RawProperties {
  const result: RawProperties = {};
  const defaultKey = defaultKeyOf(format);
  let defaultSeen = false;
  for (const part of input.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0 && eq < part.length - 1) {
      let key = part.slice(0, eq);
      const value = part.slice(eq + 1);
      if (result[key] !== undefined) throw new PropertyStringError(`duplicate key in comma-separated list property: ${key}`);
      let spec = format[key];
      if (spec?.alias) {
        if (spec.keyAlias) {
          if (result[spec.keyAlias] !== undefined) {
            throw new PropertyStringError(`key alias '${spec.keyAlias}' is already defined`);
          }
          result[spec.keyAlias] = key;
        }
        key = spec.alias;
        spec = format[key];
      }
      if (!spec) throw new PropertyStringError(`invalid key in comma-separated list property: ${key}`);
      if (result[key] !== undefined) throw new PropertyStringError(`duplicate key in comma-separated list property: ${key}`);
      result[key] = value;
    } else if (eq < 0) {
      if (!defaultKey) throw new PropertyStringError('value without key, but schema does not define a default key');
      if (defaultSeen || result[defaultKey] !== undefined) {
        throw new PropertyStringError(`duplicate key in comma-separated list property: ${defaultKey}`);
      }
      defaultSeen = true;
      result[defaultKey] = part;
    } else {
      throw new PropertyStringError('missing key in comma-separated list property');
    }
  }
  return result;
}

/** Prints in PVE's order: the default key's bare value, then `alias=value` pairs, then the
 * other keys sorted. Values are printed as given (booleans as 1/0). */
export function printPropertyString(values: Record<string, string | number | boolean | undefined>, format: PropertyFormat): string {
  const parts: string[] = [];
  const done = new Set<string>();
  const show = (v: string | number | boolean): string => (typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  const defaultKey = defaultKeyOf(format);
  if (defaultKey && !format[defaultKey]?.alias) {
    const v = values[defaultKey];
    if (v !== undefined) parts.push(show(v));
    done.add(defaultKey);
  }
  for (const [aliasKey, valueKey] of keyAliasesOf(format)) {
    const name = values[aliasKey];
    const v = values[valueKey];
    if (name !== undefined && v !== undefined) {
      parts.push(`${show(name)}=${show(v)}`);
      done.add(aliasKey);
      done.add(valueKey);
    }
  }
  for (const key of Object.keys(values).sort()) {
    const v = values[key];
    if (done.has(key) || v === undefined) continue;
    parts.push(`${key}=${show(v)}`);
  }
  return parts.join(',');
}
