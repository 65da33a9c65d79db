import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endCommandLog, startCommandLog } from './commandLog.js';
import { setCommandOp, setLogSink } from './log.js';
import { logPath } from './logger.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pmc-cmdlog-'));
});
afterEach(() => {
  setLogSink(undefined);
  setCommandOp(undefined);
  rmSync(dir, { recursive: true, force: true });
});

function lines(env: NodeJS.ProcessEnv): Array<Record<string, unknown>> {
  return readFileSync(logPath(env), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the command run in the log', () => {
  it('a start line (command, profile, flag names only) and an end line (exit code, ms) under one op', () => {
    const env = { HOME: dir, XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config'), PROXMOX_VE_ENDPOINT: 'https://pve.lan:8006' };
    startCommandLog('start', { token: 'root@pam!mpc=11111111-2222-3333-4444-555555555555' }, ['--token', '--yes'], env);
    endCommandLog(4);
    const [start, end] = lines(env);
    expect(start).toMatchObject({ level: 'info', msg: 'command started', command: 'start', profile: 'env-pve.lan-8006', flags: '--token,--yes' });
    expect(end).toMatchObject({ level: 'warn', msg: 'command ended', command: 'start', exitCode: 4, op: start!.op });
    expect(typeof end!.ms).toBe('number');
    expect(readFileSync(logPath(env), 'utf8')).not.toContain('11111111-2222');
  });

  it('the profile from --profile or PMC_PROFILE; a clean exit is an info line', () => {
    const env = { HOME: dir, XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config'), PMC_PROFILE: 'lab' };
    startCommandLog('sync', {}, [], env);
    endCommandLog(0);
    startCommandLog('sync', { profile: 'home' }, ['-p'], env);
    endCommandLog(0);
    const out = lines(env);
    expect(out.map((l) => l.profile)).toEqual(['lab', 'lab', 'home', 'home']);
    expect(out[1]).toMatchObject({ level: 'info', exitCode: 0 });
    expect(out[0]!.flags).toBeUndefined();
    expect(out[0]!.op).not.toBe(out[2]!.op);
  });
});
