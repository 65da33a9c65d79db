// Typed property strings: the engine (../propertyString.ts) splits and orders the keys, the
// schema entry of each key says how its text becomes a value (boolean, number, string), and a
// field codec handles the values that have more structure (sizes, IP settings, `;` lists).
// Parsing checks what PVE checks on input; printing checks the same on the way out, so
// whatever prints parses back to the same value.
import {
  parsePropertyString,
  printPropertyString,
  PropertyStringError,
  specOf,
  type PropertyFormat,
  type RawProperties,
} from '../propertyString.js';
import { checkValueText, textFromValue, valueFromText } from './checks.js';

export interface FieldCodec<V> {
  /** Text that already passed the schema checks -> value; throws Error on what it cannot read. */
  parse(text: string): V;
  /** Value -> text (checked against the schema afterwards); throws Error on a malformed value. */
  print(value: V): string;
}

export interface PropertyStringCodec<T> {
  readonly format: PropertyFormat;
  /** Throws PropertyStringError naming the key and the input. */
  parse(input: string): T;
  /** Throws PropertyStringError naming the key and the offending value. */
  print(value: T): string;
}

export interface CodecOptions<T> {
  /** Field codecs by key, for values that are more than a boolean, number or string. */
  fields?: Readonly<Record<string, FieldCodec<unknown>>>;
  /** Fields parse adds beside the schema's keys (e.g. the storage split out of a volume id);
   * print ignores them. */
  derived?: { keys: readonly string[]; compute(value: T): Partial<T> };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/** Required keys present, and keys that need another (`gw` needs `ip`) have it. */
function checkPresence(format: PropertyFormat, raw: RawProperties, fail: (reason: string, key: string) => never): void {
  for (const [key, spec] of Object.entries(format)) {
    if (!spec.alias && !spec.optional && raw[key] === undefined) fail('missing property', key);
  }
  for (const key of Object.keys(raw)) {
    const requires = specOf(format, key)?.requires;
    if (requires !== undefined && raw[requires] === undefined) fail(`requires '${requires}'`, key);
  }
}

export function propertyStringCodec<T extends object>(format: PropertyFormat, options: CodecOptions<T> = {}): PropertyStringCodec<T> {
  const fields = options.fields ?? {};
  const derivedKeys = new Set(options.derived?.keys ?? []);
  const fieldOf = (key: string): FieldCodec<unknown> | undefined => (Object.hasOwn(fields, key) ? fields[key] : undefined);

  return {
    format,

    parse(input: string): T {
      const fail = (reason: string, key: string): never => {
        throw new PropertyStringError(`${key}: ${reason} (in '${input}')`, { input, key });
      };
      const raw = parsePropertyString(input, format);
      const out: Record<string, unknown> = {};
      for (const [key, text] of Object.entries(raw)) {
        const spec = specOf(format, key)!; // the engine only returns keys of the format
        try {
          checkValueText(spec, text);
          const field = fieldOf(key);
          out[key] = field ? field.parse(text) : valueFromText(spec, text);
        } catch (e) {
          fail(errorText(e), key);
        }
      }
      checkPresence(format, raw, fail);
      const typed = out as T; // every key was checked against the schema that T describes
      return options.derived ? { ...typed, ...options.derived.compute(typed) } : typed;
    },

    print(value: T): string {
      const raw: RawProperties = {};
      for (const [key, v] of Object.entries(value)) {
        if (v === undefined || derivedKeys.has(key)) continue;
        const spec = specOf(format, key);
        if (!spec || spec.alias) {
          throw new PropertyStringError(`invalid key '${key}'`, { key, input: describeValue(v) });
        }
        try {
          const field = fieldOf(key);
          const text = field ? field.print(v) : textFromValue(spec, v);
          checkValueText(spec, text);
          raw[key] = text;
        } catch (e) {
          throw new PropertyStringError(`${key}: ${errorText(e)}`, { key, input: describeValue(v) });
        }
      }
      checkPresence(format, raw, (reason, key) => {
        throw new PropertyStringError(`${key}: ${reason}`, { key });
      });
      return printPropertyString(raw, format);
    },
  };
}
