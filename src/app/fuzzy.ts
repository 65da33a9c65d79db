// Fuzzy completion for the command palette (commands, guest names, vmids), in the manner of fzf
// and VS Code: the query must be a case-insensitive subsequence of the label, and the best
// alignment of it is scored.
//
// Ranking: an exact match, then prefix matches, then the rest by alignment score: each matched
// character scores, more at word starts (the label's start, after a separator such as space - _
// . / :, at a lower-to-upper case change or at a letter/digit boundary), consecutive characters
// keep the bonus of the word start their run began at, and gaps between matched characters cost.
// So a run at a word start beats the same letters scattered over several words, which beats
// letters scattered inside words. Ties go to the shorter label, then to the input order.
//
// Built for 100,000 items per keystroke: a label that is not a subsequence is rejected by one
// scan of char codes, scoring reuses one buffer, and only the results kept get their positions.

export interface FuzzyMatch<T> {
  item: T;
  score: number;
  /** indexes in the label that matched, for highlighting */
  positions: number[];
}

const SCORE_MATCH = 16;
const GAP_START = -3;
const GAP_EXTENSION = -1;
const BONUS_START = 10;
const BONUS_BOUNDARY = 9;
const BONUS_CAMEL = 7;
const BONUS_DIGIT = 6;
const BONUS_CONSECUTIVE = 4;
const FIRST_CHAR_MULTIPLIER = 2;
const TIER_PREFIX = 1e7;
const TIER_EXACT = 2e7;
const NONE = -1e12;

// Character classes, for the word-start bonuses.
const CharClass = { Separator: 0, Lower: 1, Upper: 2, Digit: 3, Other: 4 } as const;
type CharClass = (typeof CharClass)[keyof typeof CharClass];

function classOf(code: number): CharClass {
  if (code >= 97 && code <= 122) return CharClass.Lower;
  if (code >= 65 && code <= 90) return CharClass.Upper;
  if (code >= 48 && code <= 57) return CharClass.Digit;
  if (code < 128) return CharClass.Separator;
  return CharClass.Other; // a non-ASCII letter or symbol: treated as a letter
}

function bonusAt(prev: CharClass, cur: CharClass): number {
  if (cur === CharClass.Separator) return 0;
  if (prev === CharClass.Separator) return BONUS_BOUNDARY;
  if (prev === CharClass.Lower && cur === CharClass.Upper) return BONUS_CAMEL;
  if (prev === CharClass.Digit && cur !== CharClass.Digit) return BONUS_DIGIT;
  if (prev !== CharClass.Digit && cur === CharClass.Digit) return BONUS_DIGIT;
  return 0;
}

/** The query compiled once: each character's lower and upper case code. */
interface Query {
  length: number;
  lower: Int32Array;
  upper: Int32Array;
}

function compileQuery(query: string): Query {
  const length = query.length;
  const lower = new Int32Array(length);
  const upper = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    const ch = query[i]!;
    const lo = ch.toLowerCase();
    const up = ch.toUpperCase();
    lower[i] = lo.length === 1 ? lo.charCodeAt(0) : ch.charCodeAt(0);
    upper[i] = up.length === 1 ? up.charCodeAt(0) : lower[i]!;
  }
  return { length, lower, upper };
}

/** Reused scoring buffers: a query-length by label-length matrix of best scores, the bonus
 * of the run each cell continues, and whether the cell was reached by a consecutive match. */
class Scorer {
  private size = 0;
  score = new Float64Array(0);
  chunk = new Float64Array(0);
  consecutive = new Uint8Array(0);
  bonus = new Float64Array(0);
  /** Per query character, the first and last label index it can match at in any alignment
   * (from a greedy scan forwards and one backwards); the matrix is only filled between them. */
  private first = new Int32Array(0);
  private last = new Int32Array(0);

  constructor(private readonly query: Query) {}

