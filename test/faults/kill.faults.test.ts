// SIGKILL during `generate --refresh`, which syncs the cache and then writes the workspace:
// killed while the cache is written, or as soon as a file under terraform/, ansible/ or tests/
// is replaced. Afterwards the database passes integrity_check with a whole sync in it (all the
// guests, or none), every generated file is either its old or its new text (never half), no
// temporary file carries a name a tool would load, and the next generate finishes the job.
// (SIGKILL during a plain sync: test/reliability.kill.test.ts; terraform/ alone during a
// generate without --refresh: test/workspace.cli.test.ts.)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, type CliResult } from '../support/cli.js';
import { useSimulatorCli } from '../support/simCli.js';
import { inspectCache } from './support.js';

const TEST_MS = 90_000;
const DIRS = ['terraform', 'ansible', 'tests'];
const TMP = '.pmc-tmp-';
const cli = useSimulatorCli('pmc-faults-kill-');

function runIn(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [cli.cliPath, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Every generated file (relative path -> text), temporary files left out. */
function generated(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const d of DIRS) {
    for (const e of readdirSync(join(root, d), { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || e.name.includes(TMP)) continue;
      const path = join(e.parentPath, e.name);
      files.set(path.slice(root.length + 1), readFileSync(path, 'utf8'));
    }
  }
  return files;
}

function temporaryFiles(root: string): string[] {
  return DIRS.flatMap((d) => readdirSync(join(root, d), { recursive: true, encoding: 'utf8' }).filter((f) => f.includes(TMP)));
}

/** A workspace keeps its own cache, under .proxmox-mpc/. */
const cacheFile = (root: string): string => join(root, '.proxmox-mpc', 'cache.db');

/** Runs `generate --refresh` in root and SIGKILLs it once `when` holds; resolves with whether
 * the kill hit a running process. */
function generateKilledWhen(root: string, env: NodeJS.ProcessEnv, fresh: Map<string, string>, when: 'cache' | 'file'): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli.cliPath, 'generate', '--refresh'], { env, cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let killed = false;
    const kill = () => {
      if (!killed && child.exitCode === null && child.signalCode === null) killed = child.kill('SIGKILL');
    };
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (when === 'cache' && stderr.includes('sync: writing the cache')) kill();
    });
    const watchers: FSWatcher[] =
      when === 'file'
        ? DIRS.map((d) =>
            watch(join(root, d), (_event, name) => {
              if (!name || name.includes(TMP)) return;
              const rel = `${d}/${name}`;
              try {
                if (fresh.has(rel) && readFileSync(join(root, rel), 'utf8') === fresh.get(rel)) kill();
              } catch {
                // renamed away under us: not the event we wait for
              }
            }),
          )
        : [];
    child.on('close', () => {
      for (const w of watchers) w.close();
      done(killed);
    });
  });
}

describe('SIGKILL during generate --refresh', () => {
  it('while the cache is written, or as soon as a file is replaced: the cache whole, every file old or new; the next generate finishes', { timeout: TEST_MS }, async () => {
    const env = isolatedEnv({
      PROXMOX_VE_ENDPOINT: cli.sim.url,
      PROXMOX_VE_API_TOKEN: `${cli.sim.root.tokenId}=${cli.sim.root.tokenSecret}`,
      PMC_FINGERPRINT: cli.sim.fingerprint,
    });
    const parent = mkdtempSync(join(tmpdir(), 'pmc-faults-ws-'));
    try {
      expect((await runIn(parent, ['init', 'ws'], env)).code).toBe(0);
      const root = join(parent, 'ws');
      const first = await runIn(root, ['generate', '--refresh'], env);
      expect(first.code, first.stderr).toBe(0);
      const fresh = generated(root);
      expect(fresh.size).toBeGreaterThan(40);
      expect([...fresh.keys()].some((f) => f.startsWith('ansible/'))).toBe(true);

      for (const when of ['cache', 'file'] as const) {
        // Every managed file edited (its marker kept): the next generate rewrites each of them.
        const old = new Map<string, string>();
        for (const [rel, text] of fresh) {
          const stale = `${text}${text.endsWith('\n') ? '' : '\n'}# stale ${rel}\n`;
          writeFileSync(join(root, rel), stale);
          old.set(rel, stale);
        }
        const killed = await generateKilledWhen(root, env, fresh, when);
        expect(killed, `killed at ${when}`).toBe(true);

        expect(inspectCache(cacheFile(root))).toMatchObject({ integrity: 'ok', guests: 38 });
        const after = generated(root);
        let replaced = 0;
        for (const [rel, text] of after) {
          expect([old.get(rel), fresh.get(rel)], `${when}: ${rel}`).toContain(text);
          if (text === fresh.get(rel)) replaced++;
        }
        expect([...after.keys()].sort()).toEqual([...fresh.keys()].sort());
        // Killed at a rename: at least that file is new (killed at the cache: whatever got written).
        if (when === 'file') expect(replaced).toBeGreaterThan(0);
        // A temporary file left behind never ends like a file terraform or ansible would load.
        for (const f of temporaryFiles(root)) expect(f).not.toMatch(/\.(tf|yml|yaml|hcl)$/);

        const again = await runIn(root, ['generate', '--refresh'], env);
        expect(again.code, again.stderr).toBe(0);
        expect(generated(root)).toEqual(fresh);
        expect(temporaryFiles(root)).toEqual([]);
        expect(inspectCache(cacheFile(root))).toMatchObject({ integrity: 'ok', guests: 38 });
      }
    } finally {
      rmSync(parent, { recursive: true, force: true });
      rmSync(env.HOME!, { recursive: true, force: true });
    }
  });
});
