// The console's :generate and :drift in a real pty against the simulator, inside a workspace:
// :generate says what it wrote; :drift opens the drift screen. After a memory change made
// through the CLI (and a sync), a generated file deleted and a resource with no guest added, `r`
// on the drift screen shows all three sections with their counts; Enter opens a guest's detail
// or says a file's path; `/` filters. :sync inside the workspace regenerates the code too.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    ':generate writes the code; :drift shows no drift, then (r) the three sections of a drift; Enter, / and Esc work on them',
    async () => {
      const env = await cli.syncedEnv();
      const root = mkdtempSync(join(tmpdir(), 'pmc-drift-console-ws-'));
      dirs.push(root);
      expect((await runIn(root, ['init'], env)).code).toBe(0);
      const tty = spawnTty([cli.cliPath], { env: ttyEnv(env), cwd: root, cols: 160, rows: 50 });
      sessions.push(tty);
      await tty.waitFor((s) => s.includes('web-01'), { timeoutMs: 30_000, message: 'the guest table' });
      tty.write(':generate\r');
      await tty.waitFor((s) => /generate: \d+ new, 0 changed, 0 unchanged, 0 kept, 0 removed/.test(s), { timeoutMs: 30_000, message: 'the generate summary' });
      tty.write(':drift\r');
      await tty.waitFor((s) => /^no drift: \d+ guests match the code$/m.test(s) && /^drift in pmc-drift-console-ws-\w+ +no drift, \d+ guests matching/m.test(s), { timeoutMs: 30_000, message: 'no drift' });

      // The cluster changes (memory of 105), a generated file goes (101), a resource with no guest comes (999).
      const set = await runIn(root, ['set', 'vm', '105', '--memory', '3072', '--yes'], env);
      expect(set.code, set.stderr).toBe(0);
      expect((await runIn(root, ['sync'], env)).code).toBe(0);
      const tf = join(root, 'terraform');
      const files = readdirSync(tf);
      const vm101 = files.find((f) => f.startsWith('vm-101-'))!;
      const vm105 = files.find((f) => f.startsWith('vm-105-'))!;
      rmSync(join(tf, vm101));
      const orphan = readFileSync(join(tf, vm105), 'utf8').replace(/vm_id(\s*)= 105/, 'vm_id$1= 999').replace(/"vm_105_/g, '"vm_999_');
      writeFileSync(join(tf, 'vm-999-gone.tf'), orphan);

      tty.write('r');
      await tty.waitFor((s) => /drift: 1 not in code, 1 with no guest, 1 changed/.test(s) && /^ {6}memory\S* +3072 +\d+$/m.test(s), { timeoutMs: 30_000, message: 'the drift screen with the three sections' });
      const screen = tty.text();
      expect(screen).toMatch(/^drift in pmc-drift-console-ws-\w+ +1 not in code, 1 with no guest, 1 changed, \d+ matching/m);
      expect(screen).toMatch(/^Guests not in code \(1\)$/m);
      expect(screen).toMatch(/^ {2}101 +web-02 +pve2 +vm *$/m); // the cursor's row is highlighted to the full width
      expect(screen).toMatch(/^Code with no guest \(1\)$/m);
      expect(screen).toMatch(/^ {2}terraform\/vm-999-gone\.tf:\d+ +proxmox_virtual_environment_vm\.vm_999_\S+ +999 +\S+$/m);
      expect(screen).toMatch(/^Changed \(1\)$/m);
      expect(screen).toMatch(/^ {2}105 +\S+ +\S+ +terraform\/vm-105-\S+\.tf:\d+ +proxmox_virtual_environment_vm\.vm_105_\S+$/m);
      expect(screen).toMatch(/^ {6}ATTRIBUTE +LIVE +CODE$/m);

      // j to the file's row: Enter says its path; j to the changed guest: Enter opens its detail.
      tty.write('j');
      await tty.waitFor((s) => /row 2\/\d+/.test(s), { message: 'the cursor on the second row' });
      tty.press('enter');
      await tty.waitFor((s) => s.includes(`${join(tf, 'vm-999-gone.tf')}:`) && s.includes('no guest has vm_id 999'), { message: "the file's path" });
      tty.write('j');
      await tty.waitFor((s) => /row 3\/\d+/.test(s), { message: 'the cursor on the changed guest' });
      tty.press('enter');
      await tty.waitFor((s) => s.includes('qemu/105') && !/^Changed \(1\)$/m.test(s), { message: "the guest's detail" });
      tty.press('escape');
      await tty.waitFor((s) => /^Changed \(1\)$/m.test(s), { message: 'back on the drift screen' });

      // / filters: only the rows that contain the text stay, the headings say how many.
      tty.write('/999');
      await tty.waitFor((s) => /^Guests not in code \(0 of 1\)$/m.test(s) && /^Changed \(0 of 1\)$/m.test(s) && /^Code with no guest \(1\)$/m.test(s) && s.includes('/999_'), { message: 'the filter applied live' });
      tty.press('enter');
      await tty.waitFor((s) => s.includes('filter: 999'), { message: 'the filter applied' });
      tty.press('escape');
      await tty.waitFor((s) => /^Guests not in code \(1\)$/m.test(s) && !s.includes('filter: 999'), { message: 'the filter cleared' });

      // :sync inside a workspace syncs and regenerates (101 back, 105 changed, the orphan removed); then no drift.
      tty.press('escape');
      tty.write(':sync\r');
      await tty.waitFor((s) => /synced in \d+ ms: \d+ changes?; generate: 1 new, 1 changed, \d+ unchanged, 0 kept, 1 removed/.test(s), { timeoutMs: 30_000, message: 'the sync and generate summary' });
      tty.write(':drift\r');
      await tty.waitFor((s) => /^no drift: \d+ guests match the code$/m.test(s), { timeoutMs: 30_000, message: 'no drift after :sync' });
    },
    120_000,
  );
});
