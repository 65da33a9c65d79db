// Turning a per-item failure into a warning the poll reports (one line, no secrets: a
// ProxmoxError's message is already cleaned up by the client).
import { isProxmoxError } from '../proxmox/errors.js';
import type { SyncErrorInfo, SyncWarning } from './types.js';

export function warningOf(scope: SyncWarning['scope'], target: string | undefined, error: unknown): SyncWarning {
  const warning: SyncWarning = {
    scope,
    kind: isProxmoxError(error) ? error.kind : 'error',
    message: error instanceof Error ? error.message : String(error),
  };
  if (target !== undefined) warning.target = target;
  return warning;
}

/** A one-line description of a warning: `config qemu/101: node pve3 is unreachable (595)`. */
export function describeWarning(w: SyncWarning): string {
  if (w.target !== undefined && w.message.includes(w.target)) return w.message;
  return `${w.scope}${w.target !== undefined ? ` ${w.target}` : ''}: ${w.message}`;
}

/** SQLite's own errors (better-sqlite3's SqliteError, code SQLITE_*) and the cache's CacheError. */
function isCacheFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return error.name === 'SqliteError' || error.name === 'CacheError' || (typeof code === 'string' && code.startsWith('SQLITE_'));
}

export function errorInfoOf(error: unknown): SyncErrorInfo {
  if (isProxmoxError(error)) {
    const info: SyncErrorInfo = { kind: error.kind, message: error.message };
    if (error.status !== undefined) info.status = error.status;
    return info;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (!isCacheFailure(error)) return { kind: 'internal', message };
  // A CacheError says which file and what to do; a raw SQLite error needs the context.
  return { kind: 'cache', message: (error as Error).name === 'CacheError' ? message : `cache: ${message}` };
}
