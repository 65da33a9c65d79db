import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyPath, openPaletteHistory } from './paletteHistory.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pmc-history-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('historyPath', () => {
  it('lives under XDG_STATE_HOME, default ~/.local/state', () => {
    expect(historyPath({ XDG_STATE_HOME: '/x/state' })).toBe('/x/state/proxmox-mpc/palette-history');
    expect(historyPath({ XDG_STATE_HOME: '' })).toBe(join(homedir(), '.local', 'state', 'proxmox-mpc', 'palette-history'));
    expect(historyPath({})).toBe(join(homedir(), '.local', 'state', 'proxmox-mpc', 'palette-history'));
  });
});

describe('openPaletteHistory', () => {
  it('starts empty when the file is missing', () => {
    const history = openPaletteHistory(join(dir, 'none', 'palette-history'));
    expect(history.entries()).toEqual([]);
    expect(history.prev()).toBeUndefined();
    expect(history.next()).toBeUndefined();
  });

  it('round-trips through the file, one entry a line', () => {
    const path = join(dir, 'state', 'proxmox-mpc', 'palette-history');
    const history = openPaletteHistory(path);
    history.add('get vms');
    history.add('  describe vm 100  ');
    history.add('');
    history.add('   ');
    expect(history.entries()).toEqual(['get vms', 'describe vm 100']);
    expect(readFileSync(path, 'utf8')).toBe('get vms\ndescribe vm 100\n');
    expect(openPaletteHistory(path).entries()).toEqual(['get vms', 'describe vm 100']);
  });

  it('creates the directory 0700 and the file 0600, atomically (no temp files left)', () => {
    const path = join(dir, 'state', 'proxmox-mpc', 'palette-history');
    openPaletteHistory(path).add('get vms');
    expect(statSync(join(dir, 'state', 'proxmox-mpc')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'state', 'proxmox-mpc'))).toEqual(['palette-history']);
  });

  it('moves a repeated line to the end instead of storing it twice', () => {
    const path = join(dir, 'palette-history');
    const history = openPaletteHistory(path);
    for (const line of ['a', 'b', 'c', 'a', ' b ']) history.add(line);
    expect(history.entries()).toEqual(['c', 'a', 'b']);
    expect(readFileSync(path, 'utf8')).toBe('c\na\nb\n');
  });

  it('keeps at most max entries, the newest', () => {
    const path = join(dir, 'palette-history');
    const history = openPaletteHistory(path, { max: 3 });
    for (const line of ['1', '2', '3', '4', '5']) history.add(line);
    expect(history.entries()).toEqual(['3', '4', '5']);
    expect(openPaletteHistory(path, { max: 2 }).entries()).toEqual(['4', '5']);
  });

  it('keeps 500 by default', () => {
    const path = join(dir, 'palette-history');
    writeFileSync(path, Array.from({ length: 600 }, (_, k) => `cmd ${k}`).join('\n'));
    const history = openPaletteHistory(path);
    expect(history.entries()).toHaveLength(500);
    expect(history.entries()[0]).toBe('cmd 100');
    expect(history.entries()[499]).toBe('cmd 599');
  });

  it('never stores newlines or control characters', () => {
    const path = join(dir, 'palette-history');
    const history = openPaletteHistory(path);
    history.add('get vms\nrm -rf /');
    history.add('\u001b[31mred\u001b[0m\u0007');
    expect(history.entries()).toEqual(['get vms rm -rf /', 'red']);
    expect(readFileSync(path, 'utf8')).toBe('get vms rm -rf /\nred\n');
  });

  it('browses with prev/next', () => {
    const history = openPaletteHistory(join(dir, 'palette-history'));
    for (const line of ['a', 'b', 'c']) history.add(line);
    expect(history.next()).toBeUndefined(); // nothing newer than the empty input
    expect(history.prev()).toBe('c'); // newest first
    expect(history.prev()).toBe('b');
    expect(history.prev()).toBe('a');
    expect(history.prev()).toBeUndefined(); // past the oldest
    expect(history.next()).toBe('b');
    expect(history.next()).toBe('c');
    expect(history.next()).toBe(''); // back to the empty input
    expect(history.next()).toBeUndefined();
    expect(history.prev()).toBe('c');
    history.reset();
    expect(history.prev()).toBe('c');
    expect(history.prev()).toBe('b');
    history.add('d'); // adding resets the cursor
    expect(history.prev()).toBe('d');
    history.add('b');
    expect(history.prev()).toBe('b');
    expect(history.prev()).toBe('d');
  });

  it('treats an unreadable or corrupt file as empty and never throws', () => {
    const binary = join(dir, 'binary');
    writeFileSync(binary, Buffer.from([0x67, 0x65, 0x74, 10, 0, 1, 2, 10]));
    expect(openPaletteHistory(binary).entries()).toEqual([]);
    const notUtf8 = join(dir, 'latin1');
    writeFileSync(notUtf8, Buffer.from([0x67, 0x65, 0x74, 10, 0xe9, 0x74, 0xe9, 10]));
    expect(openPaletteHistory(notUtf8).entries()).toEqual([]);
    const junk = join(dir, 'junk');
    writeFileSync(junk, '\r\n\n\u001b[2J\u0007\n  \nget vms\r\nget \u001b[31mnodes\n');
    expect(openPaletteHistory(junk).entries()).toEqual(['get vms', 'get nodes']);
    const isDir = join(dir, 'a-directory');
    mkdirSync(isDir);
    const history = openPaletteHistory(isDir);
    expect(history.entries()).toEqual([]);
    expect(() => history.add('get vms')).not.toThrow(); // cannot rename over a directory
    expect(history.entries()).toEqual(['get vms']);
  });

  it('keeps working in memory when the file cannot be written', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const path = join(file, 'proxmox-mpc', 'palette-history'); // a directory under a file
    const history = openPaletteHistory(path);
    expect(() => history.add('get vms')).not.toThrow();
    expect(() => history.add('get nodes')).not.toThrow();
    expect(history.entries()).toEqual(['get vms', 'get nodes']);
    expect(history.prev()).toBe('get nodes');
  });

  it('does not throw for a read-only directory', () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro, { mode: 0o500 });
    chmodSync(ro, 0o500);
    const history = openPaletteHistory(join(ro, 'palette-history'));
    expect(() => history.add('get vms')).not.toThrow();
    expect(history.entries()).toEqual(['get vms']);
    chmodSync(ro, 0o700);
  });
});
