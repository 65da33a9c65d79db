// JSON and YAML for scripts: the values exactly as cached (a script gets the real name), but
// with every control character escaped, so printing the output on a terminal is harmless.
// Records are built with a fixed key order by the caller; these functions keep it.
import { emitYaml } from './yaml.js';

// JSON.stringify escapes U+0000-U+001F itself; DEL, the C1 controls (U+0080-U+009F, e.g. the
// 8-bit CSI U+009B) and the line/paragraph separators it leaves raw. They can only occur
// inside JSON strings, where \uXXXX means the same character.
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029]/g;

const hex4 = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Two-space indented JSON and a final newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(JSON_UNSAFE, hex4)}\n`;
}

/** Block-style YAML (see yaml.ts): strings that YAML 1.1 or 1.2 could read as something else
 * (`yes`, `on`, `0x1F`, dates) are quoted, and so is anything with a control character. */
export function toYaml(value: unknown): string {
  return emitYaml(value);
}

export type DataFormat = 'json' | 'yaml';

export function serialize(value: unknown, format: DataFormat): string {
  return format === 'json' ? toJson(value) : toYaml(value);
}
