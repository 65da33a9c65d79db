// JSON and YAML for scripts: the values exactly as cached (a script gets the real name), but
// with every control character escaped, so printing the output on a terminal is harmless.
// Records are built with a fixed key order by the caller; these functions keep it.
import { emitYaml } from './yaml.js';

// JSON.stringify escapes U+0000-U+001F itself; DEL, the C1 controls (U+0080-U+009F, e.g. the
// 8-bit CSI U+009B) and the line/paragraph separators it leaves raw. They can only occur
// inside JSON strings, where \uXXXX means the same character.
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029]/g;

const hex4 = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** JSON text with DEL, the C1 controls and U+2028/U+2029 escaped (see JSON_UNSAFE). */
export function escapeJsonUnsafe(text: string): string {
  return text.replace(JSON_UNSAFE, hex4);
}

/** Two-space indented JSON and a final newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(JSON_UNSAFE, hex4)}\n`;
}

/** A value as an element of a two-space indented JSON array (what JSON.stringify(array, null, 2)
 * prints for it, without the separator). */
export function jsonElement(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? 'null';
  // JSON strings hold no raw newline: every one is a line break of the layout.
  return `  ${text.replace(/\n/g, '\n  ')}`;
}

/** Writes a JSON array exactly as toJson would print it, from its elements' text (jsonElement),
 * in chunks of about `chunkChars` characters: no 35 MB string at 100,000 guests. */
export function writeJsonArray(elements: Iterable<string>, write: (chunk: string) => void, chunkChars = 1 << 20): void {
  let chunk = '';
  let first = true;
  for (const element of elements) {
    chunk += first ? `[\n${element}` : `,\n${element}`;
    first = false;
    if (chunk.length >= chunkChars) {
      write(escapeJsonUnsafe(chunk));
      chunk = '';
    }
  }
  write(first ? '[]\n' : `${escapeJsonUnsafe(chunk)}\n]\n`);
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
