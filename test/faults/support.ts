// Shared checks for the fault suite: the cache file of a HOME synced against the simulator,
// its integrity, and what a user reads from it without the network.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import type { CliResult } from '../support/cli.js';

export const NO_FAULTS = { latencyMs: 0, errorRate: 0, resetRate: 0, malformedRate: 0, offlineNodes: [], ticketLifetimeSec: 7200 };

export function cacheFileOf(env: NodeJS.ProcessEnv, port: number): string {
  return join(env.XDG_CACHE_HOME!, 'proxmox-mpc', `env-127.0.0.1-${port}.db`);
}

export interface CacheState {
  integrity: string;
  guests: number;
  okRuns: number;
}

/** Opens the cache read-only: `PRAGMA integrity_check`, the guests, the complete syncs. */
export function inspectCache(file: string): CacheState {
  expect(existsSync(file), file).toBe(true);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    const guests = (db.prepare('select count(*) as n from guests').get() as { n: number }).n;
    const okRuns = (db.prepare("select count(*) as n from sync_runs where outcome = 'ok'").get() as { n: number }).n;
    return { integrity, guests, okRuns };
  } finally {
    db.close();
  }
}

/** The error lines the CLI printed (not its progress or warnings). */
export function errorLines(r: CliResult): string[] {
  return r.stderr.split('\n').filter((l) => l.startsWith('proxmox-mpc: ') && !l.startsWith('proxmox-mpc: warning: '));
}

/** No stack trace, no "unexpected" crash report. */
export function noCrash(r: CliResult): void {
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toContain('unexpected; run with --debug');
  expect(r.stdout).not.toMatch(/\n\s+at /);
}
