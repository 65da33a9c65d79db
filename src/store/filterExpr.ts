// The console's `/` filter language (k9s-like), compiled once per keystroke into a predicate that
// runs over every row of a view (100,000 rows must stay interactive).
//
//   web               rows whose name, vmid, node, tags... contain "web" (case-insensitive)
//   status:running    a field term; `node:pve1,pve2` is any of; `type:ct` goes through synonyms
//   /web 0[1-3]/      a regular expression (flag i) over the same values; may contain spaces
//   "two words"       double quotes keep spaces, also in field values: name:"my vm"
//   !term             any term inverted
//
// Terms are separated by whitespace and must all match. `word:rest` where `word` is not a field
// of the row kind is plain text. A regex runs from its opening `/` to the next `/` that is
// followed by whitespace or the end of the text (`\/` never closes it); one not closed yet runs
// to the end of the text, so the filter follows the user while they type it.
import { safeText } from '../util/terminalText.js';

export interface FilterFields<Row> {
  /** Values the free text searches (name, vmid, node, tags...). */
  search(row: Row): readonly (string | number | undefined)[];
  /** Field terms this row kind supports: field name -> the row's value(s) for it. */
  fields: Readonly<Record<string, (row: Row) => string | number | readonly string[] | undefined>>;
  /** Alternative names for fields, e.g. { t: 'type', s: 'status' }. Optional. */
  aliases?: Readonly<Record<string, string>>;
  /** Value synonyms per field, e.g. { type: { vm: 'qemu', ct: 'lxc', container: 'lxc' } }. Optional. */
  synonyms?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** What one term was parsed as, for showing in the UI. `value` is the text or regex source as
 * typed (without quotes or slashes); for a field term, the wanted values after synonyms,
 * lower-cased and comma-joined. `field` is the canonical field name (aliases resolved). */
export interface FilterTerm {
  kind: 'text' | 'regex' | 'field';
  field?: string;
  value: string;
  negated: boolean;
}

export type FilterResult<Row> =
  | { ok: true; predicate: ((row: Row) => boolean) | undefined; terms: FilterTerm[] }
  | { ok: false; error: string };

// ---------------------------------------------------------------------------------------------
// Tokenizing

/** One whitespace-separated term with its quoting resolved. */
interface Token {
  /** The source text of the term, as typed (for messages). */
  source: string;
  negated: boolean;
  /** Set when the term is a /regex/: its source between the slashes. */
  regex?: string;
  /** The term's text with quotes removed. */
  text: string;
  /** Index in `text` of the first colon outside quotes, or -1. */
  colon: number;
  /** Indexes in `text` of the commas outside quotes. */
  commas: number[];
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v' || /\s/.test(ch);
}

type TokenizeResult = { ok: true; tokens: Token[] } | { ok: false; error: string };

function tokenize(input: string): TokenizeResult {
  const tokens: Token[] = [];
  const n = input.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(input[i]!)) i++;
    if (i >= n) break;
    const start = i;
    let negated = false;
    if (input[i] === '!') {
      negated = true;
      i++;
      if (i >= n || isSpace(input[i]!)) {
        return { ok: false, error: "'!' must come right before the term it inverts, e.g. !status:running" };
      }
    }
    if (input[i] === '/') {
      // A regex: up to the next unescaped `/` followed by whitespace or the end of the text.
      const bodyStart = ++i;
      let end = -1;
      while (i < n) {
        const ch = input[i]!;
        if (ch === '\\') {
          i += 2;
          continue;
        }
        if (ch === '/' && (i + 1 >= n || isSpace(input[i + 1]!))) {
          end = i;
          break;
        }
        i++;
      }
      const body = input.slice(bodyStart, end === -1 ? n : end);
      i = end === -1 ? n : end + 1;
      tokens.push({ source: input.slice(start, i), negated, regex: body, text: body, colon: -1, commas: [] });
      continue;
    }
    let text = '';
    let colon = -1;
    const commas: number[] = [];
    let quoted = false;
    while (i < n) {
      const ch = input[i]!;
      if (ch === '"') {
        quoted = !quoted;
        i++;
        continue;
      }
      if (!quoted && isSpace(ch)) break;
      if (!quoted && ch === ':' && colon === -1) colon = text.length;
      else if (!quoted && ch === ',') commas.push(text.length);
      text += ch;
      i++;
    }
    tokens.push({ source: input.slice(start, i), negated, text, colon, commas });
  }
  return { ok: true, tokens };
}

// ---------------------------------------------------------------------------------------------
// Compiling

/** Per-row scratch shared by the terms of one predicate: the search values are fetched, turned
 * into strings and lower-cased at most once per row, whatever the number of terms. */
interface Scratch {
  fetched: boolean;
  count: number;
  raw: string[];
  lowered: boolean;
  lower: string[];
}

type Test<Row> = (row: Row, scratch: Scratch) => boolean;

function loadSearch<Row>(row: Row, scratch: Scratch, fields: FilterFields<Row>): void {
  const values = fields.search(row);
  let count = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (v === undefined) continue;
    scratch.raw[count++] = typeof v === 'string' ? v : String(v);
  }
  scratch.count = count;
  scratch.fetched = true;
  scratch.lowered = false;
}

function lowerSearch(scratch: Scratch): void {
  for (let k = 0; k < scratch.count; k++) scratch.lower[k] = scratch.raw[k]!.toLowerCase();
  scratch.lowered = true;
}

