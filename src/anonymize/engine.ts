// The anonymisation engine: one pass of one combined regex over the text (every rule family an
// alternative of it), each match replaced by its pseudonym. De-anonymisation is the same pass
// over the anonymised text, each match that the mapping handed out replaced by its original.
import { PseudonymMap } from './mapping.js';
import { compileRules, isPlainWord, KEY_BEFORE_SEPARATOR, ruleNames, keptHostname, keptIpv4, keptIpv6, keptSecretValue, type Kind, type RuleOptions } from './rules.js';

export type Direction = 'anonymize' | 'deanonymize';

export interface EngineOptions extends RuleOptions {
  /** An existing mapping to extend (anonymize) or to restore from (deanonymize). */
  mapping?: PseudonymMap;
}

const TOKEN_VALUE = /^([A-Za-z0-9._-]+@[A-Za-z0-9._-]+![A-Za-z0-9._-]+=)(.+)$/s;

/** A replacement in a string: [start, end) becomes `text`. */
export interface Span {
  start: number;
  end: number;
  text: string;
}

/** A string `run` has already worked out, and the kinds it replaced (for the counts). */
interface Memo {
  out: string;
  kinds: readonly Kind[];
}
// JSON and YAML run the engine on each string, and keys and many values repeat: short strings'
// results are kept (the same input gives the same output, the mapping never changes a pseudonym).
const MEMO_MAX_LENGTH = 64;
const MEMO_MAX_ENTRIES = 50_000;

export class Anonymizer {
  readonly mapping: PseudonymMap;
  private readonly pattern: RegExp;
  private readonly group: Record<string, number>;
  private readonly nodeNames: ReadonlySet<string>;
  /** The names the names rule takes (a one-word text is replaced only if it is one of them). */
  private readonly names: ReadonlySet<string>;
  /** Length and first letter of the names that are one word, by `length * 128 + code`: most
   * one-word strings of a document are told apart from a name without copying them. */
  private readonly wordNameShapes = new Uint8Array((MEMO_MAX_LENGTH + 1) * 128);
  /** A result with nothing replaced is kept as the string itself (most are). */
  private readonly memo = { anonymize: new Map<string, Memo | string>(), deanonymize: new Map<string, Memo | string>() };
  /** The mapping's generation the restore memo was filled at (a new entry can make a match). */
  private memoGeneration = 0;
  /** While `run` fills the memo: the kinds replaced so far. */
  private recording: Kind[] | undefined;

  constructor(options: EngineOptions = {}) {
    this.mapping = options.mapping ?? new PseudonymMap();
    const { regex, group } = compileRules(options);
    this.pattern = regex;
    this.group = group;
    this.nodeNames = new Set(options.nodeNames ?? []);
    this.names = new Set(ruleNames(options));
    for (const name of this.names) {
      if (name.length <= MEMO_MAX_LENGTH && isPlainWord(name)) this.wordNameShapes[name.length * 128 + name.charCodeAt(0)] = 1;
    }
  }

  private swap(kind: Kind, value: string, direction: Direction): string {
    if (direction === 'anonymize') {
      this.recording?.push(kind);
      return this.mapping.pseudonymFor(kind, value);
    }
    const original = this.mapping.originalOf(kind, value);
    if (original === undefined) return value;
    this.recording?.push(kind);
    return original;
  }

  /** What one match of the combined pattern becomes (`m`: the match and its numbered groups;
   * the families are alternatives, so exactly one family's groups are set). */
  private replaceMatch(m: ArrayLike<string | undefined>, direction: Direction): string {
    const G = this.group;
    const match = m[0]!;
    if (m[G.ip4!] !== undefined) return keptIpv4(match) ? match : this.swap('ipv4', match, direction);
    if (m[G.nm!] !== undefined) {
      const kind: Kind | undefined = direction === 'anonymize'
        ? this.nodeNames.has(match) || match.startsWith('node-') ? 'node' : 'guest'
        : match.startsWith('node-') ? 'node' : match.startsWith('guest-') ? 'guest' : undefined;
      if (kind === undefined) return match; // a known name in the anonymised text: nothing of ours
      return this.swap(kind, match, direction);
    }
    if (m[G.hn!] !== undefined) return direction === 'anonymize' && keptHostname(match) ? match : this.swap('hostname', match, direction);
    if (m[G.mac!] !== undefined) return this.swap('mac', match, direction);
    if (m[G.ip6!] !== undefined) return keptIpv6(match) ? match : this.swap('ipv6', match, direction);
    if (m[G.em!] !== undefined) return this.swap('email', match, direction);
    const kvk = m[G.kvk!];
    if (kvk !== undefined) {
      const kvd = m[G.kvd!];
      const kvs = m[G.kvs!];
      const value = kvd ?? kvs ?? m[G.kvb!] ?? '';
      if (keptSecretValue(value)) return match;
      const quote = kvd !== undefined ? '"' : kvs !== undefined ? "'" : '';
      // A whole API token as the value (PVEAPIToken=..., api_token = "..."): only its secret.
      const token = TOKEN_VALUE.exec(value);
      if (token) return `${kvk}${quote}${token[1]}${this.swap('token-secret', token[2]!, direction)}${quote}`;
      return `${kvk}${quote}${this.swap('secret', value, direction)}${quote}`;
    }
    const tti = m[G.tti!];
    if (tti !== undefined) return `${tti}${this.swap('token-secret', m[G.tts!]!, direction)}`;
    if (m[G.tk!] !== undefined) return this.swap('ticket', match, direction);
    if (m[G.csrf!] !== undefined) return this.swap('csrf', match, direction);
    const ska = m[G.ska!];
    if (ska !== undefined) return `${ska}${this.swap('ssh-key', m[G.skb!]!, direction)}`;
    const pkh = m[G.pkh!];
    if (pkh !== undefined) return `${pkh}${m[G.pkl!]}${this.swap('private-key', m[G.pkb!]!, direction)}`;
    return match;
  }

