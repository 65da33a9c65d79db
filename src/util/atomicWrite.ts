// Replacing a file so that a crash or a kill at any moment leaves the old file or the new one,
// never half of one: the text goes to a temp file in the same directory (same file system, so
// the rename is atomic), which is fsynced, renamed over the target, and then the directory is
// fsynced (so the rename itself survives a power cut). On any failure the temp file is removed
// and the target is as it was. Every atomic write in the project goes through here.
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** The new file's permissions, exactly (the umask does not apply): 0o600 for anything that
   * holds a secret or says much about a cluster. */
  mode?: number;
  /** Keep the permissions of the file being replaced (exactly); a new file gets `mode`, or
   * `createMode`. */
  keepMode?: boolean;
  /** A new file's permissions less the umask, when `mode` is unset (default 0o666, as
   * writeFileSync). */
  createMode?: number;
  /** Create the directory when missing, with this mode (less the umask). Default: the
   * directory must exist. */
  dirMode?: number;
  /** Put into the temp file's name, `.<name><tempInfix><random>`, so that a sweep can find the
   * leftovers of an interrupted write (default `.tmp-`). */
  tempInfix?: string;
  /** fsync the file before the rename and the directory after (default true). false for a
   * convenience file written on the UI thread (the rename is atomic all the same; only a power
   * cut right after could lose the new text). */
  fsync?: boolean;
  /** Called after the temp file is complete, before the rename (tests: a kill at that moment). */
  beforeRename?: () => void;
}

const DEFAULT_INFIX = '.tmp-';

function writeAll(fd: number, content: string | Uint8Array): void {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function existingMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined; // a new file
  }
}

/** fsync of a directory, so that a rename in it is on disk; some file systems refuse it, and
 * the rename is still atomic there. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not supported here: nothing more to do
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The temp file name a write of `path` uses (exported for sweeps and tests). */
export function tempPathFor(path: string, tempInfix = DEFAULT_INFIX): string {
  return join(dirname(path), `.${basename(path)}${tempInfix}${randomBytes(6).toString('hex')}`);
}

/** Writes `content` to `path` atomically (see the top of this file). */
export function writeFileAtomic(path: string, content: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const dir = dirname(path);
  if (options.dirMode !== undefined) mkdirSync(dir, { recursive: true, mode: options.dirMode });
  const mode = (options.keepMode ? existingMode(path) : undefined) ?? options.mode;
  const tmp = tempPathFor(path, options.tempInfix);
  const durable = options.fsync !== false;
  let fd: number | undefined;
  let created = false;
  try {
    // 'wx': a random name that exists already is never written through (nor a symlink followed).
    fd = openSync(tmp, 'wx', mode ?? options.createMode ?? 0o666);
    created = true;
    if (mode !== undefined) fchmodSync(fd, mode);
    writeAll(fd, content);
    if (durable) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    options.beforeRename?.();
    renameSync(tmp, path);
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    if (created) {
      try {
        unlinkSync(tmp);
      } catch {
        // gone already
      }
    }
    throw error;
  }
  if (durable) fsyncDir(dir);
}
