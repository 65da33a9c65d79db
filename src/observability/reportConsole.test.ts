// The console's :report-issue and :anonymize: parsed from the palette, run through the trust host,
// the outcome (or the failure) said as one message; the real host anonymises a file beside it
// with the mapping (0600) under XDG_STATE_HOME.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
