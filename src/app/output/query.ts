// Filtering, sorting and limiting rows for the read commands, independent of what the rows are.
import { ExitCode, UserError } from '../userError.js';

/** A free-text filter: a case-insensitive substring, or `/regex/` (case-insensitive too).
 * Returns a predicate over the values a row is searched by (name, vmid, node, tags...). */
export function textMatcher(pattern: string): (values: readonly (string | number | undefined)[]) => boolean {
  const regex = /^\/(.+)\/$/s.exec(pattern);
  if (regex) {
    let re: RegExp;
    try {
      re = new RegExp(regex[1]!, 'i');
    } catch (error) {
      throw new UserError(`'${pattern}' is not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`, ExitCode.usage);
    }
    return (values) => values.some((v) => v !== undefined && re.test(String(v)));
  }
  const needle = pattern.toLowerCase();
  return (values) => values.some((v) => v !== undefined && String(v).toLowerCase().includes(needle));
}

/** `a,b` -> a set of lower-cased values; undefined when the option was not given. */
export function listOption(value: string | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '');
  return new Set(items);
}

/** Whether a value (case-insensitive) is one of the wanted ones; true when nothing is wanted. */
export function oneOf(wanted: Set<string> | undefined, value: string | undefined): boolean {
  return wanted === undefined || (value !== undefined && wanted.has(value.toLowerCase()));
}

export type SortValue = string | number | boolean | undefined;

export interface SortKey<Row> {
  /** What `--sort` accepts (lower case). */
  id: string;
  value: (row: Row) => SortValue;
}

export interface SortSpec {
  id: string;
  descending: boolean;
}

/** `name`, `-mem` (descending); the column must be one of `keys`. */
export function parseSort(spec: string, keys: readonly string[]): SortSpec {
  const descending = spec.startsWith('-');
  const id = (descending ? spec.slice(1) : spec.replace(/^\+/, '')).toLowerCase();
  if (!keys.includes(id)) {
    throw new UserError(`cannot sort by '${spec}': choose one of ${keys.join(', ')} (prefix - for descending, e.g. --sort=-${keys[0] ?? 'name'})`, ExitCode.usage);
  }
  return { id, descending };
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compareValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return collator.compare(String(a), String(b));
}

/** Sorts a copy by one value, then by `tieBreak` (ascending); rows without a value go last in
 * either direction. Numbers compare as numbers, text naturally (`pve2` before `pve10`). */
export function sortByValue<Row>(rows: readonly Row[], value: (row: Row) => SortValue, descending: boolean, tieBreak: (a: Row, b: Row) => number): Row[] {
  // Numbers compare fast; build the keys once.
  const decorated = rows.map((row) => ({ row, v: value(row) }));
  decorated.sort((x, y) => {
    const xa = x.v === undefined || x.v === '';
    const ya = y.v === undefined || y.v === '';
    if (xa !== ya) return xa ? 1 : -1;
    if (!xa) {
      const c = compareValues(x.v, y.v);
      if (c !== 0) return descending ? -c : c;
    }
    return tieBreak(x.row, y.row);
  });
  return decorated.map((d) => d.row);
}

/** Sorts a copy by one key, then by the tie-breakers (ascending); rows without a value for
 * the key go last in either direction. */
export function sortRows<Row>(rows: readonly Row[], key: SortKey<Row>, descending: boolean, tieBreakers: readonly SortKey<Row>[] = []): Row[] {
  return sortByValue(rows, key.value, descending, (x, y) => {
    for (const t of tieBreakers) {
      const c = compareValues(t.value(x) ?? '', t.value(y) ?? '');
      if (c !== 0) return c;
    }
    return 0;
  });
}

/** The first `limit` rows (all when limit is undefined). */
export function limitRows<Row>(rows: readonly Row[], limit: number | undefined): Row[] {
  return limit === undefined ? [...rows] : rows.slice(0, limit);
}
