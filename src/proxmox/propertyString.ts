// Property strings (`virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1`), parsed and printed
// the way PVE's JSONSchema.pm (parse_property_string / print_property_string) does it, driven
// by the format objects of the official schema: a `default_key` may be written without
// `key=`, an `alias` entry renames a key, and a `keyAlias` entry (`virtio=<mac>`) stores the
// alias's name under the keyAlias key (`model`).

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
  /** Another key that must be present when this one is. */
  requires?: string;
  default?: unknown;
  typetext?: string;
}

export type PropertyFormat = Record<string, PropertySpec>;

/** Raw values by canonical key, as the strings that were written. */
export type RawProperties = Record<string, string>;

export interface PropertyStringErrorContext {
  /** The property string being parsed, or the offending value when printing. */
  input?: string;
  /** The key inside the property string that is to blame (`tag`, `size`...). */
  key?: string;
  /** The config option the property string belongs to (`net0`, `scsi1`...). */
  configKey?: string;
}

export class PropertyStringError extends Error {
  override name = 'PropertyStringError';
  readonly input: string | undefined;
  readonly key: string | undefined;
  readonly configKey: string | undefined;

  constructor(message: string, context: PropertyStringErrorContext = {}) {
    super(message);
    this.input = context.input;
    this.key = context.key;
    this.configKey = context.configKey;
  }
}

/** Own entries only: a key like `constructor` must not find Object.prototype's. */
export function specOf(format: PropertyFormat, key: string): PropertySpec | undefined {
  return Object.hasOwn(format, key) ? format[key] : undefined;
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
  const fail = (reason: string, key?: string): never => {
    throw new PropertyStringError(`${reason} (in '${input}')`, key === undefined ? { input } : { input, key });
  };
  const result: RawProperties = {};
  const has = (key: string): boolean => Object.hasOwn(result, key);
  const defaultKey = defaultKeyOf(format);
  for (const part of input.split(',')) {
    if (part.trim() === '') continue; // PVE skips empty parts (`a=1,,b=2`, a trailing comma)
    const eq = part.indexOf('=');
    if (eq > 0 && eq < part.length - 1) {
      let key = part.slice(0, eq);
      const value = part.slice(eq + 1);
      if (has(key)) fail(`duplicate key in comma-separated list property: ${key}`, key);
      let spec = specOf(format, key);
      if (spec?.alias) {
        if (spec.keyAlias) {
          if (has(spec.keyAlias)) fail(`key alias '${spec.keyAlias}' is already defined`, spec.keyAlias);
          result[spec.keyAlias] = key;
        }
        key = spec.alias;
        spec = specOf(format, key);
      }
      if (!spec) fail(`invalid key in comma-separated list property: ${key}`, key);
      if (has(key)) fail(`duplicate key in comma-separated list property: ${key}`, key);
      result[key] = value;
    } else if (eq < 0) {
      if (!defaultKey) return fail('value without key, but schema does not define a default key');
      if (has(defaultKey)) fail(`duplicate key in comma-separated list property: ${defaultKey}`, defaultKey);
      result[defaultKey] = part;
    } else {
      fail('missing key in comma-separated list property');
    }
  }
  return result;
}

/**
 * Prints in PVE's order: the default key first (bare, or as `<keyAlias>=<value>` such as
 * `virtio=<mac>`), then the required keys sorted, then the optional keys sorted. Values are
 * printed as given (booleans as 1/0). Throws on keys the format does not know and on values
 * that could not be read back (empty, or containing a comma or a line break).
 */
export function printPropertyString(values: Record<string, string | number | boolean | undefined>, format: PropertyFormat): string {
  const defaultKey = defaultKeyOf(format);
  const keyAliases = keyAliasesOf(format);
  const parts: string[] = [];
  const done = new Set<string>();

  const fail = (reason: string, key: string, value?: string): never => {
    throw new PropertyStringError(reason, value === undefined ? { key } : { key, input: value });
  };
  const show = (key: string, v: string | number | boolean): string => {
    if (typeof v === 'number' && !Number.isFinite(v)) fail(`value of '${key}' is not a finite number`, key, String(v));
    const text = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    if (text === '') fail(`value of '${key}' is empty`, key, text);
    if (text.includes(',')) fail(`illegal value with commas for ${key}`, key, text);
    if (/[\r\n]/.test(text)) fail(`value of '${key}' contains a line break`, key, text);
    return text;
  };

  const add = (key: string, isDefault: boolean): void => {
    if (done.has(key)) return;
    done.add(key);
    const value = values[key];
    if (value === undefined) return;

    const valueKey = keyAliases.get(key);
    const combined = valueKey === undefined ? undefined : values[valueKey];
    if (valueKey !== undefined && combined !== undefined) {
      const name = show(key, value);
      const aliasSpec = specOf(format, name);
      if (aliasSpec?.alias !== valueKey || aliasSpec.keyAlias !== key) {
        fail(`'${name}' is not a valid ${key} for ${valueKey}`, key, name);
      }
      parts.push(`${name}=${show(valueKey, combined)}`);
      done.add(valueKey);
      return;
    }

    let spec = specOf(format, key);
    if (spec?.alias) spec = specOf(format, spec.alias);
    if (!spec) fail(`invalid key '${key}'`, key);
    const text = show(key, value);
    // A bare default value containing `=` would read back as a key, and a blank one would be
    // skipped; PVE prints them bare anyway, but `key=value` is the form that parses back.
    const bare = isDefault && !text.includes('=') && text.trim() !== '';
    parts.push(bare ? text : `${key}=${text}`);
  };

  if (defaultKey !== undefined) add(defaultKey, true);
  const keys = Object.keys(values).sort();
  for (const key of keys) {
    const spec = specOf(format, key);
    if (spec && !spec.optional) add(key, false);
  }
  for (const key of keys) add(key, false);
  return parts.join(',');
}
