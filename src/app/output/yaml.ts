// A small, fast YAML emitter for plain data (what JSON can hold): block mappings and
// sequences laid out as the yaml package does, strings plain when that is unambiguous for
// YAML 1.1 and 1.2 readers alike, double-quoted (JSON escapes, which YAML shares) otherwise.
// The yaml package takes seconds for 100,000 records; this takes a fraction of one.

// Plain only when it cannot be read as anything but this string: starts with a letter, `_`
// or `/`, no `:` `#` or other indicators, no leading/trailing space, and not a word YAML 1.1
// reads as a boolean or null.
const PLAIN = /^[A-Za-z_/](?:[A-Za-z0-9_./@+ -]*[A-Za-z0-9_./@+-])?$/;
const RESERVED = /^(?:y|n|yes|no|true|false|on|off|null)$/i;

// JSON leaves DEL, the C1 controls and U+2028/U+2029 raw; YAML's \uXXXX means the same.
const UNSAFE = /[\u007f-\u009f\u2028\u2029]/g;
const hex4 = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

export function yamlString(text: string): string {
  if (PLAIN.test(text) && !RESERVED.test(text)) return text;
  return JSON.stringify(text).replace(UNSAFE, hex4);
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return yamlString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  return yamlString(String(value));
}

type Container = readonly unknown[] | Readonly<Record<string, unknown>>;

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

function isEmpty(value: Container): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

function emit(value: Container, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isContainer(item) && !isEmpty(item)) {
        // The item's first line goes on the `- ` line; the rest under it.
        const start = out.length;
        emit(item, `${indent}  `, out);
        out[start] = `${indent}- ${out[start]!.slice(indent.length + 2)}`;
      } else {
        out.push(`${indent}- ${isContainer(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
      }
    }
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const k = yamlString(key);
    if (isContainer(item)) {
      if (isEmpty(item)) out.push(`${indent}${k}: ${Array.isArray(item) ? '[]' : '{}'}`);
      else {
        out.push(`${indent}${k}:`);
        emit(item, `${indent}  `, out);
      }
    } else out.push(`${indent}${k}: ${scalar(item)}`);
  }
}

/** The YAML document for a value, with a final newline. */
export function emitYaml(value: unknown): string {
  if (!isContainer(value)) return `${scalar(value)}\n`;
  if (isEmpty(value)) return Array.isArray(value) ? '[]\n' : '{}\n';
  const out: string[] = [];
  emit(value, '', out);
  return `${out.join('\n')}\n`;
}
