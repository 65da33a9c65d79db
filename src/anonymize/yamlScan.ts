// A fast scan of block-style YAML for the anonymiser: the source range of every scalar, whether
// it is the value of a credential key, in document order. The `yaml` library composes a whole
// document (about 2 MB/s on a large file); this scan reads the common subset line by line at
// many times that. It is deliberately strict: anything outside the subset it knows (flow
// collections, anchors, aliases, tags, multi-line plain or quoted scalars, explicit keys,
// directives, tabs, CR line ends, block scalars with indicators or space-only lines, keys
// that could be equal as numbers...) makes it decline with `undefined`, and the caller falls
// back to the library. Where it does answer, it answers what the library would: the same
// scalars, ranges and credential contexts, and no answer for a document the library rejects
// (yamlScan.test.ts checks both against the library on generated documents).
import { isSecretKey } from './rules.js';

export type YamlScalarType = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED';

export interface YamlScalar {
  start: number;
  end: number;
  type: YamlScalarType;
  /** The value of a credential key (the nearest enclosing key names one). */
  secret: boolean;
}

const TYPES: readonly YamlScalarType[] = ['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'];
const SECRET_FLAG = 8;

/**
 * Scalars as flat triples (start, end, type index + 8 for a credential value): a large file has
 * hundreds of thousands, and as many objects (or a growing array) living through the whole run
 * cost the garbage collector more than the scan itself.
 */
export type FlatScalars = Int32Array;

export function toFlat(scalars: readonly YamlScalar[]): FlatScalars {
  const flat = new Int32Array(scalars.length * 3);
  scalars.forEach((s, i) => flat.set([s.start, s.end, TYPES.indexOf(s.type) + (s.secret ? SECRET_FLAG : 0)], i * 3));
  return flat;
}

export function fromFlat(flat: FlatScalars): YamlScalar[] {
  const scalars: YamlScalar[] = [];
  for (let i = 0; i < flat.length; i += 3) scalars.push({ start: flat[i]!, end: flat[i + 1]!, type: flatType(flat[i + 2]!), secret: flatSecret(flat[i + 2]!) });
  return scalars;
}

export const flatType = (code: number): YamlScalarType => TYPES[code & 7]!;
export const flatSecret = (code: number): boolean => (code & SECRET_FLAG) !== 0;

class Decline extends Error {}
const decline = (): never => {
  throw new Decline();
};

const NL = 10;
const SPACE = 32;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const DQUOTE = 34;
const SQUOTE = 39;

