import { describe, expect, it } from 'vitest';
import type { RunView } from '../store/types.js';
import { RingBuffer } from '../workspace/runners/ringBuffer.js';
import { INITIAL_RUN_STATE } from '../workspace/runners/runState.js';
import { findMatch, logTop, rowsToShow, runKey, runLayout } from './runScreenModel.js';

function lines(texts: string[]): RingBuffer<string> {
  const b = new RingBuffer<string>(1000);
  for (const t of texts) b.push(t);
  return b;
}

function run(patch: Partial<RunView> = {}): RunView {
  const l = lines(Array.from({ length: 100 }, (_, i) => (i === 20 || i === 70 ? `match here ${i}` : `line ${i}`)));
  return {
    id: 1,
    kind: 'apply',
    root: '/w/home',
    name: 'home',
    phase: 'applying',
    state: INITIAL_RUN_STATE,
    lines: l,
    raw: lines(['{"raw":1}']),
    dropped: 0,
    version: 1,
    startedAt: 0,
    now: 0,
    showRaw: false,
    follow: true,
    top: 0,
    search: { typing: false, input: '', term: '' },
    ...patch,
  };
}

describe('runKey', () => {
  it('x and Ctrl-C stop a running run; Ctrl-C passes (quits) once it ended; Esc leaves', () => {
    expect(runKey(run(), 'x', 10).effect).toBe('stop');
    expect(runKey(run(), 'ctrl+c', 10).effect).toBe('stop');
    expect(runKey(run({ phase: 'stopping' }), 'x', 10).effect).toBe('stop');
    expect(runKey(run({ phase: 'done' }), 'ctrl+c', 10).effect).toBe('pass');
    expect(runKey(run({ phase: 'done' }), 'x', 10).effect).toBeUndefined();
    expect(runKey(run(), 'escape', 10).effect).toBe('leave');
    // q does not quit under a running terraform.
    expect(runKey(run(), 'q', 10)).toMatchObject({ note: expect.stringContaining('x stops it') });
    expect(runKey(run({ phase: 'done' }), 'q', 10).effect).toBe('pass');
    expect(runKey(run(), ':', 10).effect).toBe('pass');
  });

  it('apply asks y/N: y confirms, n, Enter or Esc cancel, other keys do nothing', () => {
    const r = run({ phase: 'confirm', question: { lines: ['HIGH: ...', 'Proceed? [y/N]'], expected: 'y', risk: 'high', typed: '' } });
    expect(runKey(r, 'y', 10).effect).toBe('confirm');
    expect(runKey(r, 'n', 10).effect).toBe('cancel');
    expect(runKey(r, 'enter', 10).effect).toBe('cancel');
    expect(runKey(r, 'escape', 10).effect).toBe('cancel');
    expect(runKey(r, 'j', 10)).toEqual({});
  });

  it("destroy asks for the workspace's name: typed, Enter confirms only the exact name", () => {
    let r = run({ kind: 'destroy', phase: 'confirm', question: { lines: ['CRITICAL'], expected: 'home', risk: 'critical', typed: '' } });
    for (const ch of 'hom') r = { ...r, ...runKey(r, ch, 10).patch };
    expect(r.question?.typed).toBe('hom');
    const wrong = runKey(r, 'enter', 10);
    expect(wrong.effect).toBeUndefined();
    expect(wrong.note).toContain("not the workspace's name");
    expect(wrong.patch?.question?.typed).toBe('');
    r = { ...r, ...runKey(r, 'e', 10).patch };
    expect(runKey(r, 'enter', 10).effect).toBe('confirm');
    // y is a letter of the name here, not a yes.
    expect(runKey(run({ phase: 'confirm', question: { lines: [], expected: 'home', risk: 'critical', typed: '' } }), 'y', 10).effect).toBeUndefined();
  });

  it('/ searches: typing, Enter jumps to the match and stops following, n/N go on (wrapping)', () => {
    let r = run();
    r = { ...r, ...runKey(r, '/', 10).patch };
    for (const ch of 'match') r = { ...r, ...runKey(r, ch, 10).patch };
    expect(r.search).toMatchObject({ typing: true, input: 'match' });
    const found = runKey(r, 'enter', 10);
    r = { ...r, ...found.patch };
    // From the top of the followed window (90) it wraps to line 20.
    expect(r.search).toMatchObject({ typing: false, term: 'match', match: 20 });
    expect(r.follow).toBe(false);
    expect(logTop(r, 10)).toBe(15);
    r = { ...r, ...runKey(r, 'n', 10).patch };
    expect(r.search.match).toBe(70);
    r = { ...r, ...runKey(r, 'n', 10).patch };
    expect(r.search.match).toBe(20);
    r = { ...r, ...runKey(r, 'N', 10).patch };
    expect(r.search.match).toBe(70);
    expect(runKey({ ...r, search: { typing: true, input: 'zzz', term: '' } }, 'enter', 10).note).toBe('not found: zzz');
    // Esc clears the search, then leaves.
    r = { ...r, ...runKey(r, 'escape', 10).patch };
    expect(r.search.term).toBe('');
  });

  it('scrolling stops following, G follows again; r toggles the raw stream; f toggles follow', () => {
    let r = run();
    expect(logTop(r, 10)).toBe(90);
    r = { ...r, ...runKey(r, 'k', 10).patch };
    expect(r.follow).toBe(false);
    expect(logTop(r, 10)).toBe(89);
    r = { ...r, ...runKey(r, 'g', 10).patch };
    expect(logTop(r, 10)).toBe(0);
    r = { ...r, ...runKey(r, 'G', 10).patch };
    expect(r.follow).toBe(true);
    r = { ...r, ...runKey(r, 'r', 10).patch };
    expect(r.showRaw).toBe(true);
    r = { ...r, ...runKey(r, 'f', 10).patch };
    expect(r.follow).toBe(false);
    r = { ...r, ...runKey(r, 'f', 10).patch };
    expect(r.follow).toBe(true);
  });
});

describe('layout', () => {
  it('shares the height: question, resources (<= 40%), diagnostics (<= 30%), the log the rest', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ addr: `r.${i}`, state: 'planned' as const }));
    const l = runLayout(run({ state: { ...INITIAL_RUN_STATE, rows } }), 30);
    expect(l.resources).toBe(11);
    expect(l.title + l.question + l.resources + l.diagnostics + l.summary + l.log).toBe(30);
    expect(runLayout(run({ showRaw: true, state: { ...INITIAL_RUN_STATE, rows } }), 30)).toMatchObject({ resources: 0, log: 28 });
  });

  it('rowsToShow puts the applying and failed rows first when they do not all fit', () => {
    const rows = [
      { addr: 'a', state: 'done' as const },
      { addr: 'b', state: 'done' as const },
      { addr: 'c', state: 'applying' as const },
      { addr: 'd', state: 'failed' as const },
    ];
    expect(rowsToShow(rows, 2).map((r) => r.addr)).toEqual(['c', 'd']);
    expect(rowsToShow(rows, 4).map((r) => r.addr)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('findMatch wraps both ways and is case-insensitive', () => {
    const l = lines(['a', 'B tick', 'c', 'tick d']);
    expect(findMatch(l, 'TICK', 2, 1)).toBe(3);
    expect(findMatch(l, 'tick', 0, -1)).toBe(3);
    expect(findMatch(l, 'nothing', 0, 1)).toBeUndefined();
  });
});
