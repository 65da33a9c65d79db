// The line-based console as a user runs it: the built CLI (run `node scripts/build.mjs` first)
// on the demo cluster, commands on stdin, tables on stdout, nothing but plain text. And the
// full-screen console refusing to start without a terminal.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NOT_A_TERMINAL } from '../src/app/commands/console.js';
import { CLI, isolatedEnv, type CliResult } from './support/cli.js';
import { spawnTty, type TtySession } from './support/tty.js';

/** Isolated config, cache and state directories (nothing of the caller's). */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e = isolatedEnv(extra);
  return { ...e, XDG_STATE_HOME: join(e.HOME!, '.local', 'state'), ...extra };
}

/** Runs the CLI with `stdin` piped in; stdout and stderr are pipes (not terminals). */
function runWithInput(args: string[], stdin: string, environment: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: environment, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** Any control character but the newline: colours, cursor movement, carriage returns... */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('proxmox-mpc demo --plain', () => {
  it('answers vm, ct and help from stdin with plain tables, and exits 0 on quit', async () => {
    const r = await runWithInput(['demo', '--plain'], 'vm\nct\nhelp\nquit\n', env());
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^proxmox-mpc console: profile demo, cluster homelab, 38 guests, synced \d+ s ago$/);
    // No prompt and no echo when stdin is a pipe.
    expect(r.stdout).not.toContain('demo> ');
    expect(r.stdout).not.toMatch(/^(vm|ct|help|quit)$/m);
    // The VM table, then the container table.
    const headers = lines.flatMap((l, i) => (/^ +VMID NAME +TYPE NODE +STATUS/.test(l) ? [i] : []));
    expect(headers).toHaveLength(2);
    expect(r.stdout).toMatch(/^ +100 web-01 +vm +pve1 +running /m);
    expect(r.stdout).toMatch(/^ +200 pihole +ct +pve1 +running /m);
    const vmTable = lines.slice(headers[0]! + 1, headers[1]!).join('\n');
    expect(vmTable).not.toMatch(/ ct /);
    // The help, from the palette's commands.
    expect(r.stdout).toMatch(/^ {2}storage .*\(also sto, st, storages\)$/m);
    expect(r.stdout).toMatch(/status:running/);
    // Plain text only: no colours, no cursor movement, no symbols.
    expect(r.stdout).not.toMatch(CONTROL);
    expect(r.stdout).not.toMatch(/[●○‖◇]/);
    // The first sync's progress went to stderr.
    expect(r.stderr).toMatch(/syncing once first/);
  });

  it('exits 0 at the end of input too', async () => {
    const r = await runWithInput(['demo', '--plain'], 'overview\n', env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Cluster homelab: 3 nodes, 21 VMs, 17 containers$/m);
    expect(r.stdout).not.toMatch(CONTROL);
  });
});

describe('proxmox-mpc demo --plain in a terminal', () => {
  let tty: TtySession | undefined;
  afterEach(async () => {
    await tty?.dispose();
    tty = undefined;
  });

  it('prompts with the profile, answers commands, and leaves on quit', async () => {
    tty = spawnTty([CLI, 'demo', '--plain'], { env: env() });
    await tty.waitForText('demo> ');
    expect(tty.text()).toMatch(/type help for the commands/);
    tty.write('vm 100\r');
    await tty.waitForText(/^History:$[\s\S]*^demo> /m);
    tty.write('quit\r');
    expect((await tty.exited).exitCode).toBe(0);
  });

  it('Ctrl-D at the prompt leaves with 0, Ctrl-C with 130', async () => {
    tty = spawnTty([CLI, 'demo', '--plain'], { env: env() });
    await tty.waitForText('demo> ');
    tty.press('ctrl-d');
    expect((await tty.exited).exitCode).toBe(0);
    await tty.dispose();
    tty = spawnTty([CLI, 'demo', '--plain'], { env: env() });
    await tty.waitForText('demo> ');
    tty.press('ctrl-c');
    expect((await tty.exited).exitCode).toBe(130);
  });
});

describe('proxmox-mpc without a terminal', () => {
  it('exits 2 and says to use a command or console --plain', async () => {
    const environment = env({ PROXMOX_VE_ENDPOINT: 'https://127.0.0.1:1', PROXMOX_VE_API_TOKEN: 'root@pam!mpc=00000000-0000-0000-0000-000000000000' });
    const r = await runWithInput([], '', environment);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(`proxmox-mpc: ${NOT_A_TERMINAL}`);
    expect(r.stderr).toContain('console --plain');
  });
});
