import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempPathFor, writeFileAtomic } from './atomicWrite.js';

let dir: string;
const modeOf = (path: string): number => statSync(path).mode & 0o777;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pmc-atomic-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes a new file and replaces an old one whole, leaving nothing else in the directory', () => {
    const path = join(dir, 'a.txt');
    writeFileAtomic(path, 'first\n');
    expect(readFileSync(path, 'utf8')).toBe('first\n');
    writeFileAtomic(path, Buffer.from('second\n'));
    expect(readFileSync(path, 'utf8')).toBe('second\n');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('gives the file exactly the mode asked for, whatever the umask and the old file', () => {
    const path = join(dir, 'secret.json');
    writeFileSync(path, 'old');
    chmodSync(path, 0o644);
    const umask = process.umask(0o000);
    try {
      writeFileAtomic(path, '{}', { mode: 0o600 });
    } finally {
      process.umask(umask);
    }
    expect(modeOf(path)).toBe(0o600);
  });

  it('keeps the mode of the file it replaces when asked, and a new file gets the create mode less the umask', () => {
    const kept = join(dir, 'kept.tf');
    writeFileSync(kept, 'old');
    chmodSync(kept, 0o640);
    writeFileAtomic(kept, 'new', { keepMode: true, createMode: 0o644 });
    expect(modeOf(kept)).toBe(0o640);
    const umask = process.umask(0o027);
    try {
      writeFileAtomic(join(dir, 'new.tf'), 'x', { keepMode: true, createMode: 0o644 });
    } finally {
      process.umask(umask);
    }
    expect(modeOf(join(dir, 'new.tf'))).toBe(0o640);
  });

  it('creates a missing directory with dirMode, and without it fails with the directory left alone', () => {
    const nested = join(dir, 'x', 'y', 'f');
    expect(() => writeFileAtomic(nested, 'a')).toThrow(/ENOENT/);
    writeFileAtomic(nested, 'a', { dirMode: 0o700 });
    expect(readFileSync(nested, 'utf8')).toBe('a');
    expect(modeOf(join(dir, 'x', 'y'))).toBe(0o700);
  });

  it('a failure before the rename leaves the old file and no temp file', () => {
    const path = join(dir, 'a.tf');
    writeFileSync(path, 'old\n');
    expect(() =>
      writeFileAtomic(path, 'new\n', {
        tempInfix: '.pmc-tmp-',
        beforeRename: () => {
          // the temp file is complete and carries the infix at this moment
          expect(readdirSync(dir).filter((f) => f.startsWith('.a.tf.pmc-tmp-'))).toHaveLength(1);
          throw new Error('disk on fire');
        },
      }),
    ).toThrow('disk on fire');
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['a.tf']);
  });

  it('a rename that fails (the target is a directory) removes the temp file', () => {
    const path = join(dir, 'occupied');
    mkdirSync(join(path, 'inside'), { recursive: true });
    expect(() => writeFileAtomic(path, 'x', { mode: 0o600 })).toThrow();
    expect(readdirSync(dir)).toEqual(['occupied']);
  });

  it('the temp file sits beside the target with a random name', () => {
    const a = tempPathFor(join(dir, 'f.yml'));
    expect(a.startsWith(join(dir, '.f.yml.tmp-'))).toBe(true);
    expect(a).toMatch(/\.tmp-[0-9a-f]{12}$/);
    expect(tempPathFor(join(dir, 'f.yml'))).not.toBe(a);
  });
});
