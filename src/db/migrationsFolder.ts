// Finds the drizzle/ migrations folder shipped next to the code: from the sources
// (src/db/ -> ../../drizzle) and from the esbuild bundle (dist/cli.js -> ../drizzle,
// dist/chunks/*.js -> ../../drizzle).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CANDIDATES = ['../drizzle', '../../drizzle'];

/** The folders tried, in order, relative to `from` (a module URL; defaults to this module). */
export function migrationsFolderCandidates(from: string = import.meta.url): string[] {
  return CANDIDATES.map((relative) => fileURLToPath(new URL(relative, from)));
}

/** The first candidate holding `meta/_journal.json`; throws naming what was tried. */
export function resolveMigrationsFolder(from: string = import.meta.url): string {
  const tried = migrationsFolderCandidates(from);
  const found = tried.find((dir) => existsSync(`${dir}/meta/_journal.json`));
  if (found === undefined) {
    throw new Error(`proxmox-mpc is incomplete: no database migrations found (looked in ${tried.join(', ')}); reinstall it`);
  }
  return found;
}
