import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyWrite,
  atomicWrite,
  isManaged,
  MANAGED_MARKER,
  planWrite,
  removeStaleTemps,
  summarise,
  summaryLine,
  TEMP_INFIX,
  unifiedDiff,
  withMarker,
} from './writeFiles.js';

const dir = () => mkdtempSync(join(tmpdir(), 'pmc-write-'));
const put = (root: string, path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8');
const files = (...pairs: [string, string][]) => pairs.map(([path, content]) => withMarker({ path, content }));

describe('writeFiles', () => {
  it('marks every file once with a first-line comment', () => {
    const f = withMarker({ path: 'terraform/a.tf', content: 'x = 1\n' });
    expect(f.content).toBe(`${MANAGED_MARKER}\nx = 1\n`);
    expect(withMarker(f)).toEqual(f);
    expect(isManaged(f.content)).toBe(true);
    expect(isManaged('x = 1\n')).toBe(false);
  });

  it('writes new files, then a second run is all unchanged', () => {
    const root = dir();
    const gen = files(['terraform/a.tf', 'a\n'], ['ansible/inventory.yml', 'all: {}\n']);
    const first = planWrite(root, gen);
    expect(summaryLine(summarise(first))).toBe('2 new, 0 changed, 0 unchanged, 0 kept, 0 removed');
    const r = applyWrite(first);
    expect(r).toEqual({ written: 2, removed: 0 });
    expect(read(root, 'terraform/a.tf')).toBe(gen[0]!.content);
    expect(summaryLine(summarise(planWrite(root, gen)))).toBe('0 new, 0 changed, 2 unchanged, 0 kept, 0 removed');
    expect(existsSync(join(root, '.proxmox-mpc', 'backups'))).toBe(false);
  });

  it('backs up every replaced file under .proxmox-mpc/backups/<timestamp>/', () => {
    const root = dir();
    applyWrite(planWrite(root, files(['terraform/a.tf', 'old\n'])));
    const plan = planWrite(root, files(['terraform/a.tf', 'new\n']));
    expect(plan.changes.map((c) => c.status)).toEqual(['changed']);
    const r = applyWrite(plan, { timestamp: 'T1' });
    expect(r.backupDir).toBe('.proxmox-mpc/backups/T1');
    expect(read(root, '.proxmox-mpc/backups/T1/terraform/a.tf')).toBe(`${MANAGED_MARKER}\nold\n`);
    expect(read(root, 'terraform/a.tf')).toBe(`${MANAGED_MARKER}\nnew\n`);
    // the same timestamp again gets its own directory
    expect(applyWrite(planWrite(root, files(['terraform/a.tf', 'newer\n'])), { timestamp: 'T1' }).backupDir).toBe('.proxmox-mpc/backups/T1-1');
  });

  it('keeps a file whose marker the user removed, or listed under keep', () => {
    const root = dir();
    applyWrite(planWrite(root, files(['terraform/a.tf', 'a\n'], ['terraform/b.tf', 'b\n'])));
    put(root, 'terraform/a.tf', 'a edited by hand\n');
    const plan = planWrite(root, files(['terraform/a.tf', 'a2\n'], ['terraform/b.tf', 'b2\n']), { keep: ['terraform/b.tf'] });
    expect(plan.changes.map((c) => [c.path, c.status, c.reason])).toEqual([
      ['terraform/a.tf', 'kept', 'marker removed'],
      ['terraform/b.tf', 'kept', 'listed under keep'],
    ]);
    applyWrite(plan);
    expect(read(root, 'terraform/a.tf')).toBe('a edited by hand\n');
    expect(read(root, 'terraform/b.tf')).toBe(`${MANAGED_MARKER}\nb\n`);
  });

  it('removes a managed file no longer generated (into the backup); leaves the user\'s own', () => {
    const root = dir();
    applyWrite(planWrite(root, files(['terraform/vm-101-a.tf', 'a\n'], ['terraform/vm-102-b.tf', 'b\n'], ['terraform/vm-103-c.tf', 'c\n'])));
    put(root, 'terraform/vm-102-b.tf', 'mine now\n');
    put(root, 'terraform/extra.tf', '# my own file\n');
    put(root, 'terraform/.terraform/providers/x.tf', `${MANAGED_MARKER}\n`);
    const plan = planWrite(root, files(['terraform/vm-103-c.tf', 'c\n']));
    expect(plan.changes.map((c) => [c.path, c.status])).toEqual([
      ['terraform/vm-101-a.tf', 'removed'],
      ['terraform/vm-102-b.tf', 'kept'],
      ['terraform/vm-103-c.tf', 'unchanged'],
    ]);
    const r = applyWrite(plan, { timestamp: 'T' });
    expect(r.removed).toBe(1);
    expect(existsSync(join(root, 'terraform/vm-101-a.tf'))).toBe(false);
    expect(read(root, '.proxmox-mpc/backups/T/terraform/vm-101-a.tf')).toBe(`${MANAGED_MARKER}\na\n`);
    expect(read(root, 'terraform/vm-102-b.tf')).toBe('mine now\n');
    expect(read(root, 'terraform/extra.tf')).toBe('# my own file\n');
  });

  it('an atomic write that fails leaves the old file and no temp file', () => {
    const root = dir();
    put(root, 'terraform/a.tf', 'old\n');
    expect(() =>
      atomicWrite(join(root, 'terraform/a.tf'), 'new\n', () => {
        throw new Error('disk on fire');
      }),
    ).toThrow('disk on fire');
    expect(read(root, 'terraform/a.tf')).toBe('old\n');
    expect(readdirSync(join(root, 'terraform'))).toEqual(['a.tf']);
  });

  it('a failure half-way through a plan leaves every file old or new, and no temp', () => {
    const root = dir();
    applyWrite(planWrite(root, files(['terraform/a.tf', 'a1\n'], ['terraform/b.tf', 'b1\n'])));
    const plan = planWrite(root, files(['terraform/a.tf', 'a2\n'], ['terraform/b.tf', 'b2\n']));
    expect(() =>
      applyWrite(plan, {
        beforeRename: (p) => {
          if (p === 'terraform/b.tf') throw new Error('interrupted');
        },
      }),
    ).toThrow('interrupted');
    expect(read(root, 'terraform/a.tf')).toBe(`${MANAGED_MARKER}\na2\n`);
    expect(read(root, 'terraform/b.tf')).toBe(`${MANAGED_MARKER}\nb1\n`);
    expect(readdirSync(join(root, 'terraform')).sort()).toEqual(['a.tf', 'b.tf']);
  });

  it('temp files a killed run left are removed by the next one', () => {
    const root = dir();
    put(root, `terraform/.a.tf${TEMP_INFIX}abc`, 'half');
    put(root, 'terraform/keep.tf', 'x');
    expect(removeStaleTemps(root)).toEqual([`terraform/.a.tf${TEMP_INFIX}abc`]);
    expect(readdirSync(join(root, 'terraform'))).toEqual(['keep.tf']);
  });

  it('refuses a path outside the workspace', () => {
    expect(() => planWrite(dir(), [{ path: '../x.tf', content: '' }])).toThrow(/not inside the workspace/);
  });

  it('unified diff of a change, a new and a removed file', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n') + '\n';
    const after = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h', 'i'].join('\n') + '\n';
    expect(unifiedDiff('t.tf', before, after)).toBe(
      ['--- a/t.tf', '+++ b/t.tf', '@@ -2,7 +2,8 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h', '+i', ''].join('\n'),
    );
    expect(unifiedDiff('n.tf', undefined, 'x\n')).toBe('--- /dev/null\n+++ b/n.tf\n@@ -0,0 +1,1 @@\n+x\n');
    expect(unifiedDiff('r.tf', 'x\n', undefined)).toBe('--- a/r.tf\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-x\n');
  });
});
