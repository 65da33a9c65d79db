// Processors: where the engine runs in a document. Plain text: everywhere. JSON and YAML: in
// each string (keys included: a map keyed by node names or addresses is data too), and a value
// under a credential key (`password`, `token`, `*_secret`...) is replaced whole. Both splice the
// replacements into the original text, so everything else (layout, key order, comments,
// quoting, escapes) is byte for byte what it was.
import { extname } from 'node:path';
import { isPair, isScalar, parseAllDocuments, visit, type Scalar } from 'yaml';
import { ExitCode, UserError } from '../app/userError.js';
import type { Anonymizer, Direction, Span } from './engine.js';
import { SECRET_KEY } from './rules.js';

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

/** A JSON string's raw content decoded, with the raw offset of each decoded character. */
function decodeJsonString(raw: string): { text: string; offsets: number[] } {
  let text = '';
  const offsets: number[] = [];
  for (let i = 0; i < raw.length; ) {
    offsets.push(i);
    if (raw[i] === '\\') {
      const c = raw[i + 1]!;
      if (c === 'u') {
        text += String.fromCharCode(parseInt(raw.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        text += ESCAPES[c] ?? c;
        i += 2;
      }
    } else {
      text += raw[i];
      i += 1;
    }
  }
  offsets.push(raw.length);
  return { text, offsets };
}

/** The engine over one JSON string's raw content (between the quotes). */
function jsonStringContent(raw: string, engine: Anonymizer, direction: Direction): string {
  if (!raw.includes('\\')) return engine.run(raw, direction);
  const { text, offsets } = decodeJsonString(raw);
  const spans = engine.spans(text, direction).map((s) => ({ start: offsets[s.start]!, end: offsets[s.end]!, text: JSON.stringify(s.text).slice(1, -1) }));
  return splice(raw, spans);
}

interface JsonFrame {
  object: boolean;
  /** The key this container is the value of (an array's items inherit it). */
  context: string | undefined;
  lastKey: string | undefined;
}

export function processJson(text: string, engine: Anonymizer, direction: Direction, source = 'input'): string {
  try {
    JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source} is not valid JSON (${(error as Error).message}): fix it, or pass --format text`, ExitCode.usage);
  }
  // In JSON a `"` only ever delimits a string, so this finds every string token in order.
  const tokens = /"(?:[^"\\]|\\.)*"|[{}[\]]/g;
  const stack: JsonFrame[] = [];
  const contextOfValue = () => {
    const top = stack.at(-1);
    return top ? (top.object ? top.lastKey : top.context) : undefined;
  };
  const spans: Span[] = [];
  for (let m = tokens.exec(text); m !== null; m = tokens.exec(text)) {
    const token = m[0];
    if (token === '{' || token === '[') {
      stack.push({ object: token === '{', context: contextOfValue(), lastKey: undefined });
      continue;
    }
    if (token === '}' || token === ']') {
      stack.pop();
      continue;
    }
    const raw = token.slice(1, -1);
    let after = tokens.lastIndex;
    while (after < text.length && (text[after] === ' ' || text[after] === '\n' || text[after] === '\r' || text[after] === '\t')) after++;
    const isKey = text[after] === ':';
    const context = isKey ? undefined : contextOfValue();
    const replaced = context !== undefined && SECRET_KEY.test(context) ? engine.secretValue(raw, direction) : jsonStringContent(raw, engine, direction);
    if (isKey && stack.at(-1)) stack.at(-1)!.lastKey = raw;
    if (replaced !== raw) spans.push({ start: m.index + 1, end: m.index + 1 + raw.length, text: replaced });
  }
  return splice(text, spans);
}

// ---------------------------------------------------------------------------------- YAML

function yamlKeyText(node: unknown): string | undefined {
  if (isScalar(node)) return node.value === null || node.value === undefined ? undefined : String(node.value);
  return undefined;
}

export function processYaml(text: string, engine: Anonymizer, direction: Direction, source = 'input'): string {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0]?.line;
      throw new UserError(`${source} is not valid YAML${line ? ` (line ${line})` : ''}: ${error.code}: fix it, or pass --format text`, ExitCode.usage);
    }
  }
  // Every scalar's source range, with the key it is the value of.
  const scalars: { start: number; end: number; node: Scalar; secret: boolean }[] = [];
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
        scalars.push({ start: node.range[0], end: node.range[1], node, secret: context !== undefined && SECRET_KEY.test(context) });
      },
    });
  }
  scalars.sort((a, b) => a.start - b.start);
  // In document order (so pseudonyms are numbered as they appear): the text between scalars
  // (comments, anchors, tags, punctuation) as plain text, each scalar by itself, and the value
  // of a credential key whole.
  const spans: Span[] = [];
  let at = 0;
  const piece = (start: number, end: number, f: (raw: string) => string) => {
    const raw = text.slice(start, end);
    const replaced = f(raw);
    if (replaced !== raw) spans.push({ start, end, text: replaced });
  };
  for (const s of scalars) {
    if (s.start < at) continue;
    if (s.start > at) piece(at, s.start, (raw) => engine.run(raw, direction));
    const type = s.node.type;
    piece(s.start, s.end, (raw) => {
      if (s.secret && type === 'PLAIN') return engine.secretValue(raw, direction);
      if (s.secret && (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') && raw.length >= 2) {
        return `${raw[0]}${engine.secretValue(raw.slice(1, -1), direction)}${raw.at(-1)}`;
      }
      return engine.run(raw, direction);
    });
    at = s.end;
  }
  if (at < text.length) piece(at, text.length, (raw) => engine.run(raw, direction));
  return splice(text, spans);
}

export function processText(text: string, engine: Anonymizer, direction: Direction): string {
  return engine.run(text, direction);
}

export function processDocument(text: string, format: Format, engine: Anonymizer, direction: Direction, source = 'input'): string {
  if (format === 'json') return processJson(text, engine, direction, source);
  if (format === 'yaml') return processYaml(text, engine, direction, source);
  return processText(text, engine, direction);
}
