// The built CLI, copied where a concurrent rebuild cannot touch it: scripts/build.mjs empties
// dist/ first, so a test file that runs the binary while another builds would lose it mid-run.
// Builds first when a source is newer than dist/cli.js (`npm test` has just built it).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const BUILT_CLI = join(ROOT, 'dist', 'cli.js');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Every relative module the bundle imports is there (a copy taken while a build was writing
 * dist/ is not). */
function bundleComplete(dist: string): boolean {
  const chunks = join(dist, 'chunks');
  const files = [...readdirSync(dist).map((f) => join(dist, f)), ...(existsSync(chunks) ? readdirSync(chunks).map((f) => join(chunks, f)) : [])];
  if (!['cli.js', 'sync-worker.js', 'get-worker.js'].every((f) => existsSync(join(dist, f)))) return false;
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/(?:from\s*|import\(\s*)"(\.\.?\/[^"]+)"/g)) if (!existsSync(resolve(dirname(file), m[1]!))) return false;
  }
  return true;
}

export interface PrivateBuild {
  /** The copy's dist/cli.js. */
  cliPath: string;
  /** Removes the copy. */
  dispose(): void;
}

/** Builds if needed, then copies dist/ (waiting out a build in progress), drizzle/ (the
 * migrations, found at ../drizzle from the bundle) and a link to node_modules (the native
 * modules the bundle leaves external) into a temporary directory. */
export function privateBuild(prefix: string): PrivateBuild {
  const built = existsSync(BUILT_CLI) ? statSync(BUILT_CLI).mtimeMs : 0;
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'scripts/build.mjs')), newestMtime(join(ROOT, 'package.json')));
  if (sources > built) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });

  const copy = mkdtempSync(join(tmpdir(), prefix));
  const deadline = Date.now() + 60_000;
  for (;;) {
    rmSync(join(copy, 'dist'), { recursive: true, force: true });
    try {
      cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
      if (!bundleComplete(join(copy, 'dist'))) throw new Error(`${join(ROOT, 'dist')} is incomplete (a build running?)`);
      execFileSync(process.execPath, [join(copy, 'dist', 'cli.js'), '--version'], { stdio: 'ignore' });
      break;
    } catch (error) {
      // dist/ caught half-written by a concurrent build: poll until a complete one is there.
      if (Date.now() > deadline) {
        rmSync(copy, { recursive: true, force: true });
        throw error;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  cpSync(join(ROOT, 'drizzle'), join(copy, 'drizzle'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  return { cliPath: join(copy, 'dist', 'cli.js'), dispose: () => rmSync(copy, { recursive: true, force: true }) };
}
