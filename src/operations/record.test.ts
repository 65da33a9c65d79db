import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.js';
import { readOperations } from '../db/operationLog.js';
import { createRecorder, MASKED, operationEntry, recordedCall, userOf } from './record.js';
import type { GuestTarget, OperationPlan, OperationResult } from './types.js';

const dirs: string[] = [];
const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function cacheFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmc-record-'));
  dirs.push(dir);
  return join(dir, 'cache.db');
}

const target: GuestTarget = { type: 'lxc', vmid: 200, node: 'pve2', name: 'dns-01', status: 'stopped', template: false };

const createPlan: OperationPlan = {
  action: 'create',
  target,
  risk: 'low',
  calls: [{ method: 'POST', path: '/nodes/pve2/lxc', params: { vmid: 200, hostname: 'dns-01', password: 'hunter2-secret', 'ssh-public-keys': 'ssh-ed25519 AAAA', cipassword: 'pw-in-cloud-init', cores: 2 } }],
  summary: 'create CT 200 dns-01 on pve2',
};

describe('what history keeps of a call', () => {
  it('masks the values of passwords, keys and tokens and keeps the rest', () => {
    const call = recordedCall(createPlan.calls[0]!);
    expect(call).toEqual({
      method: 'POST',
      path: '/nodes/pve2/lxc',
      params: { vmid: 200, hostname: 'dns-01', password: MASKED, 'ssh-public-keys': MASKED, cipassword: MASKED, cores: 2 },
    });
    expect(JSON.stringify(call)).not.toContain('hunter2');
    expect(JSON.stringify(call)).not.toContain('pw-in-cloud-init');
  });

  it('strips escape sequences and cuts long values', () => {
    const call = recordedCall({ method: 'PUT', path: '/nodes/pve1/qemu/100/config', params: { description: `\u001b[31mred\u001b[0m ${'x'.repeat(500)}` } });
    const value = String(call.params!.description);
    expect(value).not.toContain('\u001b');
    expect(value.length).toBeLessThanOrEqual(200);
  });
});

describe('a history entry from a result', () => {
  it('carries the guest, risk, outcome, task and calls, and who acted', () => {
    const result: OperationResult = { action: 'create', target, outcome: 'failed', message: 'storage full', upid: 'UPID:pve2:1:2:3:vzcreate:200:root@pam:', exitStatus: 'storage full', durationMs: 1_200 };
    const entry = operationEntry(result, createPlan, { source: 'console', user: userOf({ kind: 'token', tokenId: 'ops@pve!ci' }), endedAt: 10_000 });
    expect(entry).toMatchObject({
      startedAt: 8_800,
      endedAt: 10_000,
      source: 'console',
      user: 'ops@pve!ci',
      action: 'create',
      type: 'lxc',
      vmid: 200,
      name: 'dns-01',
      node: 'pve2',
      risk: 'low',
      outcome: 'failed',
      message: 'storage full',
      exitStatus: 'storage full',
      upid: 'UPID:pve2:1:2:3:vzcreate:200:root@pam:',
      durationMs: 1_200,
    });
    expect(JSON.stringify(entry)).not.toContain('hunter2');
  });

  it('a refusal without a plan has no risk and no calls', () => {
    const entry = operationEntry({ action: 'start', target, outcome: 'refused', message: 'read-only mode' }, undefined, { source: 'cli' });
    expect(entry).toMatchObject({ outcome: 'refused', calls: [], message: 'read-only mode' });
    expect(entry).not.toHaveProperty('risk');
    expect(entry.startedAt).toBe(entry.endedAt);
  });

  it('the user is the token id or the user name, never a secret', () => {
    expect(userOf({ kind: 'password', username: 'root@pam' })).toBe('root@pam');
    expect(userOf({ kind: 'token', tokenId: 'root@pam!mpc' })).toBe('root@pam!mpc');
  });
});

describe('the recorder', () => {
  const result: OperationResult = { action: 'create', target, outcome: 'done', message: 'OK', exitStatus: 'OK', durationMs: 10 };

  it('writes entries to the cache file; a password param never lands', async () => {
    const path = cacheFile();
    const warnings: string[] = [];
    const recorder = createRecorder({ cachePath: path, profile: { name: 'lab', endpoint: 'https://pve1:8006' }, onWarning: (w) => warnings.push(w) });
    await recorder.record([operationEntry(result, createPlan, { source: 'cli', user: 'root@pam' })]);
    recorder.close();
    const db = openDatabase(path);
    closers.push(() => db.close());
    const raw = db.prepare('SELECT * FROM operations').all();
    expect(JSON.stringify(raw)).not.toContain('hunter2');
    expect(JSON.stringify(raw)).not.toContain('pw-in-cloud-init');
    const [row] = readOperations(db, db.prepare('SELECT id FROM profiles').pluck().get() as number);
    expect(row).toMatchObject({ action: 'create', vmid: 200, outcome: 'done', user: 'root@pam', calls: [{ method: 'POST', path: '/nodes/pve2/lxc' }] });
    expect(row!.calls[0]!.params!.password).toBe(MASKED);
    expect(warnings).toEqual([]);
  });

  it('retries while another connection holds the write lock, and writes once it is free', async () => {
    const path = cacheFile();
    const sync = openDatabase(path);
    closers.push(() => sync.close());
    sync.prepare('BEGIN IMMEDIATE').run();
    const warnings: string[] = [];
    let attempts = 0;
    const recorder = createRecorder({
      cachePath: path,
      profile: { name: 'lab' },
      busyTimeoutMs: 0,
      retries: 50,
      retryDelayMs: 5,
      onWarning: (w) => warnings.push(w),
      open: (p, timeout) => {
        const db = openDatabase(p, { quickCheck: false, busyTimeoutMs: timeout });
        const insert = db.prepare.bind(db);
        // Count attempts, and let the "sync" commit after a few of them.
        db.prepare = ((source: string) => {
          if (source.startsWith('INSERT INTO operations') && ++attempts === 3) sync.prepare('COMMIT').run();
          return insert(source);
        }) as typeof db.prepare;
        return db;
      },
    });
    closers.push(() => recorder.close());
    await recorder.record([operationEntry(result, createPlan, { source: 'console' })]);
    expect(warnings).toEqual([]);
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(sync.prepare('SELECT count(*) FROM operations').pluck().get()).toBe(1);
  });

  it('a failure to record is a warning, not an error', async () => {
    const warnings: string[] = [];
    const recorder = createRecorder({
      cachePath: '/nonexistent/dir/that/cannot/exist/\0bad',
      profile: { name: 'lab' },
      onWarning: (w) => warnings.push(w),
      open: () => {
        throw new Error('disk on fire');
      },
    });
    await expect(recorder.record([operationEntry(result, createPlan, { source: 'cli' })])).resolves.toBeUndefined();
    expect(warnings).toEqual(['create lxc/200 not recorded in history: disk on fire']);
  });
});
