// Wire-value quirks of the PVE API: booleans as 0/1, numbers that arrive as strings,
// `;`-joined tag lists. Readers accept every form a real server has sent; writers emit the
// modern form.

/** 0/1, "0"/"1", true/false -> boolean; anything else (absent) -> undefined. */
export function toBool(value: unknown): boolean | undefined {
  if (value === 1 || value === '1' || value === true) return true;
  if (value === 0 || value === '0' || value === false) return false;
  return undefined;
}

// Decimal notation only, as Perl prints numbers (`"2400.000"`, `"-1"`, `"1e+21"`); `Number()`
// alone would also read `"0x10"`, `"0b1"` and `"Infinity"`.
const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number or a numeric string -> number; anything else -> undefined. */
export function toNum(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const s = value.trim();
    if (!DECIMAL_RE.test(s)) return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function toInt(value: unknown): number | undefined {
  const n = toNum(value);
  return n === undefined ? undefined : Math.trunc(n);
}

export function toStr(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** The wire form of a boolean: 1 or 0. */
export function bool01(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

/** Splits a tag list as PVE accepts it on input: `;`, `,` or white space between tags. */
export function parseTags(value: unknown): string[] {
  const s = toStr(value);
  if (!s) return [];
  return s.split(/[;,\s]+/).filter((t) => t.length > 0);
}

/** What PVE stores: de-duplicated, sorted, lower-cased (the default tag style). */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.toLowerCase()))].sort();
}

export function formatTags(tags: readonly string[]): string {
  return normalizeTags(tags).join(';');
}