  /** The tiered score of `label`, or undefined when the query is not a subsequence of it.
   * Leaves the matrix filled for `positions` unless the match is exact or a prefix. */
  rate(label: string): number | undefined {
    const q = this.query;
    const m = q.length;
    const n = label.length;
    if (n < m) return undefined;
    if (this.first.length < m) {
      this.first = new Int32Array(m);
      this.last = new Int32Array(m);
    }
    const first = this.first;
    const last = this.last;
    const lower = q.lower;
    const upper = q.upper;
    // Early reject (and the prefix test) with one greedy scan.
    let i = 0;
    let prefix = true;
    for (let j = 0; j < n; j++) {
      const code = label.charCodeAt(j);
      if (code === lower[i] || code === upper[i]) {
        first[i] = j;
        if (++i === m) break;
      } else prefix = false;
    }
    if (i < m) return undefined;
    if (prefix) return (n === m ? TIER_EXACT : TIER_PREFIX) + m * SCORE_MATCH;
    i = m - 1;
    for (let j = n - 1; j >= 0; j--) {
      const code = label.charCodeAt(j);
      if (code === lower[i] || code === upper[i]) {
        last[i] = j;
        if (--i < 0) break;
      }
    }
    return this.align(label);
  }

  private ensure(cells: number, n: number): void {
    if (cells > this.size) {
      this.size = Math.max(cells, this.size * 2, 256);
      this.score = new Float64Array(this.size);
      this.chunk = new Float64Array(this.size);
      this.consecutive = new Uint8Array(this.size);
    }
    if (n > this.bonus.length) this.bonus = new Float64Array(Math.max(n, this.bonus.length * 2, 64));
  }

  private align(label: string): number {
    const q = this.query;
    const m = q.length;
    const n = label.length;
    const { first, last } = this;
    const from = first[0]!;
    const to = last[m - 1]!;
    if (m === 1) {
      // One character (the first keystroke, over every item): its best word-start bonus.
      const lo = q.lower[0];
      const up = q.upper[0];
      let best = 0;
      let prevClass: CharClass = from === 0 ? CharClass.Separator : classOf(label.charCodeAt(from - 1));
      for (let j = from; j <= to; j++) {
        const code = label.charCodeAt(j);
        const cls = classOf(code);
        if (code === lo || code === up) {
          const b = j === 0 ? (cls === CharClass.Separator ? 0 : BONUS_START) : bonusAt(prevClass, cls);
          if (b > best) best = b;
        }
        prevClass = cls;
      }
      return SCORE_MATCH + best * FIRST_CHAR_MULTIPLIER;
    }
    this.ensure(m * n, n);
    const { score, chunk, consecutive, bonus } = this;
    let prevClass: CharClass = from === 0 ? CharClass.Separator : classOf(label.charCodeAt(from - 1));
    for (let j = from; j <= to; j++) {
      const cls = classOf(label.charCodeAt(j));
      bonus[j] = j === 0 ? (cls === CharClass.Separator ? 0 : BONUS_START) : bonusAt(prevClass, cls);
      prevClass = cls;
    }
    // Row 0: the first query character, its word-start bonus counted double.
    for (let j = from; j <= last[0]!; j++) {
      const code = label.charCodeAt(j);
      if (code === q.lower[0] || code === q.upper[0]) {
        score[j] = SCORE_MATCH + bonus[j]! * FIRST_CHAR_MULTIPLIER;
        chunk[j] = bonus[j]!;
      } else score[j] = NONE;
      consecutive[j] = 0;
    }
    for (let i = 1; i < m; i++) {
      const row = i * n;
      const prev = row - n;
      const lo = q.lower[i];
      const up = q.upper[i];
      const prevFirst = first[i - 1]!;
      const prevLast = last[i - 1]!;
      const rowFirst = first[i]!;
      const rowLast = last[i]!;
      // gap: the best score of a match of query[i-1] at k <= j-2, less the cost of the gap to j.
      let gap = NONE;
      for (let j = prevFirst + 1; j <= rowLast; j++) {
        const k = j - 2;
        if (k >= prevFirst && k <= prevLast) gap = Math.max(gap + GAP_EXTENSION, score[prev + k]! + GAP_START);
        else gap += GAP_EXTENSION;
        if (j < rowFirst) continue;
        const code = label.charCodeAt(j);
        const cell = row + j;
        if (code !== lo && code !== up) {
          score[cell] = NONE;
          consecutive[cell] = 0;
          continue;
        }
        const b = bonus[j]!;
        let viaRun = NONE;
        let runChunk = b;
        const before = j - 1 <= prevLast ? score[prev + j - 1]! : NONE;
        if (before > NONE / 2) {
          runChunk = Math.max(chunk[prev + j - 1]!, b);
          viaRun = before + SCORE_MATCH + Math.max(runChunk, BONUS_CONSECUTIVE);
        }
        const viaGap = gap > NONE / 2 ? gap + SCORE_MATCH + b : NONE;
        if (viaRun >= viaGap && viaRun > NONE / 2) {
          score[cell] = viaRun;
          chunk[cell] = runChunk;
          consecutive[cell] = 1;
        } else {
          score[cell] = viaGap;
          chunk[cell] = b;
          consecutive[cell] = 0;
        }
      }
    }
    let best = NONE;
    const lastRow = (m - 1) * n;
    for (let j = first[m - 1]!; j <= to; j++) if (score[lastRow + j]! > best) best = score[lastRow + j]!;
    return best;
  }

