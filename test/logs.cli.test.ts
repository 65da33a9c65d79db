// `proxmox-mpc logs` as a user runs it: lines written by real command runs, read back with each
// filter, across rotated files, and --follow printing lines as they are appended (also across a
// rotation) until Ctrl-C.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimulator, waitFor } from '../src/sync/test-support/sim.js';
import { isolatedEnv, type CliResult } from './support/cli.js';
import { privateBuild, type PrivateBuild } from './support/privateBuild.js';

let build: PrivateBuild;
let env: NodeJS.ProcessEnv;
let logFile: string;

function run(args: string[], runEnv: NodeJS.ProcessEnv = env): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [build.cliPath, ...args], { env: runEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Line {
  level: string;
  time: string;
  msg: string;
  op?: string;
  command?: string;
  [key: string]: unknown;
}

function jsonLines(stdout: string): Line[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
}

const ops: string[] = [];

beforeAll(async () => {
  build = privateBuild('pmc-logs-');
  env = isolatedEnv({ PATH: '/nonexistent' });
  logFile = join(env.HOME!, '.local', 'state', 'proxmox-mpc', 'logs', 'proxmox-mpc.log');
  // Two command runs that fail (nothing configured): info, warn and error lines, each run its op.
  for (let i = 0; i < 2; i++) {
    const r = await run(['health']);
    expect(r.code).toBe(1);
  }
  const all = jsonLines((await run(['logs', '-o', 'json', '-n', '0'])).stdout);
  for (const l of all) if (l.op !== undefined && !ops.includes(l.op)) ops.push(l.op);
  expect(ops).toHaveLength(2);
}, 120_000);
afterAll(() => {
  rmSync(env.HOME!, { recursive: true, force: true });
  build?.dispose();
});

describe('proxmox-mpc logs', () => {
  it('prints human lines: time, level, op, message, then the fields', async () => {
    const r = await run(['logs']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}  INFO   ${ops[0]}  command started  command=health`));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`WARN   ${ops[1]}  command ended  command=health  exitCode=1  ms=[\\d.]+$`)));
    expect(lines).toContainEqual(expect.stringMatching(/ERROR .* health check .*check=config .*message="no Proxmox VE endpoint configured/));
  });

  it('-o json prints the lines as they are in the file', async () => {
    const lines = jsonLines((await run(['logs', '-o', 'json'])).stdout);
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const l of lines) {
      expect(l).toMatchObject({ command: 'health' });
      expect(ops).toContain(l.op);
      expect(typeof l.pid).toBe('number');
    }
  });

  it('--level keeps that level and above', async () => {
    const lines = jsonLines((await run(['logs', '--level', 'warn', '-o', 'json'])).stdout);
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => l.level))).toEqual(new Set(['warn', 'error']));
    expect(lines.some((l) => l.msg === 'command started')).toBe(false);
    const errors = jsonLines((await run(['logs', '--level', 'error', '-o', 'json'])).stdout);
    expect(errors.map((l) => l.level)).toEqual(errors.map(() => 'error'));
    expect(errors.length).toBeLessThan(lines.length);
  });

  it('--op keeps one command run', async () => {
    const lines = jsonLines((await run(['logs', '--op', ops[1]!, '-o', 'json'])).stdout);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.every((l) => l.op === ops[1])).toBe(true);
    expect(lines[0]!.msg).toBe('command started');
    expect(lines.at(-1)!.msg).toBe('command ended');
  });

  it('--since takes a duration or a time; a bad one is a usage error', async () => {
    const recent = jsonLines((await run(['logs', '--since', '1h', '-o', 'json'])).stdout);
    expect(recent.length).toBeGreaterThanOrEqual(6);
    const future = await run(['logs', '--since', '2999-01-01T00:00:00Z']);
    expect(future.code).toBe(0);
    expect(future.stdout).toBe('');
    expect(future.stderr).toMatch(/no log lines match/);
    const bad = await run(['logs', '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--since 'yesterday' is neither a duration/);
  });

  it('-n keeps the last n lines', async () => {
    const all = jsonLines((await run(['logs', '-o', 'json', '-n', '0'])).stdout);
    const last = jsonLines((await run(['logs', '-o', 'json', '-n', '2'])).stdout);
    expect(last).toEqual(all.slice(-2));
  });

  it('reads the rotated files first, oldest line first', async () => {
    const old = { level: 'info', time: '2026-01-01T00:00:00.000Z', pid: 1, op: 'aaaa0001', command: 'sync', msg: 'from the rotated file' };
    const older = { ...old, time: '2025-12-31T00:00:00.000Z', op: 'aaaa0000', msg: 'from the oldest file' };
    writeFileSync(`${logFile}.1`, `${JSON.stringify(old)}\n`, { mode: 0o600 });
    writeFileSync(`${logFile}.2`, `${JSON.stringify(older)}\nnot json\n`, { mode: 0o600 });
    try {
      const lines = jsonLines((await run(['logs', '-o', 'json', '-n', '0'])).stdout);
      expect(lines.slice(0, 2).map((l) => l.msg)).toEqual(['from the oldest file', 'from the rotated file']);
      expect(lines.slice(2).every((l) => l.command === 'health')).toBe(true);
      const one = jsonLines((await run(['logs', '--op', 'aaaa0001', '-o', 'json'])).stdout);
      expect(one.map((l) => l.msg)).toEqual(['from the rotated file']);
    } finally {
      rmSync(`${logFile}.1`);
      rmSync(`${logFile}.2`);
    }
  });

  it('--follow prints lines as they are appended, across a rotation, until Ctrl-C', async () => {
    const followEnv = isolatedEnv({ PATH: '/nonexistent' });
    const file = join(followEnv.HOME!, '.local', 'state', 'proxmox-mpc', 'logs', 'proxmox-mpc.log');
    mkdirSync(join(file, '..'), { recursive: true });
    const line = (msg: string, level = 'info'): string => `${JSON.stringify({ level, time: new Date().toISOString(), pid: 1, op: 'bbbb0001', msg })}\n`;
    writeFileSync(file, line('before'), { mode: 0o600 });
    const child = spawn(process.execPath, [build.cliPath, 'logs', '--follow', '-n', '1', '--level', 'info'], { env: followEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await waitFor(() => stdout.includes('before'), 20_000, 'the existing line');
      appendFileSync(file, line('first appended'));
      await waitFor(() => stdout.includes('first appended'), 10_000, 'an appended line');
      appendFileSync(file, line('filtered out', 'debug'));
      appendFileSync(file, line('last before rotation'));
      renameSync(file, `${file}.1`);
      writeFileSync(file, line('first after rotation'), { mode: 0o600 });
      await waitFor(() => stdout.includes('first after rotation'), 10_000, 'the line after rotation');
      expect(stdout).toContain('last before rotation');
      expect(stdout).not.toContain('filtered out');
      const order = ['before', 'first appended', 'last before rotation', 'first after rotation'].map((m) => stdout.indexOf(`  ${m}`));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    } finally {
      child.kill('SIGINT');
    }
    expect(await exit).toBe(0);
    rmSync(followEnv.HOME!, { recursive: true, force: true });
  });
});

describe('operations in the log', () => {
  it('a CLI operation logs its own op id with the command as parent, its guest, risk, outcome and time; no secret', async () => {
    const { sim, client } = await startTestSimulator({ timeScale: 0.02 });
    const simEnv = isolatedEnv({
      PROXMOX_VE_ENDPOINT: sim.url,
      PROXMOX_VE_API_TOKEN: `${sim.root.tokenId}=${sim.root.tokenSecret}`,
      PMC_FINGERPRINT: sim.fingerprint,
      PATH: '/nonexistent',
    });
    try {
      expect((await run(['sync'], simEnv)).code).toBe(0);
      const r = await run(['start', 'vm', '109'], simEnv);
      expect(r.code, r.stderr).toBe(0);
      const lines = jsonLines((await run(['logs', '-o', 'json', '-n', '0'], simEnv)).stdout);
      const command = lines.find((l) => l.command === 'start' && l.msg === 'command started')!;
      expect(command).toBeDefined();
      const started = lines.find((l) => l.msg === 'operation started')!;
      const ended = lines.find((l) => l.msg === 'operation ended')!;
      expect(started).toMatchObject({ parent: command.op, source: 'cli', action: 'start', guest: 'qemu/109', node: 'pve3', risk: expect.any(String) });
      expect(started.op).not.toBe(command.op);
      expect(ended).toMatchObject({ op: started.op, parent: command.op, outcome: 'done', exitStatus: 'OK', upid: expect.stringMatching(/^UPID:pve3:/) });
      expect(typeof ended.ms).toBe('number');
      // --op with the command's id shows the command, its operation and the sync that reads the
      // result back (a poll of its own, the command as its parent).
      const byCommand = jsonLines((await run(['logs', '--op', command.op!, '-o', 'json'], simEnv)).stdout);
      expect(byCommand.map((l) => l.msg).filter((m) => !m.startsWith('sync '))).toEqual(['command started', 'operation started', 'operation ended', 'command ended']);
      for (const l of byCommand.filter((l) => l.msg.startsWith('sync '))) expect(l.parent).toBe(command.op);
      // The sync ran as its own command, with its own id.
      expect(lines.find((l) => l.command === 'sync')!.op).not.toBe(command.op);
      const raw = readFileSync(join(simEnv.HOME!, '.local', 'state', 'proxmox-mpc', 'logs', 'proxmox-mpc.log'), 'utf8');
      expect(raw).not.toContain(sim.root.tokenSecret);
    } finally {
      client.close();
      await sim.close();
      rmSync(simEnv.HOME!, { recursive: true, force: true });
    }
  }, 120_000);
});