  /**
   * The next match of the pattern in `text` (from the pattern's lastIndex), as the scan should
   * take them (`lastEnd`: where the previous match ended). A credential is matched
   * at its separator with its key checked behind it; when that key reaches into the previous
   * match (`a@b.orgpassword=x`: the e-mail ends in "password"), the previous match is replaced
   * and the key would be gone from the other side: such a match is dropped and the scan goes
   * on right after the separator, so that both directions see the same matches.
   */
  private nextMatch(text: string, lastEnd: number): RegExpExecArray | null {
    const re = this.pattern;
    for (;;) {
      const m = re.exec(text);
      if (m === null || m[this.group.kvk!] === undefined || KEY_BEFORE_SEPARATOR.test(text.slice(Math.max(lastEnd, m.index - 256), m.index))) return m;
      re.lastIndex = m.index + 1;
    }
  }

  /** The text with every value replaced (anonymize) or every known pseudonym restored. */
  run(text: string, direction: Direction): string {
    if (text.length > MEMO_MAX_LENGTH) return this.scan(text, direction);
    // Keys and many values are one word (`type`, `qemu`, `2048`): only a name can be replaced.
    if (isPlainWord(text)) {
      if (direction === 'deanonymize' || !this.names.has(text)) return text; // pseudonyms of names have a `-`
      return this.swap(this.nodeNames.has(text) ? 'node' : 'guest', text, direction);
    }
    const memo = this.memo[direction];
    if (direction === 'deanonymize' && this.memoGeneration !== this.mapping.generation) {
      memo.clear();
      this.memoGeneration = this.mapping.generation;
    }
    const known = memo.get(text);
    if (known !== undefined) {
      if (typeof known === 'string') return known;
      for (const kind of known.kinds) this.mapping.count(kind);
      return known.out;
    }
    const kinds: Kind[] = [];
    this.recording = kinds;
    let out: string;
    try {
      out = this.scan(text, direction);
    } finally {
      this.recording = undefined;
    }
    if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
    memo.set(text, kinds.length ? { out, kinds } : out);
    return out;
  }

  /** `run` over text[start, end): what it becomes, or undefined when it stays as it is. */
  runRange(text: string, start: number, end: number, direction: Direction): string | undefined {
    const length = end - start;
    if (length <= MEMO_MAX_LENGTH && isPlainWord(text, start, end)) {
      if (direction === 'deanonymize' || this.wordNameShapes[length * 128 + text.charCodeAt(start)] !== 1) return undefined;
    }
    const raw = text.slice(start, end);
    const out = this.run(raw, direction);
    return out === raw ? undefined : out;
  }

  private scan(text: string, direction: Direction): string {
    let out: string[] | undefined;
    let at = 0;
    let lastEnd = 0;
    this.pattern.lastIndex = 0;
    for (let m = this.nextMatch(text, 0); m !== null; m = this.nextMatch(text, lastEnd)) {
      lastEnd = m.index + m[0].length;
      const replaced = this.replaceMatch(m, direction);
      if (replaced !== m[0]) {
        (out ??= []).push(text.slice(at, m.index), replaced);
        at = lastEnd;
      }
    }
    if (out === undefined) return text;
    out.push(text.slice(at));
    return out.join('');
  }

  anonymize(text: string): string {
    return this.run(text, 'anonymize');
  }

  deanonymize(text: string): string {
    return this.run(text, 'deanonymize');
  }

  /** The replacements for `text` as spans (for processors that splice into a larger text). */
  spans(text: string, direction: Direction): Span[] {
    const spans: Span[] = [];
    let lastEnd = 0;
    this.pattern.lastIndex = 0;
    for (let m = this.nextMatch(text, 0); m !== null; m = this.nextMatch(text, lastEnd)) {
      lastEnd = m.index + m[0].length;
      const replaced = this.replaceMatch(m, direction);
      if (replaced !== m[0]) spans.push({ start: m.index, end: lastEnd, text: replaced });
    }
    return spans;
  }

  /** A whole value that is a credential because of its key (JSON and YAML processors). */
  secretValue(value: string, direction: Direction): string {
    if (value === '' || keptSecretValue(value)) return value;
    const token = TOKEN_VALUE.exec(value);
    if (token) return `${token[1]}${this.swap('token-secret', token[2]!, direction)}`;
    return this.swap('secret', value, direction);
  }
}
