import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrationsFolderCandidates, resolveMigrationsFolder } from './migrationsFolder.js';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));

describe('migrations folder', () => {
  it('is found from the sources and from the bundle layouts (dist/cli.js, dist/chunks/*.js)', () => {
    const expected = join(repo, 'drizzle');
    expect(resolveMigrationsFolder()).toBe(expected);
    expect(resolveMigrationsFolder(pathToFileURL(join(repo, 'dist', 'cli.js')).href)).toBe(expected);
    expect(resolveMigrationsFolder(pathToFileURL(join(repo, 'dist', 'chunks', 'client-ABC.js')).href)).toBe(expected);
    expect(existsSync(join(expected, 'meta', '_journal.json'))).toBe(true);
  });

  it('says where it looked when it is missing', () => {
    const from = pathToFileURL('/nonexistent/a/b/c.js').href;
    expect(migrationsFolderCandidates(from)).toEqual(['/nonexistent/a/drizzle', '/nonexistent/drizzle']);
    expect(() => resolveMigrationsFolder(from)).toThrow(/no database migrations found.*\/nonexistent\/a\/drizzle/);
  });
});
