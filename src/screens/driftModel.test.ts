import { describe, expect, it } from 'vitest';
import type { DriftReport } from '../app/iac/drift.js';
import type { DriftView } from '../store/types.js';
import { displayWidth } from '../app/output/table.js';
import { buildDriftLines, driftFooter, driftKey, driftLines, driftTitle, fileNote, INITIAL_DRIFT_VIEW, placeTop, VALUE_WIDTH } from './driftModel.js';

const VM = 'proxmox_virtual_environment_vm';
const CT = 'proxmox_virtual_environment_container';

function report(over: Partial<DriftReport> = {}): DriftReport {
  const r: DriftReport = {
    drift: true,
    notInCode: [
      { type: VM, vmid: 105, node: 'pve1', address: `${VM}.vm_105_web_05` },
      { type: CT, vmid: 210, node: 'pve2', address: `${CT}.ct_210_dns` },
    ],
    noGuest: [{ address: `${VM}.vm_999_old`, file: 'terraform/vm-999-old.tf', line: 3, vmid: 999, node: 'pve1' }],
    changed: [
      {
        address: `${VM}.vm_101_web_01`,
        file: 'terraform/vm-101-web-01.tf',
        line: 2,
        vmid: 101,
        node: 'pve1',
        attributes: [
          { name: 'memory.dedicated', code: 2048, live: 3072 },
          { name: 'tags', code: ['web'], live: ['prod', 'web'] },
        ],
      },
      { address: `${CT}.ct_200_db`, file: 'terraform/ct-200-db.tf', vmid: 200, node: 'pve2', attributes: [{ name: 'description', code: null, live: 'primary' }] },
    ],
    unreadable: [],
    matching: 30,
    ...over,
  };
  return r;
}

const NAMES: Record<number, string> = { 101: 'web-01', 105: 'web-05', 200: 'db', 210: 'dns' };

function view(over: Partial<DriftView> = {}): DriftView {
  return { ...INITIAL_DRIFT_VIEW, root: '/ws/homelab', name: 'homelab', report: report(), names: NAMES, at: 1, ...over };
}

const texts = (v: DriftView): string[] => driftLines(v).lines.map((l) => l.text);
const selected = (v: DriftView): string => {
  const all = driftLines(v);
  return all.lines[all.rows[v.cursor]!]!.text;
};

