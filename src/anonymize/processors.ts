// Processors: where the engine runs in a document. Plain text: everywhere. JSON and YAML: in
// each string (keys included: a map keyed by node names or addresses is data too), and a value
// under a credential key (`password`, `token`, `*_secret`...) is replaced whole. Both splice the
// replacements into the original text, so everything else (layout, key order, comments,
// quoting, escapes) is byte for byte what it was.
import { extname } from 'node:path';
import { isPair, isScalar, parseAllDocuments, visit, type Scalar } from 'yaml';
import { ExitCode, UserError } from '../app/userError.js';
import type { Anonymizer, Direction, Span } from './engine.js';
import { isSecretKey } from './rules.js';
import { flatSecret, flatType, scanBlockYaml, toFlat, type YamlScalar, type YamlScalarType } from './yamlScan.js';

export const FORMATS = ['text', 'json', 'yaml'] as const;
export type Format = (typeof FORMATS)[number];

/** By extension: .json, .yml/.yaml; anything else (and stdin) is text. */
export function detectFormat(path: string | undefined): Format {
  const ext = path ? extname(path).toLowerCase() : '';
  if (ext === '.json') return 'json';
  if (ext === '.yml' || ext === '.yaml') return 'yaml';
  return 'text';
}

function splice(text: string, spans: Span[]): string {
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + s.text;
    at = s.end;
  }
  return out + text.slice(at);
}

// ---------------------------------------------------------------------------------- JSON

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** A JSON string's raw content decoded, with the raw offset of each decoded character (and of
 * the end). Runs between escapes are copied whole: log lines with `\n` are long strings. */
function decodeJsonString(raw: string): { text: string; offsets: Int32Array } {
  const parts: string[] = [];
  const offsets = new Int32Array(raw.length + 1);
  let d = 0;
  let i = 0;
  while (i < raw.length) {
    const b = raw.indexOf('\\', i);
    const stop = b < 0 ? raw.length : b;
    if (stop > i) parts.push(raw.slice(i, stop));
    for (let j = i; j < stop; j++) offsets[d++] = j;
    if (b < 0) break;
    offsets[d++] = b;
    const c = raw[b + 1]!;
    if (c === 'u') {
      parts.push(String.fromCharCode(parseInt(raw.slice(b + 2, b + 6), 16)));
      i = b + 6;
    } else {
      parts.push(ESCAPES[c] ?? c);
      i = b + 2;
    }
  }
  offsets[d] = raw.length;
  return { text: parts.join(''), offsets };
}

/** The engine over one JSON string's raw content (between the quotes) that has escapes: run on
 * the decoded text, each replacement put back escaped. */
function escapedStringContent(raw: string, engine: Anonymizer, direction: Direction): string {
  const { text, offsets } = decodeJsonString(raw);
  const spans = engine.spans(text, direction).map((s) => ({ start: offsets[s.start]!, end: offsets[s.end]!, text: JSON.stringify(s.text).slice(1, -1) }));
  return splice(raw, spans);
}

/** An open object or array, and whether its strings are under a credential key (an array's
 * items inherit it from the key the array is the value of). */
interface JsonFrame {
  object: boolean;
  secret: boolean;
  lastKeySecret: boolean;
}

const QUOTE = 34;

/** Whether the key ending before `end` may name a credential, by its last letter (passwor(d),
 * passw(d), p(w)d, passphras(e), secre(t), toke(n)): most keys are told apart without a copy. */
function mayBeSecretKey(text: string, end: number): boolean {
  const c = text.charCodeAt(end - 1) | 0x20;
  return c === 100 || c === 101 || c === 116 || c === 110;
}
const BACKSLASH = 92;

export function processJson(text: string, engine: Anonymizer, direction: Direction, source = 'input'): string {
  try {
    JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source} is not valid JSON (${(error as Error).message}): fix it, or pass --format text`, ExitCode.usage);
  }
  // Valid JSON: a `"` only ever delimits a string, and outside strings only brackets matter.
  const stack: JsonFrame[] = [];
  let top: JsonFrame | undefined;
  const out: string[] = [];
  let copied = 0;
  let backslash = text.indexOf('\\'); // the next backslash at or after the scan (-1: none left)
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 /* { */ || c === 91 /* [ */) {
      const secret = top ? (top.object ? top.lastKeySecret : top.secret) : false;
      top = { object: c === 123, secret, lastKeySecret: false };
      stack.push(top);
      continue;
    }
    if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
      top = stack[stack.length - 1];
      continue;
    }
    if (c !== QUOTE) continue;
    // A string: its end, and whether it has escapes.
    const start = i + 1;
    let end = text.indexOf('"', start);
    let escaped = false;
    if (backslash >= 0 && backslash < start) backslash = text.indexOf('\\', start);
    if (backslash >= 0 && backslash < end) {
      escaped = true;
      for (;;) {
        let k = end - 1;
        while (text.charCodeAt(k) === BACKSLASH) k--;
        if ((end - 1 - k) % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
    }
    i = end;
    let after = end + 1;
    while (after < n) {
      const w = text.charCodeAt(after);
      if (w !== 32 && w !== 10 && w !== 13 && w !== 9) break;
      after++;
    }
    const isKey = text.charCodeAt(after) === 58; /* : */
    if (isKey && top) {
      // A key written with escapes (`"passwor\u0064"`) is read as JSON reads it.
      top.lastKeySecret = escaped ? isSecretKey(JSON.parse(text.slice(start - 1, end + 1)) as string) : mayBeSecretKey(text, end) && isSecretKey(text.slice(start, end));
    }
    const secret = !isKey && top !== undefined && (top.object ? top.lastKeySecret : top.secret);
    let replaced: string | undefined;
    if (secret) {
      const raw = text.slice(start, end);
      replaced = engine.secretValue(raw, direction);
      if (replaced === raw) replaced = undefined;
    } else if (escaped) {
      const raw = text.slice(start, end);
      replaced = escapedStringContent(raw, engine, direction);
      if (replaced === raw) replaced = undefined;
    } else {
      replaced = engine.runRange(text, start, end, direction);
    }
    if (replaced !== undefined) {
      out.push(text.slice(copied, start), replaced);
      copied = end;
    }
  }
  if (out.length === 0) return text;
  out.push(text.slice(copied));
  return out.join('');
}

