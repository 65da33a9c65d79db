// The console's :report-issue and :anonymize: parsed from the palette, run through the trust host,
// the outcome (or the failure) said as one message; the real host anonymises a file beside it
// with the mapping (0600) under XDG_STATE_HOME.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixtureData, makeConsole, press, type } from '../store/test-support/consoleFixture.js';
import { commandEffect } from '../app/commands.js';
import { createInputRouter, type InputRouter } from '../app/inputRouter.js';
import { DEFAULT_KEYMAP } from '../app/keymap.js';
import { anonymizedName, createTrustHost, type TrustHost } from './reportConsole.js';
import type { HealthReport } from './health.js';
import { healthLines, healthTitle } from '../screens/HealthScreen.js';
import { currentRoute } from '../store/selectors.js';

const routers: InputRouter[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const r of routers.splice(0)) r.dispose();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function run(router: InputRouter, line: string): void {
  press(router, ':');
  type(router, line);
  press(router, '<enter>');
}

function setup(trust: TrustHost) {
  const c = makeConsole({ data: fixtureData() });
  const router = createInputRouter({ console: c, keymap: DEFAULT_KEYMAP, refresh: vi.fn(), exit: vi.fn(), trust });
  routers.push(router);
  return { c, router, message: () => c.store.getState().message };
}

describe(':report-issue and :anonymize in the palette', () => {
  it('parses both (with aliases); anonymize needs a file', () => {
    const data = fixtureData();
    expect(commandEffect('report-issue', data)).toEqual({ kind: 'report-issue' });
    expect(commandEffect('/report', data)).toEqual({ kind: 'report-issue' });
    expect(commandEffect(':anonymize notes.txt', data)).toEqual({ kind: 'anonymize', file: 'notes.txt' });
    expect(commandEffect('anon', data)).toEqual({ kind: 'error', message: 'anonymize which file? :anonymize FILE (writes FILE.anon beside it)' });
  });

  it('says it is working, then where the report and the mapping went', async () => {
    let finish!: (m: string) => void;
    const trust: TrustHost = { reportIssue: () => new Promise((r) => (finish = r)), anonymize: vi.fn(), health: vi.fn() };
    const h = setup(trust);
    run(h.router, 'report-issue');
    expect(h.message()?.text).toBe('writing the diagnostic report...');
    finish('report written to /tmp/r.json; mapping (keep it private): /tmp/m.json');
    await vi.waitFor(() => expect(h.message()?.text).toBe('report written to /tmp/r.json; mapping (keep it private): /tmp/m.json'));
  });

  it('a failure is one error message, control bytes neutralised', async () => {
    const trust: TrustHost = { reportIssue: vi.fn(), anonymize: async () => Promise.reject(new Error('x.txt: no such file\u001b[2J')), health: vi.fn() };
    const h = setup(trust);
    run(h.router, 'anonymize x.txt');
    await vi.waitFor(() => expect(h.message()?.text).toMatch(/^anonymize: x\.txt: no such file/));
    expect(h.message()?.level).toBe('error');
    expect(h.message()?.text).not.toContain('\u001b');
  });
});

describe(':health, the health panel', () => {
  const report = (status: 'ok' | 'fail'): HealthReport => ({
    status,
    lines: [
      { check: 'api', subject: 'node pve1', status: 'ok', message: 'online, 12.5 ms' },
      { check: 'sync', status, message: status === 'ok' ? 'last sync 3 s ago' : 'never synced' },
    ],
  });

  it('opens the panel and runs the checks; r runs them again; lines green/yellow/red by status', async () => {
    const answers = [report('fail'), report('ok')];
    let calls = 0;
    const trust: TrustHost = { reportIssue: vi.fn(), anonymize: vi.fn(), health: async () => answers[calls++]! };
    const h = setup(trust);
    expect(commandEffect('/doctor', fixtureData())).toEqual({ kind: 'health' });
    run(h.router, 'health');
    expect(currentRoute(h.c.store.getState()).screen).toBe('health');
    expect(healthTitle(h.c.store.getState().data.health)).toBe('Health  running...');
    await vi.waitFor(() => expect(h.c.store.getState().data.health?.running).toBe(false));
    let view = h.c.store.getState().data.health;
    expect(healthTitle(view)).toBe('Health  unhealthy  (r runs again)');
    expect(healthLines(view)).toEqual([
      { status: 'ok', text: 'OK   api   node pve1: online, 12.5 ms' },
      { status: 'fail', text: 'FAIL sync  never synced' },
    ]);
    press(h.router, 'r');
    expect(h.c.store.getState().data.health?.running).toBe(true);
    await vi.waitFor(() => expect(h.c.store.getState().data.health?.running).toBe(false));
    view = h.c.store.getState().data.health;
    expect(healthTitle(view)).toBe('Health  healthy  (r runs again)');
    expect(calls).toBe(2);
  });

  it('checks that cannot run say why', async () => {
    const trust: TrustHost = { reportIssue: vi.fn(), anonymize: vi.fn(), health: async () => Promise.reject(new Error('boom')) };
    const h = setup(trust);
    run(h.router, 'health');
    await vi.waitFor(() => expect(h.c.store.getState().data.health?.running).toBe(false));
    expect(healthLines(h.c.store.getState().data.health)).toEqual([{ status: 'fail', text: 'the checks could not run: boom' }]);
  });
});

