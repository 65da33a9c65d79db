// Pure comparisons between what the cache holds and what a sync observed.

export type ConfigValue = string | number;
export type Config = Record<string, ConfigValue>;

export function parseConfig(text: string): Config {
  return JSON.parse(text) as Config;
}

/** Config keys never recorded in history (they change with every edit). */
const CONFIG_KEYS_WITHOUT_HISTORY = new Set(['digest']);

export interface ConfigKeyChange {
  key: string;
  old?: string;
  new?: string;
}

/** The keys whose value differs (added, removed or changed), in a stable order (new config's
 * key order, then removed keys), `digest` left out. */
export function configChanges(stored: Config, next: Config): ConfigKeyChange[] {
  const out: ConfigKeyChange[] = [];
  for (const key of Object.keys(next)) {
    if (CONFIG_KEYS_WITHOUT_HISTORY.has(key)) continue;
    const value = next[key];
    const old = Object.hasOwn(stored, key) ? stored[key] : undefined;
    if (sameValue(old, value)) continue;
    const change: ConfigKeyChange = { key };
    if (old !== undefined) change.old = String(old);
    if (value !== undefined) change.new = String(value);
    out.push(change);
  }
  for (const key of Object.keys(stored)) {
    if (CONFIG_KEYS_WITHOUT_HISTORY.has(key) || Object.hasOwn(next, key)) continue;
    const old = stored[key];
    const change: ConfigKeyChange = { key };
    if (old !== undefined) change.old = String(old);
    out.push(change);
  }
  return out;
}

/** Whether two configs hold the same keys and values (key order ignored, `digest` included). */
export function sameConfig(a: Config, b: Config): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!Object.hasOwn(b, key) || !sameValue(a[key], b[key])) return false;
  return true;
}

/** PVE sends some config numbers as strings on one version and numbers on another: `2` and
 * `"2"` are the same setting. */
function sameValue(a: string | number | undefined, b: string | number | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && String(a) === String(b));
}

/** Keys of `next` whose value differs from `stored` (records of primitives). */
export function differingKeys<T extends object>(stored: T, next: T): (keyof T & string)[] {
  const out: (keyof T & string)[] = [];
  for (const key of Object.keys(next) as (keyof T & string)[]) if (stored[key] !== next[key]) out.push(key);
  return out;
}

/** How a section treats its live figures: `keys` are figure columns; a row whose only
 * differences are figures is written when `due`, and never announced as changed. */
export interface FigurePolicy {
  keys: ReadonlySet<string>;
  due: boolean;
}

/** Keys of `next` whose value differs from `stored`, other than the figure keys; and whether a
 * figure key differs. */
export function splitDifferences<T extends object>(stored: T, next: T, figureKeys: ReadonlySet<string>): { fields: (keyof T & string)[]; figures: boolean } {
  const fields: (keyof T & string)[] = [];
  let figures = false;
  for (const key of Object.keys(next) as (keyof T & string)[]) {
    if (stored[key] === next[key]) continue;
    if (figureKeys.has(key)) figures = true;
    else fields.push(key);
  }
  return { fields, figures };
}

export interface SectionDiff<R> {
  /** Rows to write: added, changed, and (when figures are due) those whose figures moved. */
  upserts: R[];
  added: string[];
  changed: string[];
  removed: string[];
  /** The stored rows of `removed`, in the same order. */
  removedRows: R[];
}

const NO_FIGURES: FigurePolicy = { keys: new Set(), due: false };

/** A keyed section (storage, networks...): what to insert/update and which keys vanished. */
export function diffSection<R extends object>(
  stored: Map<string, R>,
  observed: readonly R[],
  keyOf: (row: R) => string,
  figures: FigurePolicy = NO_FIGURES,
): SectionDiff<R> {
  const diff: SectionDiff<R> = { upserts: [], added: [], changed: [], removed: [], removedRows: [] };
  const seen = new Set<string>();
  for (const row of observed) {
    const key = keyOf(row);
    if (seen.has(key)) continue;
    seen.add(key);
    const old = stored.get(key);
    if (old === undefined) {
      diff.upserts.push(row);
      diff.added.push(key);
      continue;
    }
    const differences = splitDifferences(old, row, figures.keys);
    if (differences.fields.length > 0) {
      diff.upserts.push(row);
      diff.changed.push(key);
    } else if (differences.figures && figures.due) {
      diff.upserts.push(row);
    }
  }
  for (const [key, row] of stored) {
    if (seen.has(key)) continue;
    diff.removed.push(key);
    diff.removedRows.push(row);
  }
  return diff;
}