// ---------------------------------------------------------------------------------- YAML

function yamlKeyText(node: unknown): string | undefined {
  if (isScalar(node)) return node.value === null || node.value === undefined ? undefined : String(node.value);
  return undefined;
}

/** The scalars of `text` as the `yaml` library composes them (any YAML), in document order;
 * a usage error for invalid YAML. */
export function yamlScalarsByLibrary(text: string, source = 'input'): YamlScalar[] {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0]?.line;
      throw new UserError(`${source} is not valid YAML${line ? ` (line ${line})` : ''}: ${error.code}: fix it, or pass --format text`, ExitCode.usage);
    }
  }
  const scalars: YamlScalar[] = [];
  for (const doc of list) {
    visit(doc, {
      Scalar(key, node: Scalar, path) {
        if (!node.range) return;
        let context: string | undefined;
        if (key !== 'key') {
          for (let i = path.length - 1; i >= 0; i--) {
            const p = path[i];
            if (isPair(p)) {
              context = yamlKeyText(p.key);
              break;
            }
          }
        }
        scalars.push({ start: node.range[0], end: node.range[1], type: node.type as YamlScalarType, secret: context !== undefined && isSecretKey(context) });
      },
    });
  }
  return scalars.sort((a, b) => a.start - b.start);
}

/** No rule matches a text without a letter or digit (every family needs one). */
function hasAlnum(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) | 0x20;
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c > 0x7f) return true;
  }
  return false;
}

export function processYaml(text: string, engine: Anonymizer, direction: Direction, source = 'input'): string {
  // Block-style YAML (most files) by the fast scan; anything else, and errors, by the library.
  const scalars = scanBlockYaml(text) ?? toFlat(yamlScalarsByLibrary(text, source));
  // In document order (so pseudonyms are numbered as they appear): the text between scalars
  // (comments, anchors, tags, punctuation) as plain text, each scalar by itself, and the value
  // of a credential key whole.
  const out: string[] = [];
  let copied = 0;
  const piece = (start: number, end: number, replaced: string) => {
    if (replaced.length === end - start && text.startsWith(replaced, start)) return;
    out.push(text.slice(copied, start), replaced);
    copied = end;
  };
  const plain = (start: number, end: number) => {
    if (!hasAlnum(text, start, end)) return;
    const replaced = engine.runRange(text, start, end, direction);
    if (replaced !== undefined) piece(start, end, replaced);
  };
  let at = 0;
  for (let i = 0; i < scalars.length; i += 3) {
    const start = scalars[i]!;
    const end = scalars[i + 1]!;
    const code = scalars[i + 2]!;
    if (start < at) continue;
    if (start > at) plain(at, start);
    const type = flatSecret(code) ? flatType(code) : undefined;
    if (type === 'PLAIN') {
      piece(start, end, engine.secretValue(text.slice(start, end), direction));
    } else if ((type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') && end - start >= 2) {
      const value = engine.secretValue(text.slice(start + 1, end - 1), direction);
      piece(start, end, `${text[start]}${value}${text[end - 1]}`);
    } else if ((type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') && text.indexOf('\n', start) > start && text.indexOf('\n', start) < end) {
      // `password: |` and the value on the lines below: each line's text (its indentation kept)
      // is a secret of its own, so the block keeps its shape and restores line for line.
      for (let lineStart = text.indexOf('\n', start) + 1; lineStart < end; ) {
        const newline = text.indexOf('\n', lineStart);
        const lineEnd = newline < 0 || newline > end ? end : newline;
        let s = lineStart;
        while (s < lineEnd && text[s] === ' ') s++;
        const e = lineEnd > s && text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
        if (e > s) piece(s, e, engine.secretValue(text.slice(s, e), direction));
        lineStart = lineEnd + 1;
      }
    } else {
      plain(start, end);
    }
    at = end;
  }
  if (at < text.length) plain(at, text.length);
  if (out.length === 0) return text;
  out.push(text.slice(copied));
  return out.join('');
}

export function processText(text: string, engine: Anonymizer, direction: Direction): string {
  return engine.run(text, direction);
}

export function processDocument(text: string, format: Format, engine: Anonymizer, direction: Direction, source = 'input'): string {
  if (format === 'json') return processJson(text, engine, direction, source);
  if (format === 'yaml') return processYaml(text, engine, direction, source);
  return processText(text, engine, direction);
}