  /** The matched positions of `label`, whose score `rate` just returned. */
  positions(label: string, rated: number): number[] {
    const m = this.query.length;
    const n = label.length;
    const out = new Array<number>(m);
    if (rated >= TIER_PREFIX) {
      for (let i = 0; i < m; i++) out[i] = i;
      return out;
    }
    const { score, consecutive, first, last } = this;
    if (m === 1) {
      // The first of the matches with the best word-start bonus (as `align` scored it).
      const lo = this.query.lower[0];
      const up = this.query.upper[0];
      let bestJ = first[0]!;
      let best = -1;
      for (let j = first[0]!; j <= last[0]!; j++) {
        const code = label.charCodeAt(j);
        if (code !== lo && code !== up) continue;
        const cls = classOf(code);
        const b = j === 0 ? (cls === CharClass.Separator ? 0 : BONUS_START) : bonusAt(classOf(label.charCodeAt(j - 1)), cls);
        if (b > best) {
          best = b;
          bestJ = j;
        }
      }
      out[0] = bestJ;
      return out;
    }
    const lastRow = (m - 1) * n;
    let j = first[m - 1]!;
    for (let k = j + 1; k <= last[m - 1]!; k++) if (score[lastRow + k]! > score[lastRow + j]!) j = k;
    for (let i = m - 1; i >= 0; i--) {
      out[i] = j;
      if (i === 0) break;
      if (consecutive[i * n + j]) {
        j -= 1;
        continue;
      }
      // Reached over a gap: the earlier match that gave the best score across it.
      const prev = (i - 1) * n;
      let bestK = -1;
      let bestValue = NONE;
      for (let k = Math.min(j - 2, last[i - 1]!); k >= first[i - 1]!; k--) {
        const value = score[prev + k]! + GAP_START + (j - k - 2) * GAP_EXTENSION;
        if (value > bestValue) {
          bestValue = value;
          bestK = k;
        }
      }
      j = bestK;
    }
    return out;
  }
}

interface Candidate {
  index: number;
  score: number;
  length: number;
}

/** Whether `a` ranks before `b`: higher score, then shorter label, then input order. */
function before(a: Candidate, b: Candidate): boolean {
  if (a.score !== b.score) return a.score > b.score;
  if (a.length !== b.length) return a.length < b.length;
  return a.index < b.index;
}

export function fuzzyFilter<T>(
  query: string,
  items: readonly T[],
  label: (item: T) => string,
  options: { limit?: number } = {},
): FuzzyMatch<T>[] {
  const limit = options.limit === undefined ? Infinity : Math.max(0, Math.floor(options.limit));
  if (limit === 0) return [];
  if (query.trim() === '') {
    const count = Math.min(items.length, limit);
    const out: FuzzyMatch<T>[] = new Array(count);
    for (let k = 0; k < count; k++) out[k] = { item: items[k]!, score: 0, positions: [] };
    return out;
  }

  const scorer = new Scorer(compileQuery(query));
  const kept: Candidate[] = [];
  const bounded = Number.isFinite(limit);
  for (let index = 0; index < items.length; index++) {
    const text = label(items[index]!);
    const score = scorer.rate(text);
    if (score === undefined) continue;
    if (!bounded) {
      kept.push({ index, score, length: text.length });
      continue;
    }
    if (kept.length >= limit) {
      // Most matches do not make the list: reject them before allocating anything.
      const worst = kept[kept.length - 1]!;
      if (score < worst.score || (score === worst.score && text.length >= worst.length)) continue;
    }
    const candidate: Candidate = { index, score, length: text.length };
    // Binary search for the insertion point in the kept, best-first list.
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(kept[mid]!, candidate)) lo = mid + 1;
      else hi = mid;
    }
    kept.splice(lo, 0, candidate);
    if (kept.length > limit) kept.pop();
  }
  if (!bounded) kept.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));

  return kept.map(({ index, score }) => {
    const item = items[index]!;
    const text = label(item);
    scorer.rate(text); // refill the matrix for this label
    return { item, score, positions: scorer.positions(text, score) };
  });
}
