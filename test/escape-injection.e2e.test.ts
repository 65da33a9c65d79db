// Terminal-escape injection (issue 7, the fault suite): a guest description, a snapshot
// description and PVE task log lines (the config update's task logs its parameters) carrying
// escape sequences (CSI clear screen and cursor home, OSC window title and hyperlink, an 8-bit C1
// CSI, DCS, BEL, backspaces) and bidi overrides reach the cache through the API and the CLI;
// every command that shows them prints none of those bytes. Text and tables show the sanitised
// text; JSON and YAML keep the exact value (scripts get the real data) with the controls escaped
// as \uXXXX, which a terminal shows as text (bidi marks are printable text there: kept). Guest
// names and tags cannot carry them: PVE's dns-name and tag formats refuse controls (the
// simulator checks the same formats), so they are out of reach of an attacker too.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { CliResult } from './support/cli.js';
import { useSimulatorCli } from './support/simCli.js';
import { spawnTty, ttyEnv, type TtySession } from './support/tty.js';

const cli = useSimulatorCli('pmc-escape-');
const dirs: string[] = [];
const sessions: TtySession[] = [];
afterAll(async () => {
  await Promise.all(sessions.map((t) => t.dispose()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every way text could drive a terminal: C0 controls but newline and tab, ESC, DEL, C1 (8-bit CSI, OSC, DCS, ST). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const controlsIn = (text: string): string[] => [...new Set([...text].filter((c) => CONTROL.test(c)).map((c) => `U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`))];

const VM_DESCRIPTION = 'Aa\x1b[2J\x1b[H\x1b]0;pwned-title\x07Bb\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\Cc\x9b31mDd\x07Ee\x08\x08Ff\x1bPdcs-payload\x1b\\Gg\u202eHh\u2066Ii\u2069';
const SNAPSHOT_DESCRIPTION = 'snap\x1b[31mred\x1b[0m\x9d0;pwned-c1\x9cnote\x1b[1;1Hend';
const TASK_DESCRIPTION = 'task\x1b]0;pwned-task\x07line\x1b[2J\x9b1;1Hend';
const SET_DESCRIPTION = 'set\x1b]0;pwned-set\x07via\x1b[2Jcli';

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

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('terminal-escape injection', () => {
  it(
    'descriptions, snapshot notes and task log lines with escape sequences: no control byte in any output; JSON and YAML keep the exact value, escaped',
    async () => {
      const env = await cli.syncedEnv();
      const parent = mkdtempSync(join(tmpdir(), 'pmc-escape-ws-'));
      dirs.push(parent);
      const ws = join(parent, 'ws');
      const seen: Array<[string, CliResult]> = [];
      const run = async (args: string[], cwd = ws, codes = [0]): Promise<CliResult> => {
        const r = await runIn(cwd, args, env);
        expect(codes, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
        seen.push([args.join(' '), r]);
        return r;
      };

      // Through the API (as another admin or a compromised guest agent could), and through the CLI.
      await cli.client.put('/nodes/pve1/qemu/100/config', { description: VM_DESCRIPTION });
      await run(['snapshot', 'create', 'vm', '100', 'esc1', '--description', SNAPSHOT_DESCRIPTION], parent);
      await run(['set', 'ct', 'wireguard', '--description', SET_DESCRIPTION, '--yes'], parent);
      // A config change by POST is a qmconfig task whose log line holds the parameters: a crafted
      // task log line, read by get tasks and the console's task log.
      const upid = String(await cli.client.post('/nodes/pve1/qemu/102/config', { description: TASK_DESCRIPTION }));
      await cli.client.waitForTaskOk(upid);
      const log = (await cli.client.get(`/nodes/pve1/tasks/${encodeURIComponent(upid)}/log`)) as Array<{ t: string }>;
      expect(log.map((l) => l.t).join('\n')).toContain('\x1b]0;pwned-task');
      await run(['sync'], parent);

      await run(['init', 'ws', '--no-wizard'], parent);
      await run(['generate', '--refresh']);
      await run(['validate'], ws, [0, 1]);
      // Drift: the description changed again after generate (with C1 controls this time).
      await cli.client.put('/nodes/pve1/qemu/100/config', { description: `${VM_DESCRIPTION}\x9d0;pwned-drift\x9cZz` });
      await run(['sync']);
      const drift = await run(['drift'], ws, [0, 1, 5]);
      const driftJson = await run(['drift', '-o', 'json'], ws, [0, 1, 5]);
      expect(drift.code).toBe(driftJson.code);
      expect(drift.stdout).toContain('description: code "Aa\\u001b[2J');

      const table = await run(['get', 'vms', '-o', 'table']);
      expect(table.stdout).toMatch(/\bweb-01\b/);
      await run(['get', 'vms', '-o', 'wide']);
      await run(['get', 'guests', '-o', 'yaml']);
      await run(['get', 'snapshots', '-o', 'wide']);
      await run(['get', 'tasks', '-o', 'wide']);
      const text = await run(['describe', 'vm', '100']);
      // The text between the sequences is kept; the sequences' own payloads (title, URL, DCS) are not.
      expect(text.stdout).toMatch(/AaBblinkCcDdEeFfGgHhIi/);
      expect(text.stdout).not.toMatch(/pwned|evil\.example|dcs-payload/);
      const json = await run(['describe', 'vm', '100', '-o', 'json']);
      expect(json.stdout).toContain('\\u001b[2J');
      expect(json.stdout).toContain('\\u009b31m');
      expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(VM_DESCRIPTION).slice(1, -1));
      const yaml = await run(['describe', 'vm', '100', '-o', 'yaml']);
      expect(JSON.stringify(parseYaml(yaml.stdout))).toContain(JSON.stringify(VM_DESCRIPTION).slice(1, -1));
      const wg = await run(['describe', 'ct', 'wireguard']);
      expect(wg.stdout).toMatch(/setvia\s*cli/);
      const snaps = await run(['snapshot', 'list', 'vm', '100']);
      expect(snaps.stdout).toMatch(/esc1/);
      expect(snaps.stdout).toMatch(/snapred\s*note\s*end/);
      const snapsJson = await run(['snapshot', 'list', 'vm', '100', '-o', 'json']);
      expect(JSON.stringify(JSON.parse(snapsJson.stdout))).toContain(JSON.stringify(SNAPSHOT_DESCRIPTION).slice(1, -1));
      await run(['history']);
      await run(['history', 'web-01', '-o', 'wide']);
      await run(['history', '--ops']);
      await run(['history', '--ops', '-o', 'yaml']);
      await run(['logs']);
      await run(['logs', '-o', 'json']);
      await run(['get', 'tasks', '-o', 'json']);

      for (const [args, r] of seen) {
        expect(controlsIn(r.stdout), `stdout of ${args}`).toEqual([]);
        expect(controlsIn(r.stderr), `stderr of ${args}`).toEqual([]);
        // Text output drops the sequences' payloads too (JSON and YAML keep them, escaped; drift
        // shows both values JSON-quoted, escapes visible as \u001b, to tell them apart).
        if (!/-o (json|yaml)/.test(args) && args !== 'drift') {
          expect(r.stdout + r.stderr, `${args}`).not.toMatch(/pwned/);
          // Nor a bidi override or isolate that would show the text in another order.
          expect(r.stdout + r.stderr, `${args}`).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
        }
      }
      // The generated code: HCL, YAML and the rest hold no raw control character either.
      const generated = filesUnder(ws).filter((f) => !f.includes(`${join(ws, '.proxmox-mpc')}`));
      expect(generated.length).toBeGreaterThan(3);
      for (const file of generated) expect(controlsIn(readFileSync(file, 'utf8')), file).toEqual([]);
      const hcl = generated.filter((f) => f.endsWith('.tf')).map((f) => readFileSync(f, 'utf8')).join('\n');
      expect(hcl).toMatch(/web-01/);
    },
    180_000,
  );

  it(
    'on screen: a crafted task log line in the console\'s task log viewer reaches the terminal without its sequences',
    async () => {
      const payload = 'tty\x1b]0;pwned-tty\x07log\x1b[2J\x9b2Jline\x1b]8;;http://evil.example/\x1b\\here\x1b]8;;\x1b\\end';
      const upid = String(await cli.client.post('/nodes/pve1/qemu/102/config', { description: payload }));
      await cli.client.waitForTaskOk(upid);
      const env = await cli.syncedEnv();
      const tty = spawnTty([cli.cliPath], { env: ttyEnv(env), cols: 160, rows: 40 });
      sessions.push(tty);
      const mode = (screen: string): string | undefined => /^ (NORMAL|CMD|FILTER) /m.exec(screen.split('\n').reverse().join('\n'))?.[1];
      await tty.waitFor((s) => s.includes('web-01') && mode(s) === 'NORMAL', { timeoutMs: 30_000, message: 'the guest table' });
      const clearsBefore = tty.rawOutput().split('\x1b[2J').length;
      tty.write('5');
      await tty.waitFor((s) => /^Tasks \(\d+\)/m.test(s), { timeoutMs: 15_000, message: 'the tasks' });
      tty.write('/');
      await tty.waitFor((s) => mode(s) === 'FILTER', { timeoutMs: 15_000, message: 'filter mode' });
      for (const ch of 'qmconfig 102') tty.write(ch);
      await tty.waitFor((s) => s.includes('/qmconfig 102'), { timeoutMs: 15_000, message: 'the filter typed' });
      tty.press('enter');
      await tty.waitFor((s) => mode(s) === 'NORMAL' && /\bqmconfig\s+102\b/.test(s), { timeoutMs: 15_000, message: 'the qmconfig task of 102' });
      tty.press('enter');
      await tty.waitFor((s) => /^update VM 102: -description ttylog\s*line\s*hereend$/m.test(s), { timeoutMs: 15_000, message: 'the sanitised log line' });
      const raw = tty.rawOutput();
      expect(raw.includes('pwned'), 'the OSC title text reached the terminal').toBe(false);
      expect(raw.includes('evil.example'), 'the hyperlink reached the terminal').toBe(false);
      expect(raw.includes('\x9b'), 'an 8-bit CSI reached the terminal').toBe(false);
      expect(raw.includes('\x1b]'), 'an OSC sequence reached the terminal').toBe(false);
      expect(raw.split('\x1b[2J').length, 'screen clears').toBe(clearsBefore);
      expect(tty.isAlternateScreen()).toBe(true);
      expect(tty.lines()[1]).toMatch(/^Tasks › Task log\b/);
    },
    120_000,
  );
});
