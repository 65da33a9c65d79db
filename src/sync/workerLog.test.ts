import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { log, setCommandOp, setLogSink } from '../observability/log.js';
import { createFileLogger } from '../observability/logger.js';
import { clearSecrets, registerSecret } from '../util/redact.js';
import { isHostMessage, isWorkerMessage, type WorkerMessage } from './protocol.js';
import { createPostingSink, HELD_LINES, writeWorkerLog } from './workerLog.js';

type LogMessage = Extract<WorkerMessage, { type: 'log' }>;

afterEach(() => {
  setLogSink(undefined);
  setCommandOp(undefined);
  clearSecrets();
});

describe('the worker side: a sink that posts log lines', () => {
  it('posts lines at or above its level, and follows a new level', () => {
    const posted: LogMessage[] = [];
    const sink = createPostingSink((m) => posted.push(m));
    sink.configure({ level: 'info' });
    setLogSink(sink);
    log.debug('api request', { path: '/version' });
    log.info('sync worker started', { profile: 'home' });
    sink.setLevel('debug');
    log.debug('api request', { path: '/cluster/resources' });
    expect(posted.map((m) => [m.level, m.msg, m.fields.path ?? m.fields.profile])).toEqual([
      ['info', 'sync worker started', 'home'],
      ['debug', 'api request', '/cluster/resources'],
    ]);
    expect(posted.every((m) => isWorkerMessage(m) && m.fields.thread === 'sync')).toBe(true);
  });

  it('puts the running poll\'s id on lines that name no operation of their own, with the command as parent', () => {
    const posted: LogMessage[] = [];
    const sink = createPostingSink((m) => posted.push(m));
    sink.configure({ level: 'info', parent: 'c0ffee00' });
    setLogSink(sink);
    setCommandOp('c0ffee00');
    log.info('before');
    sink.setSyncOp('5ca1ab1e');
    log.info('api retry', { path: '/nodes' });
    log.info('sync ended', { op: '5ca1ab1e', parent: 'c0ffee00' });
    log.info('another operation', { op: 'abad1dea' });
    sink.setSyncOp(undefined);
    log.info('after');
    expect(posted.map((m) => [m.msg, m.fields.op, m.fields.parent])).toEqual([
      ['before', 'c0ffee00', undefined],
      ['api retry', '5ca1ab1e', 'c0ffee00'],
      ['sync ended', '5ca1ab1e', 'c0ffee00'],
      ['another operation', 'abad1dea', undefined],
      ['after', 'c0ffee00', undefined],
    ]);
  });

  it('masks the worker\'s own secrets (a ticket it logged in with) before a line leaves the thread', () => {
    const posted: LogMessage[] = [];
    const sink = createPostingSink((m) => posted.push(m));
    sink.configure({ level: 'info' });
    setLogSink(sink);
    registerSecret('ticket', 'PVE:root@pam:6790A1B2::c2lnbmF0dXJlLW9mLXRoZS10aWNrZXQ=');
    registerSecret('token-secret', '0c6f8f8e-7d6b-4c1f-9a57-3a2b1c0d9e8f');
    log.warn('sync failed PVE:root@pam:6790A1B2::c2lnbmF0dXJlLW9mLXRoZS10aWNrZXQ=', { error: 'bad token 0c6f8f8e-7d6b-4c1f-9a57-3a2b1c0d9e8f', n: 3 });
    const text = JSON.stringify(posted);
    expect(text).not.toContain('c2lnbmF0dXJl');
    expect(text).not.toContain('0c6f8f8e-7d6b');
    expect(posted[0]).toMatchObject({ msg: 'sync failed ***ticket***', fields: { error: 'bad token ***token-secret***', n: 3 } });
  });

  it('holds lines back until the main thread logs (the console opens its log after the first frame), then posts those at its level, with the command as theirs', () => {
    const posted: LogMessage[] = [];
    const sink = createPostingSink((m) => posted.push(m));
    setLogSink(sink);
    expect(log.enabled('debug')).toBe(false);
    log.info('sync worker started', { intervalMs: 5000 });
    sink.setSyncOp('5ca1ab1e');
    log.info('sync started', { op: '5ca1ab1e', attempt: 1 });
    log.info('api retry', { path: '/nodes' });
    log.debug('api request', { path: '/nodes' });
    for (let i = 0; i < HELD_LINES; i++) log.info('api retry', { path: `/nodes/${i}` });
    expect(posted).toEqual([]);
    sink.configure({ level: 'info', parent: 'c0ffee00' });
    setCommandOp('c0ffee00');
    // The oldest went first (at most HELD_LINES kept); the rest carry the command as parent.
    expect(posted).toHaveLength(HELD_LINES);
    expect(posted[0]!.fields).toMatchObject({ path: '/nodes/0', op: '5ca1ab1e', parent: 'c0ffee00' });
    log.info('sync ended', { op: '5ca1ab1e', parent: 'c0ffee00' });
    expect(posted.at(-1)).toMatchObject({ msg: 'sync ended', fields: { op: '5ca1ab1e', parent: 'c0ffee00' } });
  });

  it('held lines: a line from before any poll gets the command\'s id; debug lines are not held; the level given filters them', () => {
    const posted: LogMessage[] = [];
    const sink = createPostingSink((m) => posted.push(m));
    setLogSink(sink);
    log.info('sync worker started');
    log.warn('sync failed', { op: '5ca1ab1e', error: 'reset' });
    sink.configure({ level: 'warn', parent: 'c0ffee00' });
    expect(posted.map((m) => [m.msg, m.fields.op, m.fields.parent])).toEqual([['sync failed', '5ca1ab1e', 'c0ffee00']]);
    const other = createPostingSink((m) => posted.push(m));
    setLogSink(other);
    log.info('sync worker started');
    other.configure({ level: 'info', parent: 'c0ffee00' });
    expect(posted.at(-1)).toMatchObject({ msg: 'sync worker started', fields: { op: 'c0ffee00' } });
  });
});

