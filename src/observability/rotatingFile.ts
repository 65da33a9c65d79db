// A synchronous, size-rotated log file: `<path>` is written, `<path>.1` … `<path>.<keep>` are
// the older ones (1 the newest). Writes are synchronous appends (O_APPEND, one write per line),
// so nothing is lost at exit and lines from two processes never interleave mid-line. Files are
// created 0600 in a 0700 directory. Several processes may share the file: each notices when
// another one has rotated it (the inode changed) and reopens instead of rotating again.
import { chmodSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotationOptions {
  /** Rotate before a write would take the file past this size (default 5 MiB). */
  maxBytes?: number;
  /** Rotated files kept besides the current one (default 4: five files in all). */
  keep?: number;
  /** Applied to every line before it is written (the redactor). */
  transform?: (line: string) => string;
}

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_KEEP = 4;

/** The files of a log, oldest first: `<path>.<keep>` … `<path>.1`, `<path>` (those that exist). */
export function logFiles(path: string, keep = DEFAULT_KEEP): string[] {
  const files: string[] = [];
  for (let i = keep; i >= 1; i--) if (existsSync(`${path}.${i}`)) files.push(`${path}.${i}`);
  if (existsSync(path)) files.push(path);
  return files;
}

export class RotatingFile {
  private fd: number | undefined;
  private size = 0;
  private ino = 0;
  readonly maxBytes: number;
  readonly keep: number;
  private readonly transform: ((line: string) => string) | undefined;

  constructor(
    readonly path: string,
    options: RotationOptions = {},
  ) {
    this.maxBytes = Math.max(1024, options.maxBytes ?? DEFAULT_MAX_BYTES);
    this.keep = Math.max(1, options.keep ?? DEFAULT_KEEP);
    this.transform = options.transform;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.open();
  }

  private open(): void {
    const fd = openSync(this.path, 'a', 0o600);
    const st = fstatSync(fd);
    // A file made by hand (or an older version) with a looser mode is tightened.
    if ((st.mode & 0o077) !== 0) chmodSync(this.path, 0o600);
    this.fd = fd;
    this.size = st.size;
    this.ino = st.ino;
  }

  private reopen(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.open();
  }

  private rotate(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    for (let i = this.keep - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    }
    if (existsSync(this.path)) renameSync(this.path, `${this.path}.1`);
    this.open();
  }

  /** pino's destination interface: one call per log line (with its newline). */
  write(chunk: string): boolean {
    const line = this.transform ? this.transform(chunk) : chunk;
    const bytes = Buffer.byteLength(line);
    if (this.fd === undefined) this.open();
    // The real size: other processes append to the same file.
    let size = fstatSync(this.fd!).size;
    if (size > 0 && size + bytes > this.maxBytes) {
      // Another process may have rotated already: then the path is a new file, perhaps with room.
      let current: number | undefined;
      try {
        current = statSync(this.path).ino;
      } catch {
        current = undefined;
      }
      if (current !== this.ino) {
        this.reopen();
        size = this.size;
      }
      if (size > 0 && size + bytes > this.maxBytes) this.rotate();
    }
    writeSync(this.fd!, line);
    return true;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
