// Opens a cache file: creates it private (directory 0700, file 0600), sets the pragmas (WAL,
// busy timeout, foreign keys, synchronous=NORMAL), refuses a corrupt, foreign or newer file
// with a CacheError (never a raw SqliteError), applies the drizzle migrations, and returns
// the Cache. resetCache moves a bad file aside so that the next open starts fresh.
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { type CacheOptions, createCache } from './cache.js';
import type { Cache } from './cacheApi.js';
import { CacheError } from './errors.js';
import { resolveMigrationsFolder } from './migrationsFolder.js';
import { toCacheError } from './sqliteErrors.js';
import { CACHE_TABLES } from './schema.js';

export { cachePathFor, defaultCachePath, findWorkspaceDir, workspaceCachePath } from './paths.js';
export { CacheError, isCacheError } from './errors.js';

export interface OpenCacheOptions {
  /** Run `PRAGMA quick_check` at open (default true; it reads the whole file). */
  quickCheck?: boolean;
  /** Map up to this many bytes of the file into memory for reads (`PRAGMA mmap_size`; default
   * 0, SQLite's own reads). A short-lived reader of a large cache saves a system call per page. */
  mmapBytes?: number;
  /** How long a statement waits for another connection's lock (default 5000 ms). */
  busyTimeoutMs?: number;
  /** The drizzle migrations folder (default: found next to the code). */
  migrationsFolder?: string;
  /** The clock for sync-run and profile timestamps (default Date.now; tests pass a fake). */
  now?: () => number;
  /** Live figures alone are written at most this often, in observation time (default 60 s,
   * the cadence of the sync's `touch`; 0 writes them with every observation). */
  figuresEveryMs?: number;
}

const MIGRATIONS_TABLE = '__drizzle_migrations';
const MEMORY = ':memory:';

export function openCache(path: string, options: OpenCacheOptions = {}): Cache {
  const cacheOptions: CacheOptions = {};
  if (options.now) cacheOptions.now = options.now;
  if (options.figuresEveryMs !== undefined) cacheOptions.figuresEveryMs = options.figuresEveryMs;
  return createCache(openDatabase(path, options), path, cacheOptions);
}

/** The checked, migrated better-sqlite3 connection under openCache (tests and tools). */
export function openDatabase(path: string, options: OpenCacheOptions = {}): Database.Database {
  const migrationsFolder = options.migrationsFolder ?? resolveMigrationsFolder();
  if (path !== MEMORY) {
    createPrivateFile(path);
    checkHeader(path);
  }
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(path);
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    sqlite.pragma('journal_mode = WAL'); // the first read of the file: fails on garbage
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    if (options.mmapBytes !== undefined && options.mmapBytes > 0) sqlite.pragma(`mmap_size = ${Math.floor(options.mmapBytes)}`);
    if (path !== MEMORY && options.quickCheck !== false) quickCheck(sqlite, path);
    const known = readMigrationFiles({ migrationsFolder }).map((m) => m.folderMillis);
    checkOwnership(sqlite, path, known);
    applyMigrations(sqlite, migrationsFolder, known);
    return sqlite;
  } catch (error) {
    try {
      sqlite?.close();
    } catch {
      // already failing: the first error is the one to report
    }
    throw toCacheError(error, path, true);
  }
}

/** Moves a cache file (and its -wal/-shm/-journal companions) aside to
 * `<path>.broken-<timestamp>`, keeping it for inspection. Returns the new path of the main
 * file, or undefined when there was no file. Close every connection to it first. */
export function resetCache(path: string, now: Date = new Date()): string | undefined {
  const suffixes = ['', '-wal', '-shm', '-journal'];
  if (!suffixes.some((s) => existsSync(path + s))) return undefined;
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let target = `${path}.broken-${stamp}`;
  for (let n = 2; suffixes.some((s) => existsSync(target + s)); n++) target = `${path}.broken-${stamp}-${n}`;
  try {
    for (const suffix of suffixes) if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
  } catch (error) {
    throw new CacheError('io', path, `could not be moved aside (${errorText(error)})`);
  }
  return existsSync(target) ? target : undefined;
}

function createPrivateFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  } catch (error) {
    throw new CacheError('io', path, `cannot be created (${errorText(error)})`);
  }
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** A non-empty file that does not start as an SQLite database is refused before SQLite opens it
 * (so that nothing, not even a -wal or -shm companion, is touched). */
function checkHeader(path: string): void {
  const head = Buffer.alloc(SQLITE_HEADER.length);
  let read: number;
  try {
    const fd = openSync(path, 'r');
    try {
      read = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new CacheError('io', path, `cannot be read (${errorText(error)})`);
  }
  if (read > 0 && !head.subarray(0, read).equals(SQLITE_HEADER.subarray(0, read))) {
    throw new CacheError('corrupt', path, 'is not an SQLite database');
  }
  if (read > 0 && read < SQLITE_HEADER.length) throw new CacheError('corrupt', path, 'is not an SQLite database (truncated)');
}

function quickCheck(sqlite: Database.Database, path: string): void {
  const result = sqlite.pragma('quick_check(1)', { simple: true });
  if (result !== 'ok') throw new CacheError('corrupt', path, `is damaged (quick_check: ${String(result).slice(0, 120)})`);
}

/** Refuses a database that is not ours: tables we do not know without our migrations table,
 * or migrations we do not know (another drizzle app, or a newer proxmox-mpc). */
function checkOwnership(sqlite: Database.Database, path: string, known: number[]): void {
  const tables = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    .pluck()
    .all() as string[];
  const ours = new Set<string>([...CACHE_TABLES, MIGRATIONS_TABLE]);
  const strangers = tables.filter((t) => !ours.has(t));
  if (!tables.includes(MIGRATIONS_TABLE)) {
    if (tables.length > 0) throw new CacheError('foreign', path, `is an SQLite database but not a proxmox-mpc cache (it has ${describeTables(tables)})`);
    return;
  }
  const applied = appliedMigrations(sqlite);
  const newest = Math.max(...known);
  if (applied.some((at) => at > newest)) throw new CacheError('newer', path, 'was written by a newer proxmox-mpc');
  const knownSet = new Set(known);
  if (applied.some((at) => !knownSet.has(at)) || (applied.length === 0 && strangers.length > 0)) {
    throw new CacheError('foreign', path, `is an SQLite database but not a proxmox-mpc cache (it has ${describeTables(strangers.length > 0 ? strangers : tables)})`);
  }
}

function describeTables(tables: string[]): string {
  const shown = tables.slice(0, 3).join(', ');
  return `table${tables.length === 1 ? '' : 's'} ${shown}${tables.length > 3 ? ', ...' : ''}`;
}

function appliedMigrations(sqlite: Database.Database): number[] {
  const exists = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(MIGRATIONS_TABLE);
  if (exists === undefined) return [];
  return (sqlite.prepare(`SELECT created_at FROM ${MIGRATIONS_TABLE}`).pluck().all() as (number | string | null)[]).map(Number);
}

function pending(sqlite: Database.Database, known: number[]): boolean {
  const applied = appliedMigrations(sqlite);
  const last = applied.length === 0 ? -Infinity : Math.max(...applied);
  return known.some((at) => at > last);
}

/** drizzle's migrator, run only when something is pending (opening an up-to-date cache writes
 * nothing). Two connections may open a fresh file at once (the UI and the sync worker): if
 * ours loses the race, the other's migrations are there when we look again. */
function applyMigrations(sqlite: Database.Database, migrationsFolder: string, known: number[]): void {
  if (!pending(sqlite, known)) return;
  try {
    migrate(drizzle(sqlite), { migrationsFolder, migrationsTable: MIGRATIONS_TABLE });
  } catch (error) {
    if (pending(sqlite, known)) throw error;
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return 'code' in error && typeof error.code === 'string' ? error.code : error.message;
  return String(error);
}
