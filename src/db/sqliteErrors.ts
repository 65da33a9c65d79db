// SQLite failures that are about the file (damaged, locked, unwritable) become a CacheError
// with a one-line message; anything else is a program error and stays what it is.
import Database from 'better-sqlite3';
import { CacheError, type CacheErrorReason } from './errors.js';

function fileErrorReason(code: string): CacheErrorReason | undefined {
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return 'corrupt';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (/^SQLITE_(IOERR|FULL|CANTOPEN|READONLY|PERM|NOLFS|AUTH)/.test(code)) return 'io';
  return undefined;
}

/** `atOpen`: every SQLite error while opening means the file is unusable (never a raw SqliteError). */
export function toCacheError(error: unknown, path: string, atOpen = false): Error {
  if (error instanceof CacheError) return error;
  if (error instanceof Database.SqliteError) {
    const reason = fileErrorReason(error.code) ?? (atOpen ? 'corrupt' : undefined);
    if (reason === undefined) return error;
    const detail =
      reason === 'corrupt'
        ? `is not a usable database (${error.message})`
        : reason === 'busy'
          ? 'is locked'
          : `cannot be used (${error.message})`;
    return new CacheError(reason, path, detail);
  }
  return error instanceof Error ? error : new Error(String(error));
}

function isIterator(value: unknown): value is Iterator<unknown> & Iterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { next?: unknown }).next === 'function' &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

/** The same iterator, its failures as CacheErrors (a query that reads rows lazily fails there). */
function wrapIterator<V>(inner: Iterator<V>, path: string): IterableIterator<V> {
  const guard = <R>(step: () => R): R => {
    try {
      return step();
    } catch (error) {
      throw toCacheError(error, path);
    }
  };
  return {
    next: (...args: [] | [unknown]) => guard(() => inner.next(...args)),
    return: (value?: unknown) => guard(() => inner.return?.(value) ?? { done: true, value: undefined as V }),
    [Symbol.iterator]() {
      return this;
    },
  };
}

/** Wraps every method of `target` so that file-level SQLite failures throw a CacheError (also
 * while iterating what a method returns lazily). */
export function withCacheErrors<T extends object>(target: T, path: string): T {
  const out = { ...target };
  for (const [name, value] of Object.entries(target)) {
    if (typeof value !== 'function') continue;
    const method = value as (...args: unknown[]) => unknown;
    (out as Record<string, unknown>)[name] = (...args: unknown[]) => {
      let result: unknown;
      try {
        result = method.apply(target, args);
      } catch (error) {
        throw toCacheError(error, path);
      }
      return isIterator(result) ? wrapIterator(result, path) : result;
    };
  }
  return out;
}