function textTest<Row>(needle: string, fields: FilterFields<Row>): Test<Row> {
  return (row, scratch) => {
    if (!scratch.fetched) loadSearch(row, scratch, fields);
    if (!scratch.lowered) lowerSearch(scratch);
    const lower = scratch.lower;
    for (let k = 0; k < scratch.count; k++) if (lower[k]!.includes(needle)) return true;
    return false;
  };
}

function regexTest<Row>(re: RegExp, fields: FilterFields<Row>): Test<Row> {
  return (row, scratch) => {
    if (!scratch.fetched) loadSearch(row, scratch, fields);
    const raw = scratch.raw;
    for (let k = 0; k < scratch.count; k++) if (re.test(raw[k]!)) return true;
    return false;
  };
}

/** Matches a field's value against a precompiled set of lower-case needles. Numbers compare as
 * their decimal string, checked against the needles that are canonical numbers without
 * allocating a string per row. */
function fieldTest<Row>(
  get: (row: Row) => string | number | readonly string[] | undefined,
  wanted: readonly string[],
): Test<Row> {
  const numbers = new Set<number>();
  for (const w of wanted) {
    const num = Number(w);
    if (w !== '' && String(num) === w) numbers.add(num);
  }
  const set = new Set(wanted);
  const matchString = (v: string): boolean => set.has(v) || set.has(v.toLowerCase());
  if (wanted.length === 1) {
    const only = wanted[0]!;
    const len = only.length;
    const one = (v: string): boolean => v.length === len && (v === only || v.toLowerCase() === only);
    return (row) => {
      const v = get(row);
      if (v === undefined) return false;
      if (typeof v === 'string') return one(v);
      if (typeof v === 'number') return numbers.has(v);
      for (let k = 0; k < v.length; k++) if (one(v[k]!)) return true;
      return false;
    };
  }
  return (row) => {
    const v = get(row);
    if (v === undefined) return false;
    if (typeof v === 'string') return matchString(v);
    if (typeof v === 'number') return numbers.has(v);
    for (let k = 0; k < v.length; k++) if (matchString(v[k]!)) return true;
    return false;
  };
}

/** `Invalid regular expression: /(/i: Unterminated group` -> `Unterminated group`. */
function regexReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return safeText(message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, ''));
}

export function compileFilter<Row>(text: string, fields: FilterFields<Row>): FilterResult<Row> {
  const tokenized = tokenize(text);
  if (!tokenized.ok) return tokenized;
  if (tokenized.tokens.length === 0) return { ok: true, predicate: undefined, terms: [] };

  // Field names, aliases and synonyms, all case-insensitive.
  const fieldByName = new Map<string, string>();
  for (const name of Object.keys(fields.fields)) fieldByName.set(name.toLowerCase(), name);
  for (const [alias, target] of Object.entries(fields.aliases ?? {})) {
    const canonical = fieldByName.get(target.toLowerCase());
    if (canonical !== undefined && !fieldByName.has(alias.toLowerCase())) fieldByName.set(alias.toLowerCase(), canonical);
  }
  const synonymsOf = (field: string): Map<string, string> => {
    const map = new Map<string, string>();
    for (const [name, table] of Object.entries(fields.synonyms ?? {})) {
      if (name.toLowerCase() !== field.toLowerCase()) continue;
      for (const [from, to] of Object.entries(table)) map.set(from.toLowerCase(), to.toLowerCase());
    }
    return map;
  };

  const terms: FilterTerm[] = [];
  const tests: Test<Row>[] = [];
  const negations: boolean[] = [];
  for (const token of tokenized.tokens) {
    const { negated } = token;
    if (token.regex !== undefined) {
      let re: RegExp;
      try {
        re = new RegExp(token.regex, 'i');
      } catch (error) {
        return { ok: false, error: `'/${safeText(token.regex)}/' is not a valid regular expression: ${regexReason(error)}` };
      }
      terms.push({ kind: 'regex', value: token.regex, negated });
      tests.push(regexTest(re, fields));
      negations.push(negated);
      continue;
    }
    const field = token.colon > 0 ? fieldByName.get(token.text.slice(0, token.colon).toLowerCase()) : undefined;
    if (field === undefined) {
      terms.push({ kind: 'text', value: token.text, negated });
      tests.push(textTest(token.text.toLowerCase(), fields));
      negations.push(negated);
      continue;
    }
    // Split the value on the commas outside quotes.
    const parts: string[] = [];
    let from = token.colon + 1;
    for (const comma of token.commas) {
      if (comma < from) continue;
      parts.push(token.text.slice(from, comma));
      from = comma + 1;
    }
    parts.push(token.text.slice(from));
    const synonyms = synonymsOf(field);
    const wanted: string[] = [];
    for (const part of parts) {
      if (part === '') continue;
      const lower = part.toLowerCase();
      const value = synonyms.get(lower) ?? lower;
      if (!wanted.includes(value)) wanted.push(value);
    }
    if (wanted.length === 0) {
      const typed = safeText(token.text.slice(0, token.colon));
      return {
        ok: false,
        error: `'${safeText(token.source)}' needs a value after the colon: ${typed}:<value>, or any of several: ${typed}:<a>,<b>`,
      };
    }
    terms.push({ kind: 'field', field, value: wanted.join(','), negated });
    tests.push(fieldTest(fields.fields[field]!, wanted));
    negations.push(negated);
  }

  const scratch: Scratch = { fetched: false, count: 0, raw: [], lowered: false, lower: [] };
  const count = tests.length;
  const predicate = (row: Row): boolean => {
    scratch.fetched = false;
    scratch.lowered = false;
    for (let t = 0; t < count; t++) {
      if (tests[t]!(row, scratch) === negations[t]) return false;
    }
    return true;
  };
  return { ok: true, predicate, terms };
}
