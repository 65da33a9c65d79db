// The console's :generate and :drift in a real pty against the simulator, inside a workspace:
// :generate says what it wrote; after a memory change made through the CLI (and a sync), :drift
// shows the changed attribute on the drift view; :sync inside the workspace regenerates the code too.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CliResult } from './support/cli.js';
import { useSimulatorCli } from './support/simCli.js';
import { spawnTty, ttyEnv, type TtySession } from './support/tty.js';

const cli = useSimulatorCli('pmc-drift-console-');
const sessions: TtySession[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

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

describe('console :generate and :drift (pty, simulator)', () => {
  it(
    ':generate writes the code and says so; after a change, :drift shows it',
    async () => {
      const env = await cli.syncedEnv();
      const root = mkdtempSync(join(tmpdir(), 'pmc-drift-console-ws-'));
      dirs.push(root);
      expect((await runIn(root, ['init'], env)).code).toBe(0);
      const tty = spawnTty([cli.cliPath], { env: ttyEnv(env), cwd: root, cols: 160, rows: 40 });
      sessions.push(tty);
      await tty.waitFor((s) => s.includes('web-01'), { timeoutMs: 30_000, message: 'the guest table' });
      tty.write(':generate\r');
      await tty.waitFor((s) => /generate: \d+ new, 0 changed, 0 unchanged, 0 kept, 0 removed/.test(s), { timeoutMs: 30_000, message: 'the generate summary' });
      tty.write(':drift\r');
      await tty.waitFor((s) => /no drift: \d+ guests match the code/.test(s), { timeoutMs: 30_000, message: 'no drift' });

      const set = await runIn(root, ['set', 'vm', '105', '--memory', '3072', '--yes'], env);
      expect(set.code, set.stderr).toBe(0);
      expect((await runIn(root, ['sync'], env)).code).toBe(0);
      tty.press('escape');
      tty.write(':drift\r');
      await tty.waitFor((s) => /drift: 0 not in code, 0 with no guest, 1 changed/.test(s) && /memory\S*: code \d+, live 3072/.test(s), { timeoutMs: 30_000, message: 'the drift view with the change' });
      const screen = tty.text();
      expect(screen).toMatch(/^drift in pmc-drift-console-ws-\w+/m);
      expect(screen).toMatch(/changed +terraform\/vm-105-\S+\.tf:\d+ \S+ \(vm_id 105\)/);

      // :sync inside a workspace syncs and regenerates, saying both; then no drift.
      tty.press('escape');
      tty.write(':sync\r');
      await tty.waitFor((s) => /synced in \d+ ms: \d+ changes?; generate: 0 new, 1 changed, \d+ unchanged, 0 kept, 0 removed/.test(s), { timeoutMs: 30_000, message: 'the sync and generate summary' });
      tty.write(':drift\r');
      await tty.waitFor((s) => /no drift: \d+ guests match the code/.test(s), { timeoutMs: 30_000, message: 'no drift after :sync' });
    },
    120_000,
  );
});
