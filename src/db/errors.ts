// The cache's one error type: a file we cannot use, with a one-line message naming the file
// and the way out. A UserError, so commands report it as one line with a non-zero exit code.
import { ExitCode, UserError } from '../app/userError.js';

export type CacheErrorReason =
  /** Not an SQLite database, or it fails `PRAGMA quick_check`. */
  | 'corrupt'
  /** An SQLite database, but not a proxmox-mpc cache. */
  | 'foreign'
  /** A proxmox-mpc cache written by a newer version (migrations we do not know). */
  | 'newer'
  /** Locked by another process for longer than the busy timeout. */
  | 'busy'
  /** The file or its directory cannot be created, opened or written (permissions, disk full...). */
  | 'io';

const RESET = 'run proxmox-mpc sync --reset-cache to start a fresh cache (the old file is moved aside, not deleted)';

const WAY_OUT: Record<CacheErrorReason, string> = {
  corrupt: RESET,
  foreign: `point the cache elsewhere, or ${RESET}`,
  newer: `upgrade proxmox-mpc, or ${RESET}`,
  busy: 'another proxmox-mpc may be writing it; try again',
  io: 'check the path, its permissions and free space',
};

export class CacheError extends UserError {
  override name = 'CacheError';
  constructor(
    readonly reason: CacheErrorReason,
    readonly file: string,
    detail: string,
  ) {
    super(`cache ${file} ${detail.replace(/\s+/g, ' ').trim()}; ${WAY_OUT[reason]}`, ExitCode.failure);
  }
}

export function isCacheError(error: unknown): error is CacheError {
  return error instanceof CacheError;
}