describe('the main side: writing what the worker posted', () => {
  it('goes to this process\'s log file with its bindings, keeping the worker\'s op and level', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-wlog-'));
    const file = join(dir, 'logs', 'proxmox-mpc.log');
    const logger = createFileLogger({ file, level: 'info', bindings: { command: 'console' } });
    try {
      setLogSink(logger);
      setCommandOp('c0ffee00');
      writeWorkerLog({ type: 'log', level: 'warn', msg: 'sync failed', fields: { op: '5ca1ab1e', parent: 'c0ffee00', error: 'connection reset', thread: 'sync' } });
      writeWorkerLog({ type: 'log', level: 'debug', msg: 'api request', fields: { op: '5ca1ab1e', thread: 'sync' } });
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 'warn', msg: 'sync failed', op: '5ca1ab1e', parent: 'c0ffee00', command: 'console', thread: 'sync', pid: process.pid });
    } finally {
      logger.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the protocol', () => {
  it('accepts well-formed log and logSettings messages only', () => {
    expect(isWorkerMessage({ type: 'log', level: 'info', msg: 'x', fields: {} })).toBe(true);
    expect(isWorkerMessage({ type: 'log', level: 'loud', msg: 'x', fields: {} })).toBe(false);
    expect(isWorkerMessage({ type: 'log', level: 'info', fields: {} })).toBe(false);
    expect(isHostMessage({ type: 'logSettings', log: { level: 'debug', parent: 'c0ffee00' } })).toBe(true);
    expect(isHostMessage({ type: 'logSettings', log: { level: 'debug' } })).toBe(true);
    expect(isHostMessage({ type: 'logSettings', log: { level: 7 } })).toBe(false);
    expect(isHostMessage({ type: 'logSettings', level: 'debug' })).toBe(false);
  });
});