describe(':logs, the logs screen', () => {
  it('parses the filters like proxmox-mpc logs; refuses what it does not know', () => {
    const data = fixtureData();
    expect(commandEffect('logs', data)).toEqual({ kind: 'route', route: { screen: 'logs' }, replace: false });
    expect(commandEffect('logs warn since=1h op=3f9c2a1b', data)).toEqual({ kind: 'route', route: { screen: 'logs', level: 'warn', since: '1h', op: '3f9c2a1b' }, replace: false });
    expect(commandEffect('logs level=loud', data)).toMatchObject({ kind: 'error', message: expect.stringMatching(/^logs: 'level=loud'\?/) });
  });

  it('shows the matching lines, follows new ones while open; opened again, reads afresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-logs-screen-'));
    dirs.push(dir);
    const saved = process.env.XDG_STATE_HOME;
    process.env.XDG_STATE_HOME = dir;
    try {
      const file = join(dir, 'proxmox-mpc', 'logs', 'proxmox-mpc.log');
      mkdirSync(join(dir, 'proxmox-mpc', 'logs'), { recursive: true });
      const line = (level: number, msg: string) => `${JSON.stringify({ level, time: new Date().toISOString(), op: 'aa11bb22', msg })}\n`;
      writeFileSync(file, line(30, 'sync started') + line(40, 'node pve2 offline'));
      const c = makeConsole({ data: fixtureData() });
      const router = createInputRouter({ console: c, keymap: DEFAULT_KEYMAP, refresh: vi.fn(), exit: vi.fn(), logsPollMs: 20 });
      routers.push(router);
      run(router, 'logs level=warn');
      expect(currentRoute(c.store.getState())).toEqual({ screen: 'logs', level: 'warn' });
      await vi.waitFor(() => expect(c.store.getState().data.logs?.lines).toHaveLength(1));
      expect(c.store.getState().data.logs!.lines[0]).toMatch(/WARN +aa11bb22 +node pve2 offline/);
      appendFileSync(file, line(30, 'not shown') + line(50, 'sync failed'));
      await vi.waitFor(() => expect(c.store.getState().data.logs?.lines).toHaveLength(2));
      expect(c.store.getState().data.logs!.lines[1]).toMatch(/ERROR +aa11bb22 +sync failed/);
      press(router, '<esc>');
      expect(currentRoute(c.store.getState()).screen).not.toBe('logs');
      // Opened again with other filters: read afresh (the earlier lines of that level included).
      appendFileSync(file, line(50, 'after leaving'));
      run(router, 'logs error');
      await vi.waitFor(() => expect(c.store.getState().data.logs?.lines.map((l) => l.replace(/^.*aa11bb22 +/, ''))).toEqual(['sync failed', 'after leaving']));
    } finally {
      if (saved === undefined) delete process.env.XDG_STATE_HOME;
      else process.env.XDG_STATE_HOME = saved;
    }
  });
});

describe('the real trust host', () => {
  it('anonymises a file beside it; the mapping (0600) is under XDG_STATE_HOME and restores it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-trust-'));
    dirs.push(dir);
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'pve1 at 192.168.5.10 mailed ops@acme.com\n');
    const env = { HOME: dir, XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config') };
    const host = createTrustHost({ env, cwd: dir, now: () => new Date('2026-12-08T03:00:00Z') });
    const message = await host.anonymize('notes.txt');
    const out = anonymizedName(file);
    expect(out).toBe(join(dir, 'notes.anon.txt'));
    const mapping = join(dir, 'state', 'proxmox-mpc', 'anonymize', '2026-12-08T03-00-00-notes.txt.mapping.json');
    expect(message).toBe(`anonymized into ${out}; mapping (keep it private): ${mapping}`);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain('192.168.5.10');
    expect(text).not.toContain('ops@acme.com');
    expect(statSync(mapping).mode & 0o777).toBe(0o600);
    expect(readFileSync(mapping, 'utf8')).toContain('192.168.5.10');
    await expect(host.anonymize('missing.txt')).rejects.toThrow('missing.txt: no such file');
  });
});