// Characters that make the scan give up wherever they are: tabs and CR (indentation and line
// rules the scan does not model), controls and non-characters the library may treat specially.
// eslint-disable-next-line no-control-regex
const UNSUPPORTED_ANYWHERE = /[\t\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/;
// A plain scalar may not start with these (flow, anchors, aliases, tags, block and quote
// indicators, directives and reserved characters); `<` too, for merge keys.
const PLAIN_FIRST_REFUSED = new Uint8Array(128);
for (const c of '[]{},#&*!|>\'"%@`<') PLAIN_FIRST_REFUSED[c.charCodeAt(0)] = 1;
// A plain key that the core schema may read as something other than a string.
const TYPED_KEY = /^(?:[-+]?\.?[0-9]|[-+]?\.(?:inf|nan)$|~$|null$|true$|false$)/i;
const CANONICAL_INT = /^(?:0|[1-9][0-9]*)$/;
const DOUBLE_ESCAPE = /\\(?:[0abtnvfre "/\\N_LP]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})/g;
const MAX_KEY_LENGTH = 1024;

interface Key {
  start: number;
  end: number;
  type: YamlScalarType;
  text: string;
  /** Position of the `:` after it. */
  colon: number;
}

/** Could the core schema read this plain key as something other than a string? */
function typedKey(text: string): boolean {
  const c = text.charCodeAt(0);
  // digits + - . ~ and the first letters of null, true, false
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 126 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70)) return false;
  return TYPED_KEY.test(text);
}

/** Keys of one mapping, for the library's duplicate-key error. */
class KeySet {
  private first: string | undefined;
  private strings: Set<string> | undefined;
  private ints: Set<string> | undefined;
  private typed = 0;
  private otherTyped = false;

  add(key: Key): void {
    if (key.type === 'PLAIN' && typedKey(key.text)) {
      this.typed++;
      if (CANONICAL_INT.test(key.text)) {
        this.ints ??= new Set();
        if (this.ints.has(key.text)) decline();
        this.ints.add(key.text);
      } else this.otherTyped = true;
      // `1` and `1.0` or `0x1` are the same key to the library: not worth modelling.
      if (this.otherTyped && this.typed > 1) decline();
      return;
    }
    if (this.first === undefined) {
      this.first = key.text;
      return;
    }
    if (this.strings === undefined) this.strings = new Set([this.first]);
    if (this.strings.has(key.text)) decline();
    this.strings.add(key.text);
  }
}

/**
 * The next place of a string in the text, remembered: the scan asks for the next `:`, ` #` or
 * line end at positions that only move forward, and indexOf is far faster than a loop over
 * every character (a loop over a line stops at its end; indexOf would not, so it is kept).
 */
class NextOf {
  /** No occurrence in [from, at); one at `at` (or none at all when `at` is the length). */
  private from = 0;
  private at = -1;

  constructor(
    private readonly text: string,
    private readonly needle: string,
  ) {}

  /** The first index >= p of the needle, or the text's length. */
  get(p: number): number {
    if (p >= this.from && p <= this.at) return this.at;
    const i = this.text.indexOf(this.needle, p);
    this.from = p;
    this.at = i < 0 ? this.text.length : i;
    return this.at;
  }
}

class Scanner {
  private scalars: Int32Array;
  private count = 0;
  private readonly len: number;

  constructor(private readonly text: string) {
    this.len = text.length;
    this.newline = new NextOf(text, '\n');
    this.colon = new NextOf(text, ':');
    this.comment = new NextOf(text, ' #');
    // About one scalar in 20 bytes in a typical file; grown by doubling when there are more.
    this.scalars = new Int32Array(Math.max(96, Math.ceil(text.length / 8)) * 3);
  }

  private readonly newline: NextOf;
  private readonly colon: NextOf;
  private readonly comment: NextOf;

  private lineEnd(p: number): number {
    return this.newline.get(p);
  }

  private nextLine(p: number): number {
    const i = this.newline.get(p);
    return i === this.len ? i : i + 1;
  }

  private indentAt(lineStart: number): number {
    const t = this.text;
    let p = lineStart;
    while (p < this.len && t.charCodeAt(p) === SPACE) p++;
    return p - lineStart;
  }

  /** The indentation of the line `nextContent` returned last. */
  private indent = 0;

  /** The start of the next line, from `p` (a line start), that is neither blank nor a comment
   * (its indentation in `this.indent`). */
  private nextContent(p: number): number {
    const t = this.text;
    while (p < this.len) {
      let q = p;
      while (q < this.len && t.charCodeAt(q) === SPACE) q++;
      const c = t.charCodeAt(q);
      if (q < this.len && c !== NL && c !== HASH) {
        this.indent = q - p;
        return p;
      }
      p = this.nextLine(q);
    }
    return this.len;
  }

  private isDocMarker(lineStart: number): boolean {
    const t = this.text;
    return (t.startsWith('---', lineStart) || t.startsWith('...', lineStart)) && (lineStart + 3 === this.len || t.charCodeAt(lineStart + 3) === NL || t.charCodeAt(lineStart + 3) === SPACE);
  }

  /** `-` followed by a space or the end of the line: a sequence entry. */
  private isDash(p: number): boolean {
    if (this.text.charCodeAt(p) !== DASH) return false;
    const c = this.text.charCodeAt(p + 1);
    return p + 1 === this.len || c === SPACE || c === NL;
  }

  /** After a scalar: only spaces and a comment (after a space) up to the end of the line. */
  private restOfLine(p: number): number {
    const t = this.text;
    const q = p;
    while (p < this.len && t.charCodeAt(p) === SPACE) p++;
    if (p === this.len || t.charCodeAt(p) === NL) return this.nextLine(p);
    if (t.charCodeAt(p) === HASH && p > q) return this.nextLine(p);
    return decline();
  }

  private push(start: number, end: number, type: YamlScalarType, secret: boolean): void {
    if (this.count + 3 > this.scalars.length) {
      const grown = new Int32Array(this.scalars.length * 2);
      grown.set(this.scalars);
      this.scalars = grown;
    }
    const s = this.scalars;
    const n = this.count;
    this.count += 3;
    s[n] = start;
    s[n + 1] = end;
    s[n + 2] = (type === 'PLAIN' ? 0 : TYPES.indexOf(type)) + (secret ? SECRET_FLAG : 0);
  }

  run(): FlatScalars {
    const t = this.text;
    if (UNSUPPORTED_ANYWHERE.test(t)) decline();
    let p = 0;
    let marker = -1; // end of the last `---` whose document is still empty
    let content = false;
    for (;;) {
      p = this.nextContent(p);
      if (p >= this.len) break;
      const indent = this.indent;
      if (indent === 0 && this.isDocMarker(p)) {
        if (t.charCodeAt(p) === 46 /* . */ || this.lineEnd(p) !== p + 3) decline();
        if (marker >= 0 && !content) this.push(marker, marker, 'PLAIN', false);
        marker = p + 3;
        content = false;
        p = this.nextLine(p);
        continue;
      }
      if (content) decline(); // a second node in one document
      p = this.collection(p + indent, indent, false);
      content = true;
    }
    if (marker >= 0 && !content) this.push(marker, marker, 'PLAIN', false);
    return this.scalars.subarray(0, this.count);
  }

  /** A mapping or sequence whose first entry starts at `p` (column `col`). */
  private collection(p: number, col: number, secret: boolean): number {
    if (this.isDash(p)) return this.sequence(p, col, secret);
    const key = this.key(p);
    if (!key) return decline(); // a scalar alone, or something the scan does not know
    return this.mapping(key, col);
  }

  /** Returns the start of the first line that is not part of the collection. */
  private sequence(p: number, col: number, secret: boolean): number {
    const t = this.text;
    for (;;) {
      p++;
      while (p < this.len && t.charCodeAt(p) === SPACE) p++;
      const c = t.charCodeAt(p);
      if (p === this.len || c === NL || c === HASH) {
        p = this.blockValue(p, col, secret, false);
      } else if (this.isDash(p)) {
        p = this.sequence(p, p - this.lineStartOf(p), secret); // - - x
      } else {
        const key = this.key(p);
        p = key ? this.mapping(key, p - this.lineStartOf(p)) : this.inlineScalar(p, col, secret);
      }
      const q = this.nextContent(p);
      if (q >= this.len) return this.len;
      const indent = this.indent;
      if (indent < col) return q;
      if (indent > col) decline();
      if (!this.isDash(q + indent)) return q;
      p = q + indent;
    }
  }

  private lineStartOf(p: number): number {
    return this.text.lastIndexOf('\n', p - 1) + 1;
  }

  private mapping(first: Key, col: number): number {
    const keys = new KeySet();
    let key = first;
    for (;;) {
      this.push(key.start, key.end, key.type, false);
      keys.add(key);
      const secret = isSecretKey(key.text);
      let p = key.colon + 1;
      while (p < this.len && this.text.charCodeAt(p) === SPACE) p++;
      const c = this.text.charCodeAt(p);
      p = p === this.len || c === NL || c === HASH ? this.blockValue(p, col, secret, true) : this.inlineScalar(p, col, secret);
      const q = this.nextContent(p);
      if (q >= this.len) return this.len;
      const indent = this.indent;
      if (indent < col) return q;
      if (indent > col) decline();
      if (col === 0 && this.isDocMarker(q)) return q;
      const next = this.key(q + indent);
      if (!next) decline();
      key = next!;
    }
  }

  /** The value of a key or entry with nothing after its indicator on the line (`nul`: where
   * the library puts an empty value). */
  private blockValue(nul: number, col: number, secret: boolean, inMapping: boolean): number {
    const p = this.nextLine(nul);
    const q = this.nextContent(p);
    if (q < this.len) {
      const indent = this.indent;
      if (!(indent === 0 && this.isDocMarker(q))) {
        if (indent > col) return this.collection(q + indent, indent, secret);
        // key:\n- a (a sequence at the key's own indentation)
        if (inMapping && indent === col && this.isDash(q + indent)) return this.sequence(q + indent, indent, secret);
      }
    }
    this.push(nul, nul, 'PLAIN', secret);
    return p;
  }

  /** A key at `p` (plain or quoted, on one line, followed by `: ` or `:` at the end of the
   * line), or undefined when `p` starts no key. */
  private key(p: number): Key | undefined {
    const t = this.text;
    const c = t.charCodeAt(p);
    let end: number;
    let type: YamlScalarType;
    let text: string;
    if (c === DQUOTE || c === SQUOTE) {
      end = this.quotedEnd(p);
      if (t.charCodeAt(end) !== COLON) return undefined;
      const inner = t.slice(p + 1, end - 1);
      if (c === DQUOTE) {
        if (inner.includes('\\')) decline();
        text = inner;
        type = 'QUOTE_DOUBLE';
      } else {
        text = inner.replaceAll("''", "'");
        type = 'QUOTE_SINGLE';
      }
    } else {
      if (!this.canStartPlain(p)) return undefined;
      // The first `:` followed by a space or the end of the line, before any comment.
      const limit = Math.min(this.lineEnd(p), this.comment.get(p));
      let i = this.colon.get(p + 1);
      for (;; i = this.colon.get(i + 1)) {
        if (i >= limit) return undefined;
        const n = t.charCodeAt(i + 1);
        if (i + 1 === this.len || n === SPACE || n === NL) break;
      }
      if (t.charCodeAt(i - 1) === SPACE) decline(); // `a  : 1`
      end = i;
      text = t.slice(p, end);
      type = 'PLAIN';
    }
    if (end - p > MAX_KEY_LENGTH) decline();
    const after = t.charCodeAt(end + 1);
    if (!(end + 1 === this.len || after === SPACE || after === NL)) return undefined;
    return { start: p, end, type, text, colon: end };
  }

  /** Whether a plain scalar may start at `p`. */
  private canStartPlain(p: number): boolean {
    const t = this.text;
    const c = t.charCodeAt(p);
    if (c < 128 && PLAIN_FIRST_REFUSED[c] === 1) return false;
    if (c === DASH || c === 63 /* ? */ || c === COLON) {
      const n = t.charCodeAt(p + 1);
      if (p + 1 === this.len || n === SPACE || n === NL) return false;
    }
    return true;
  }

  /** The end (after the closing quote) of a one-line quoted scalar at `p`. */
  private quotedEnd(p: number): number {
    const t = this.text;
    const lineEnd = this.lineEnd(p);
    if (t.charCodeAt(p) === DQUOTE) {
      let i = p + 1;
      for (;;) {
        const q = t.indexOf('"', i);
        if (q < 0 || q > lineEnd) decline();
        let backslashes = 0;
        for (let j = q - 1; j > p && t.charCodeAt(j) === 92; j--) backslashes++;
        if (backslashes % 2 === 0) {
          const inner = t.slice(p + 1, q);
          if (inner.includes('\\') && inner.replace(DOUBLE_ESCAPE, '').includes('\\')) decline();
          return q + 1;
        }
        i = q + 1;
      }
    }
    let i = p + 1;
    for (;;) {
      const q = t.indexOf("'", i);
      if (q < 0 || q > lineEnd) decline();
      if (t.charCodeAt(q + 1) === SQUOTE) {
        i = q + 2;
        continue;
      }
      return q + 1;
    }
  }

  /** A scalar that starts on its key's or entry's line; returns the start of the next line. */
  private inlineScalar(p: number, col: number, secret: boolean): number {
    const t = this.text;
    const c = t.charCodeAt(p);
    if (c === DQUOTE || c === SQUOTE) {
      const end = this.quotedEnd(p);
      this.push(p, end, c === DQUOTE ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE', secret);
      return this.restOfLine(end);
    }
    if (c === 124 /* | */ || c === 62 /* > */) return this.blockScalar(p, col, secret);
    if (t.startsWith('[]', p) || t.startsWith('{}', p)) return this.restOfLine(p + 2); // empty, no scalar
    if (!this.canStartPlain(p)) decline();
    // Up to a comment or the end of the line; `: ` or a final `:` would make it a key.
    const lineEnd = this.lineEnd(p);
    let end = Math.min(lineEnd, this.comment.get(p));
    for (let i = this.colon.get(p + 1); i < end; i = this.colon.get(i + 1)) {
      const n = t.charCodeAt(i + 1);
      if (i + 1 === this.len || n === SPACE || n === NL) decline(); // a: b: c
    }
    while (end > p && t.charCodeAt(end - 1) === SPACE) end--;
    this.push(p, end, 'PLAIN', secret);
    return this.nextLine(lineEnd);
  }

  /** `|` or `>` (with `-` at most) and its content lines, more indented than `col`. */
  private blockScalar(p: number, col: number, secret: boolean): number {
    const t = this.text;
    const type: YamlScalarType = t.charCodeAt(p) === 124 ? 'BLOCK_LITERAL' : 'BLOCK_FOLDED';
    let h = p + 1;
    if (t.charCodeAt(h) === DASH) h++;
    let line = this.restOfLine(h);
    // Leading empty lines, then the first content line sets the indentation.
    let contentIndent = -1;
    let end = -1;
    while (line < this.len) {
      const lineEnd = this.lineEnd(line);
      const indent = this.indentAt(line);
      if (line + indent === lineEnd) {
        if (indent > 0) decline(); // a line of spaces: its rules are not modelled
        line = lineEnd + 1;
        continue;
      }
      if (contentIndent < 0) {
        if (indent <= col) decline(); // an empty block scalar
        contentIndent = indent;
      } else if (indent < contentIndent) break;
      end = lineEnd === this.len ? lineEnd : lineEnd + 1;
      line = lineEnd + 1;
    }
    if (end < 0) decline();
    this.push(p, end, type, secret);
    return end;
  }
}

/** The scalars of `text`, or undefined when it is not in the subset the scan handles. */
export function scanBlockYaml(text: string): FlatScalars | undefined {
  try {
    return new Scanner(text).run();
  } catch (error) {
    // RangeError: nesting deeper than the stack (the library decides those too).
    if (error instanceof Decline || error instanceof RangeError) return undefined;
    throw error;
  }
}
