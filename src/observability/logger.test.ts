import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentCommandOp, log, loggedOperation, setCommandOp, setLogSink } from './log.js';
import { createFileLogger, type FileLogger, initLogging, logPath, redactLine, registerLogSecret } from './logger.js';
import { logFiles, RotatingFile } from './rotatingFile.js';

let dir: string;
let logger: FileLogger | undefined;

function lines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pmc-log-'));
});
afterEach(() => {
  setLogSink(undefined);
  setCommandOp(undefined);
  logger?.close();
  logger = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('the file logger', () => {
  it('writes JSON lines with time, level label, the bindings and fields, at or above its level', () => {
    const file = join(dir, 'logs', 'a.log');
    logger = createFileLogger({ file, level: 'info', bindings: { command: 'sync', profile: 'home' } });
    setLogSink(logger);
    log.debug('hidden', { n: 1 });
    log.info('shown', { n: 2 });
    log.error('bad', { n: 3 });
    const out = lines(file);
    expect(out.map((l) => l.msg)).toEqual(['shown', 'bad']);
    expect(out[0]).toMatchObject({ level: 'info', command: 'sync', profile: 'home', n: 2, pid: process.pid });
    expect(Number.isNaN(Date.parse(out[0]!.time as string))).toBe(false);
    expect(out[1]!.level).toBe('error');
  });

  it('raises its level to debug on demand (--debug, /debug on)', () => {
    const file = join(dir, 'b.log');
    logger = createFileLogger({ file, level: 'info' });
    setLogSink(logger);
    expect(log.enabled('debug')).toBe(false);
    log.setLevel('debug');
    expect(log.level()).toBe('debug');
    log.debug('api request', { method: 'GET', path: '/version', status: 200, ms: 3.2 });
    expect(lines(file)[0]).toMatchObject({ level: 'debug', msg: 'api request', status: 200 });
  });

  it('creates the file 0600 in a 0700 directory, and tightens a looser existing file', () => {
    const file = join(dir, 'logs', 'c.log');
    logger = createFileLogger({ file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'logs')).mode & 0o777).toBe(0o700);
    logger.close();
    const loose = join(dir, 'loose.log');
    writeFileSync(loose, '');
    chmodSync(loose, 0o644);
    logger = createFileLogger({ file: loose });
    expect(statSync(loose).mode & 0o777).toBe(0o600);
  });

  it('gives every line the command run id, and each operation its own id with the command as parent and its time', async () => {
    const file = join(dir, 'd.log');
    logger = createFileLogger({ file, level: 'info' });
    setLogSink(logger);
    setCommandOp('c0ffee00');
    log.info('command started');
    const result = await loggedOperation('operation', { action: 'start', guest: 'qemu/100' }, async (op) => {
      expect(op).toMatch(/^[0-9a-f]{8}$/);
      return { outcome: 'done' };
    }, (r) => ({ outcome: r.outcome }));
    expect(result).toEqual({ outcome: 'done' });
    await expect(loggedOperation('operation', { action: 'stop' }, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const out = lines(file);
    expect(out[0]).toMatchObject({ op: 'c0ffee00', msg: 'command started' });
    expect(out[1]).toMatchObject({ msg: 'operation started', parent: 'c0ffee00', action: 'start', guest: 'qemu/100' });
    expect(out[1]!.op).not.toBe('c0ffee00');
    expect(out[2]).toMatchObject({ msg: 'operation ended', op: out[1]!.op, outcome: 'done' });
    expect(typeof out[2]!.ms).toBe('number');
    expect(out[4]).toMatchObject({ level: 'error', msg: 'operation failed', outcome: 'error', error: 'boom', action: 'stop' });
    expect(out[3]!.op).toBe(out[4]!.op);
  });

  it('masks registered secrets (raw and JSON-escaped) and credential shapes in every line', () => {
    const file = join(dir, 'e.log');
    registerLogSecret('s3cr3t-"quoted"-value', 'password');
    registerLogSecret('0d8c0a0e-1111-2222-3333-444455556666', 'token-secret');
    logger = createFileLogger({ file, level: 'debug' });
    setLogSink(logger);
    log.info('login', { note: 'password s3cr3t-"quoted"-value and 0d8c0a0e-1111-2222-3333-444455556666', header: 'PVEAPIToken=root@pam!mpc=abc', cookie: 'PVEAuthCookie=PVE:root@pam:4EEC61E2::sig' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('0d8c0a0e-1111');
    expect(text).not.toContain('root@pam!mpc=abc');
    expect(text).not.toContain("PVE:root@pam:4EEC61E2");
    expect(text).toContain('***password***');
    expect(text).toContain('***token-secret***');
    expect(JSON.parse(text.trim())).toMatchObject({ msg: 'login' }); // still valid JSON
  });

  it('redactLine leaves ordinary text alone', () => {
    expect(redactLine('{"msg":"synced homelab: 3 nodes"}')).toBe('{"msg":"synced homelab: 3 nodes"}');
  });

  it('initLogging writes under $XDG_STATE_HOME/proxmox-mpc/logs, at debug with --debug, and sets the command id', () => {
    const env = { XDG_STATE_HOME: dir, HOME: dir, PROXMOX_VE_API_TOKEN: 'root@pam!mpc=feedface-aaaa-bbbb' };
    const op = initLogging({ command: 'ping', profile: 'home', debug: true, env });
    expect(op).toMatch(/^[0-9a-f]{8}$/);
    expect(currentCommandOp()).toBe(op);
    log.debug('api request', { note: 'token feedface-aaaa-bbbb' });
    const file = logPath(env);
    expect(file).toBe(join(dir, 'proxmox-mpc', 'logs', 'proxmox-mpc.log'));
    const [line] = lines(file);
    expect(line).toMatchObject({ level: 'debug', command: 'ping', profile: 'home', op });
    expect(readFileSync(file, 'utf8')).not.toContain('feedface-aaaa-bbbb');
  });

  it('a log that cannot be opened leaves logging off instead of failing', () => {
    const blocker = join(dir, 'file');
    writeFileSync(blocker, '');
    expect(initLogging({ command: 'ping', env: { XDG_STATE_HOME: blocker } })).toBeUndefined();
    expect(() => log.info('nowhere')).not.toThrow();
  });
});

describe('rotation', () => {
  it('rotates by size, keeps the newest files, and never splits a line', () => {
    const file = join(dir, 'r.log');
    const rf = new RotatingFile(file, { maxBytes: 1024, keep: 3 });
    const line = (i: number): string => `${JSON.stringify({ i, pad: 'x'.repeat(80) })}\n`;
    for (let i = 0; i < 100; i++) rf.write(line(i));
    rf.close();
    const files = logFiles(file, 3);
    expect(files).toEqual([`${file}.3`, `${file}.2`, `${file}.1`, file]);
    const all = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l !== ''));
    for (const f of files) {
      expect(statSync(f).size).toBeLessThanOrEqual(1024);
      expect(statSync(f).mode & 0o777).toBe(0o600);
    }
    const numbers = all.map((l) => (JSON.parse(l) as { i: number }).i);
    // The newest lines, in order, up to the last one; the oldest dropped.
    expect(numbers.at(-1)).toBe(99);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers[0]).toBeGreaterThan(0);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, k) => numbers[0]! + k));
  });

  it('a second writer notices the other one rotated and reopens instead of rotating again', () => {
    const file = join(dir, 's.log');
    const a = new RotatingFile(file, { maxBytes: 1024, keep: 4 });
    const b = new RotatingFile(file, { maxBytes: 1024, keep: 4 });
    const line = `${'y'.repeat(300)}\n`;
    a.write(line);
    b.write(line);
    a.write(line); // 903 bytes
    b.write(line); // would be 1204: b rotates
    a.write(line); // a's file is now .1: a reopens the new one, which has room
    a.close();
    b.close();
    expect(logFiles(file, 4)).toEqual([`${file}.1`, file]);
    expect(readFileSync(`${file}.1`, 'utf8')).toBe(line.repeat(3));
    expect(readFileSync(file, 'utf8')).toBe(line + line);
  });
});
