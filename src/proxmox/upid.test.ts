import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatUpid, isUpid, parseUpid, type Upid } from './upid.js';

const SAMPLES = join(import.meta.dirname, '../../test/fixtures/pve/samples');

/** Every object in the samples that carries a `upid` next to its decoded fields. */
function sampleTasks(): { file: string; task: Record<string, unknown> }[] {
  const out: { file: string; task: Record<string, unknown> }[] = [];
  const walk = (file: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((v) => walk(file, v));
    else if (value && typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      if (typeof obj.upid === 'string') out.push({ file, task: obj });
      Object.values(obj).forEach((v) => walk(file, v));
    }
  };
  for (const file of readdirSync(SAMPLES).filter((f) => f.endsWith('.json'))) {
    walk(file, JSON.parse(readFileSync(join(SAMPLES, file), 'utf8')));
  }
  return out;
}

describe('parseUpid / formatUpid', () => {
  it('decodes a real UPID to the fields the task list reports beside it', () => {
    const upid = parseUpid('UPID:iaclab-01-01:00000DD3:1C419D88:6119FB65:srvreload:networking:root@pam:');
    expect(upid).toEqual({
      node: 'iaclab-01-01',
      pid: 3539,
      pstart: 474062216,
      starttime: 1629092709,
      type: 'srvreload',
      id: 'networking',
      user: 'root@pam',
    });
  });

  it('agrees with every sample task, and real ones format back to the same string', () => {
    const tasks = sampleTasks();
    const real = tasks.filter(({ task }) => (task.upid as string).endsWith(':'));
    expect(real.length).toBeGreaterThanOrEqual(3);
    for (const { task } of real) {
      const upid = parseUpid(task.upid as string);
      expect(upid).toEqual({
        node: task.node,
        pid: task.pid,
        pstart: task.pstart,
        starttime: task.starttime,
        type: task.type,
        id: task.id,
        user: task.user,
      });
      expect(formatUpid(upid)).toBe(task.upid);
    }
  });

  it("rejects the proxmoxer samples' UPIDs, whose author appended text after the final colon", () => {
    const doctored = sampleTasks().filter(({ file }) => file.startsWith('proxmoxer__'));
    expect(doctored.length).toBe(3);
    for (const { task } of doctored) {
      const upid = task.upid as string;
      expect(isUpid(upid)).toBe(false);
      expect(() => parseUpid(upid)).toThrow(/not a valid UPID/);
      // Cut after the user's colon, the rest is a real UPID with the sibling fields.
      const fixed = upid.slice(0, upid.lastIndexOf(':') + 1);
      expect(parseUpid(fixed)).toMatchObject({ pid: task.pid, pstart: task.pstart, starttime: task.starttime, id: task.id });
    }
  });

  it('splits an API token user into user and tokenid', () => {
    const text = 'UPID:pve:0001E240:0A1B2C3D:66A0B1C2:qmstart:100:root@pam!mpc:';
    const upid = parseUpid(text);
    expect(upid.user).toBe('root@pam');
    expect(upid.tokenid).toBe('mpc');
    expect(formatUpid(upid)).toBe(text);
  });

  it('splits at the last `!`, like split_tokenid (user names may contain `!`)', () => {
    expect(parseUpid('UPID:pve:0001E240:0A1B2C3D:66A0B1C2:qmstart:100:we!rd@pve!ci-bot:')).toMatchObject({
      user: 'we!rd@pve',
      tokenid: 'ci-bot',
    });
  });

  it('does not split a user field that is not a token id', () => {
    for (const user of ['root@pam!', 'root!x', '!tok']) {
      const text = `UPID:pve:0001E240:0A1B2C3D:66A0B1C2:qmstart:100:${user}:`;
      const upid = parseUpid(text);
      expect(upid.user).toBe(user);
      expect(upid.tokenid).toBeUndefined();
      expect(formatUpid(upid)).toBe(text);
    }
  });

  it('accepts an empty id (vzdump of several guests)', () => {
    const text = 'UPID:pve:000A1B2C:00D0E0F0:66A0B1C2:vzdump::root@pam:';
    expect(parseUpid(text).id).toBe('');
    expect(formatUpid(parseUpid(text))).toBe(text);
  });

  it('accepts a 9-digit pstart (more than 497 days of uptime)', () => {
    const text = 'UPID:pve:0001E240:1A0B1C2D3:66A0B1C2:qmstart:100:root@pam:';
    const upid = parseUpid(text);
    expect(upid.pstart).toBe(0x1a0b1c2d3);
    expect(formatUpid(upid)).toBe(text);
  });

  it('reads lower-case hex and formats upper-case, as PVE does', () => {
    const upid = parseUpid('UPID:pve:000ff1fd:10f9374c:630d702c:vzdump:110:root@pam:');
    expect(upid.pid).toBe(1044989);
    expect(formatUpid(upid)).toBe('UPID:pve:000FF1FD:10F9374C:630D702C:vzdump:110:root@pam:');
  });

  it.each([
    ['no trailing colon', 'UPID:pve:0001E240:0A1B2C3D:66A0B1C2:qmstart:100:root@pam'],
    ['missing prefix', 'pve:0001E240:0A1B2C3D:66A0B1C2:qmstart:100:root@pam:'],
    ['lower-case prefix', 'upid:pve:0001E240:0A1B2C3D:66A0B1C2:qmstart:100:root@pam:'],
    ['7-digit pid', 'UPID:pve:001E240:0A1B2C3D:66A0B1C2:qmstart:100:root@pam:'],
    ['9-digit pid', 'UPID:pve:00001E240:0A1B2C3D:66A0B1C2:qmstart:100:root@pam:'],
    ['10-digit pstart', 'UPID:pve:0001E240:000A1B2C3D:66A0B1C2:qmstart:100:root@pam:'],
    ['9-digit starttime', 'UPID:pve:0001E240:0A1B2C3D:066A0B1C2:qmstart:100:root@pam:'],
    ['non-hex pid', 'UPID:pve:0001E24G:0A1B2C3D:66A0B1C2:qmstart:100:root@pam:'],
    ['empty type', 'UPID:pve:0001E240:0A1B2C3D:66A0B1C2::100:root@pam:'],
    ['empty user', 'UPID:pve:0001E240:0A1B2C3D:66A0B1C2:qmstart:100::'],
    ['node with underscore', 'UPID:pve_1:0001E240:0A1B2C3D:66A0B1C2:qmstart:100:root@pam:'],
    ['node ending in a dash', 'UPID:pve-:0001E240:0A1B2C3D:66A0B1C2:qmstart:100:root@pam:'],
    ['slash in the id', 'UPID:pve:0001E240:0A1B2C3D:66A0B1C2:qmstart:../x:root@pam:'],
    ['space in the user', 'UPID:pve:0001E240:0A1B2C3D:66A0B1C2:qmstart:100:root @pam:'],
    ['an extra field', 'UPID:pve:0001E240:0A1B2C3D:66A0B1C2:qmstart:100:root@pam:x:'],
    ['empty string', ''],
  ])('rejects %s', (_what, text) => {
    expect(isUpid(text)).toBe(false);
    expect(() => parseUpid(text)).toThrow(/not a valid UPID/);
  });

  it('isUpid is false for non-strings', () => {
    expect(isUpid(undefined)).toBe(false);
    expect(isUpid(42)).toBe(false);
    expect(isUpid({ upid: 'UPID:…' })).toBe(false);
  });

  it('formatUpid refuses fields PVE could not have printed', () => {
    const ok: Upid = { node: 'pve', pid: 1, pstart: 2, starttime: 3, type: 'qmstart', id: '100', user: 'root@pam' };
    expect(formatUpid(ok)).toBe('UPID:pve:00000001:00000002:00000003:qmstart:100:root@pam:');
    for (const bad of [
      { pid: 0x1_0000_0000 },
      { pstart: 0x10_0000_0000 },
      { starttime: -1 },
      { pid: 1.5 },
      { node: 'bad node' },
      { type: 'a:b' },
      { id: 'a/b' },
      { user: '' },
    ]) {
      expect(() => formatUpid({ ...ok, ...bad })).toThrow(/do not make a valid UPID/);
    }
  });
});