describe('drift screen lines', () => {
  it('three sections with their counts, each row with its columns, each attribute live and code side by side', () => {
    const lines = texts(view());
    expect(lines[0]).toBe('Guests not in code (2)');
    expect(lines[1]).toMatch(/^ {2}VMID +NAME +NODE +TYPE$/);
    expect(lines[2]).toMatch(/^ {2}105 +web-05 +pve1 +vm$/);
    expect(lines[3]).toMatch(/^ {2}210 +dns +pve2 +ct$/);
    expect(lines[4]).toBe('Code with no guest (1)');
    expect(lines[5]).toMatch(/^ {2}FILE +RESOURCE +VM_ID +NODE$/);
    expect(lines[6]).toMatch(/^ {2}terraform\/vm-999-old\.tf:3 +proxmox_virtual_environment_vm\.vm_999_old +999 +pve1$/);
    expect(lines[7]).toBe('Changed (2)');
    expect(lines[8]).toMatch(/^ {2}VMID +NAME +NODE +FILE +RESOURCE$/);
    expect(lines[9]).toMatch(/^ {2}101 +web-01 +pve1 +terraform\/vm-101-web-01\.tf:2 +proxmox_virtual_environment_vm\.vm_101_web_01$/);
    expect(lines[10]).toMatch(/^ {6}ATTRIBUTE +LIVE +CODE$/);
    expect(lines[11]).toMatch(/^ {6}memory\.dedicated +3072 +2048$/);
    expect(lines[12]).toMatch(/^ {6}tags +\["prod","web"\] +\["web"\]$/);
    expect(lines[13]).toMatch(/^ {2}200 +db +pve2 +terraform\/ct-200-db\.tf +proxmox_virtual_environment_container\.ct_200_db$/);
    expect(lines[15]).toMatch(/^ {6}description +"primary" +\(absent\)$/);
    // the live column lines up across guests
    expect(lines[11]!.indexOf('3072')).toBe(lines[15]!.indexOf('"primary"'));
    expect(lines).toHaveLength(16);
  });

  it('rows open the guest (qemu or lxc by the resource type) or say the file', () => {
    const all = driftLines(view());
    const targets = all.rows.map((i) => all.lines[i]!.target);
    expect(targets).toEqual([
      { kind: 'guest', key: 'qemu/105', vmid: 105 },
      { kind: 'guest', key: 'lxc/210', vmid: 210 },
      { kind: 'file', file: 'terraform/vm-999-old.tf', line: 3, why: 'no guest has vm_id 999' },
      { kind: 'guest', key: 'qemu/101', vmid: 101 },
      { kind: 'guest', key: 'qemu/101', vmid: 101 },
      { kind: 'guest', key: 'qemu/101', vmid: 101 },
      { kind: 'guest', key: 'lxc/200', vmid: 200 },
      { kind: 'guest', key: 'lxc/200', vmid: 200 },
    ]);
    // headings and column titles are not rows
    for (const i of all.rows) expect(all.lines[i]!.tone).toBeUndefined();
  });

  it('no drift: one clear line with the number of matching guests', () => {
    const v = view({ report: report({ drift: false, notInCode: [], noGuest: [], changed: [], matching: 38 }) });
    expect(texts(v)).toEqual(['no drift: 38 guests match the code']);
    expect(driftLines(v).rows).toEqual([]);
    expect(driftTitle(v)).toBe('drift in homelab  no drift, 38 guests matching  (r checks again)');
    expect(driftKey(v, 'enter', 10)).toEqual({});
  });

  it('an empty section says none; files that could not be read are listed too', () => {
    const v = view({ report: report({ noGuest: [], unreadable: [{ file: 'terraform/broken.tf', error: 'unexpected token' }] }) });
    const lines = texts(v);
    expect(lines[lines.indexOf('Code with no guest (0)') + 1]).toBe('  none');
    expect(lines.slice(-2)).toEqual(['Files not read (1)', expect.stringMatching(/^ {2}terraform\/broken\.tf +unexpected token$/)]);
  });

  it('the title counts every section, says when a check runs again, or that it could not run', () => {
    expect(driftTitle(view())).toBe('drift in homelab  2 not in code, 1 with no guest, 2 changed, 30 matching  (r checks again)');
    expect(driftTitle(view({ running: true }))).toMatch(/checking again\.\.\.$/);
    expect(driftTitle({ ...INITIAL_DRIFT_VIEW, running: true, name: 'homelab' })).toBe('drift in homelab  checking...');
    const failed: DriftView = { ...INITIAL_DRIFT_VIEW, name: 'homelab', error: 'no cache' };
    expect(driftTitle(failed)).toBe('drift in homelab  could not check  (r checks again)');
    expect(driftFooter(failed)).toBe('the last check failed: no cache');
  });

  it('untrusted text (names, nodes, files, values) has its escape sequences and controls stripped', () => {
    const evil = report({
      notInCode: [{ type: VM, vmid: 105, node: 'pve1\u001b[2J', address: `${VM}.x` }],
      noGuest: [{ address: `${VM}.y\u0007`, file: 'terraform/\u001b]0;pwned\u0007y.tf', vmid: 9 }],
      changed: [{ address: `${VM}.z`, file: 'terraform/z.tf', vmid: 101, attributes: [{ name: 'description\u202e', code: 'a', live: 'b\u001b[31mred' }] }],
    });
    const lines = buildDriftLines(evil, { 105: 'web\u001b[H\u009b2Jx', 101: '\u001b[1mbold' }, '');
    const all = lines.lines.map((l) => l.text).join('\n');
    expect(all).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(all).toContain('webx');
    expect(all).toContain('terraform/y.tf');
    // the filter typed is untrusted too (pasted)
    const v = view({ filter: 'zz\u001b[2J' });
    expect(texts(v).at(-1)).toBe('nothing matches "zz" (Esc clears the filter)');
    expect(driftFooter(v)).toBe('filter: zz  (Esc clears)');
  });

  it('a long value is cut: the CODE column of every guest stays near the start of the line; the filter still finds what was cut', () => {
    const long = `${'a long description that goes on '.repeat(8)}and ends here`;
    const r = report();
    r.changed[1] = { ...r.changed[1]!, attributes: [{ name: 'description', code: null, live: long }] };
    const lines = buildDriftLines(r, NAMES, '').lines.map((l) => l.text);
    const cores = lines.find((l) => l.includes('memory.dedicated'))!;
    expect(cores).toMatch(/^ {6}memory\.dedicated +3072 +2048$/);
    expect(cores.indexOf('2048')).toBeLessThan(6 + 'memory.dedicated'.length + 2 + VALUE_WIDTH + 2 + 1);
    const cut = lines.find((l) => l.includes('description'))!;
    expect(cut).toMatch(/^ {6}description +"a long description that goes on a long… +\(absent\)$/);
    expect(cut).not.toContain('ends here');
    expect(buildDriftLines(r, NAMES, 'ends here').lines.some((l) => l.text.includes('description'))).toBe(true);
  });

  it('columns line up in terminal columns when a name has wide characters', () => {
    const lines = buildDriftLines(report(), { ...NAMES, 105: '数据库' }, '').lines.map((l) => l.text);
    // 数据库 is three characters, six columns wide: the NODE column starts at the same column
    const col = (line: string, at: string): number => displayWidth(line.slice(0, line.indexOf(at)));
    expect(col(lines[2]!, 'pve1')).toBe(col(lines[1]!, 'NODE'));
    expect(col(lines[3]!, 'pve2')).toBe(col(lines[1]!, 'NODE'));
  });
});

describe('drift screen filter', () => {
  it('keeps the rows that contain the text, in every section, with "N of M" in the headings', () => {
    const lines = texts(view({ filter: 'WEB' }));
    expect(lines).toContain('Guests not in code (1 of 2)');
    expect(lines.some((l) => /105 +web-05/.test(l))).toBe(true);
    expect(lines.some((l) => /210 +dns/.test(l))).toBe(false);
    expect(lines[lines.indexOf('Code with no guest (0 of 1)') + 1]).toBe('  none that match');
    // web-01's own row matches: all its attributes stay
    expect(lines).toContain('Changed (1 of 2)');
    expect(lines.filter((l) => /memory\.dedicated|tags/.test(l))).toHaveLength(2);
  });

  it('an attribute match keeps its guest and only the attributes that match', () => {
    const lines = texts(view({ filter: 'memory' }));
    expect(lines).toContain('Changed (1 of 2)');
    expect(lines.some((l) => /101 +web-01/.test(l))).toBe(true);
    expect(lines.some((l) => /^ +tags/.test(l))).toBe(false);
    expect(lines.some((l) => /^ +memory\.dedicated +3072 +2048$/.test(l))).toBe(true);
  });

  it('/ types a filter applied live; Enter keeps it, Esc goes back to the one before; Esc then clears it', () => {
    let v = view({ filter: 'dns', cursor: 0 });
    const apply = (name: string): void => {
      const r = driftKey(v, name, 10);
      v = { ...v, ...r.patch };
    };
    apply('/');
    expect(v.typing).toBe('dns');
    apply('ctrl+u');
    for (const ch of 'db') apply(ch);
    expect(v.typing).toBe('db');
    expect(selected(v)).toMatch(/200 +db/);
    expect(driftFooter(v)).toBe('/db_  row 1/2');
    apply('escape');
    expect(v.typing).toBeUndefined();
    expect(v.filter).toBe('dns');
    apply('/');
    apply('ctrl+u');
    for (const ch of 'old') apply(ch);
    apply('enter');
    expect(v).toMatchObject({ filter: 'old', typing: undefined });
    expect(texts(v)).toContain('Code with no guest (1)');
    const esc = driftKey(v, 'escape', 10);
    expect(esc.patch).toMatchObject({ filter: '' });
    expect(driftKey({ ...v, filter: '' }, 'escape', 10).effect).toBe('leave');
    // typed letters are text while typing, not keys (r does not re-run)
    apply('/');
    expect(driftKey(v, 'r', 10)).toEqual({ patch: { typing: 'oldr', cursor: 0, top: 0 } });
  });
});

describe('drift screen keys', () => {
  it('j/k move over the rows (headings skipped), g/G to the first and last, clamped', () => {
    let v = view();
    const key = (name: string): void => {
      v = { ...v, ...driftKey(v, name, 40).patch };
    };
    expect(selected(v)).toMatch(/105 +web-05/);
    key('j');
    key('j');
    expect(selected(v)).toMatch(/vm-999-old/);
    key('j');
    expect(selected(v)).toMatch(/101 +web-01/);
    key('k');
    expect(selected(v)).toMatch(/vm-999-old/);
    key('G');
    expect(v.cursor).toBe(7);
    expect(selected(v)).toMatch(/description/);
    key('j');
    expect(v.cursor).toBe(7);
    key('g');
    expect(v.cursor).toBe(0);
    key('k');
    expect(v.cursor).toBe(0);
  });

  it('the view scrolls to keep the cursor and the headings above it in sight; the last row shows what follows it', () => {
    const all = driftLines(view());
    // 5 rows of room: down to web-01 (line 9) scrolls just enough to show it
    expect(placeTop(all, 3, 0, 5)).toBe(5);
    // up to it from below: its heading and column titles (lines 7, 8) come into sight with it
    expect(placeTop(all, 3, 11, 5)).toBe(7);
    // back up to the first row: the top again
    expect(placeTop(all, 0, 7, 5)).toBe(0);
    // the last row: the end of the list
    expect(placeTop(all, 7, 0, 5)).toBe(all.lines.length - 5);
    // a tiny window still shows the cursor's line
    expect(placeTop(all, 3, 0, 1)).toBe(9);
  });

  it('Enter opens the row: a guest, or a file; r checks again unless running; others pass to the keymap', () => {
    const v = view({ cursor: 2 });
    const file = driftKey(v, 'enter', 10);
    expect(file).toMatchObject({ effect: 'open', target: { kind: 'file', file: 'terraform/vm-999-old.tf' } });
    expect(fileNote(v, file.target as Extract<typeof file.target, { kind: 'file' }>)).toBe('/ws/homelab/terraform/vm-999-old.tf:3: no guest has vm_id 999');
    expect(driftKey(view({ cursor: 4 }), 'enter', 10)).toMatchObject({ effect: 'open', target: { kind: 'guest', key: 'qemu/101' } });
    expect(driftKey(v, 'r', 10)).toEqual({ effect: 'rerun' });
    expect(driftKey(view({ running: true }), 'r', 10).effect).toBeUndefined();
    for (const k of [':', '?', '1', 'q']) expect(driftKey(v, k, 10).effect).toBe('pass');
  });

  it('a cursor past the rows (a new report with fewer) is clamped', () => {
    const v = view({ cursor: 50, report: report({ changed: [] }) });
    expect(driftFooter(v)).toBe('row 3/3');
    expect(driftKey(v, 'k', 10).patch).toMatchObject({ cursor: 1 });
  });
});
