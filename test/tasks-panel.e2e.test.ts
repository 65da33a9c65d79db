// The console's tasks panel as a user sees it: the built CLI's demo (the homelab simulator in
// the console's own process, tasks four times slower than life so that a start is seen
// running) in a real pseudo-terminal, read through a terminal emulator. `a` then `s` starts a
// stopped VM; the panel shows it running with a spinner and its time counting, then OK, then
// leaves; the guest's History tab lists the operation. Waits are on predicates only.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from './support/cli.js';
import { privateBuild, type PrivateBuild } from './support/privateBuild.js';
import { CLI_PATH, spawnTty, type TtySession } from './support/tty.js';

const ROOT = resolve(import.meta.dirname, '..');
const READY_MS = 30_000;
const STEP_MS = 15_000;
const TEST_MS = 120_000;

let cliPath = CLI_PATH;
let build: PrivateBuild | undefined;
const sessions: TtySession[] = [];
const homes: string[] = [];

beforeAll(() => {
  build = privateBuild('pmc-tasks-panel-e2e-');
  cliPath = build.cliPath;
}, 180_000);

afterAll(() => build?.dispose());

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function consoleEnv(): NodeJS.ProcessEnv {
  const env = isolatedEnv();
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'COLORTERM', 'INK_SCREEN_READER']) delete env[k];
  homes.push(env.HOME!);
  return { ...env, XDG_STATE_HOME: join(env.HOME!, '.local', 'state') };
}

/** NORMAL, CMD or FILTER: the status bar's mode. */
function mode(screen: string): string | undefined {
  for (const line of screen.split('\n').reverse()) {
    const m = /^ (NORMAL|CMD|FILTER) /.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/** The panel's line for the operation, when the panel shows it. */
function panelLine(screen: string, label: string): string | undefined {
  const lines = screen.split('\n');
  const title = lines.findIndex((l) => /^Tasks {2}\d+ (running|done|failed)/.test(l));
  if (title < 0) return undefined;
  return lines.slice(title + 1).find((l) => l.includes(label));
}

describe('the tasks panel', { timeout: TEST_MS }, () => {
  it('a start from the console: running with a spinner and a counting time, then OK, then gone; the History tab lists it', async () => {
    const tty = spawnTty([cliPath, 'demo', '--time-scale', '4'], { cols: 120, rows: 40, cwd: ROOT, env: consoleEnv() });
    sessions.push(tty);
    await tty.waitFor((s) => /^Guests \(38\)/m.test(s) && s.includes('web-01') && mode(s) === 'NORMAL', { timeoutMs: READY_MS, message: 'the guest table' });
    // No panel while nothing runs.
    expect(tty.text()).not.toMatch(/^Tasks {2}\d/m);

    tty.write('/win11\r');
    await tty.waitFor((s) => mode(s) === 'NORMAL' && /^\s+109 win11-desk/m.test(s) && !/^\s+100 web-01/m.test(s), { timeoutMs: STEP_MS, message: 'the filtered row' });
    tty.write('a');
    await tty.waitFor((s) => s.includes('Actions: VM 109 win11-desk'), { timeoutMs: STEP_MS, message: 'the actions menu' });
    tty.write('s');

    const label = 'start VM 109 win11-desk';
    await tty.waitFor((s) => /^ [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] start VM 109 win11-desk {2}\d+s {2}running/.test(panelLine(s, label) ?? ''), { timeoutMs: STEP_MS, message: 'the panel: running, with a spinner' });
    expect(tty.text()).toMatch(/^Tasks {2}1 running/m);
    // The time counts while it runs (the task takes seconds at this time scale).
    await tty.waitFor((s) => /\s[1-9]\d*s {2}running/.test(panelLine(s, label) ?? ''), { timeoutMs: STEP_MS, message: 'the time counting' });
    // The status bar keeps its count meanwhile.
    expect(tty.text()).toMatch(/1 operation running/);

    await tty.waitFor((s) => /^ ✓ start VM 109 win11-desk {2}\d+s {2}OK$/.test((panelLine(s, label) ?? '').trimEnd()), { timeoutMs: STEP_MS, message: 'the panel: OK' });
    expect(tty.text()).toMatch(/^Tasks {2}1 done/m);
    // A while later the panel leaves.
    await tty.waitFor((s) => !/^Tasks {2}\d/m.test(s), { timeoutMs: STEP_MS + 10_000, message: 'the panel gone' });

    // The guest's History tab lists the operation (recorded in the cache's history).
    tty.write('\r');
    await tty.waitFor((s) => /Summary/.test(s) && /History/.test(s), { timeoutMs: STEP_MS, message: 'the detail' });
    for (let i = 0; i < 5; i++) tty.write('l');
    await tty.waitFor((s) => /^Operations:$/m.test(s) && /start +done +\S+ \(console\)/.test(s), { timeoutMs: STEP_MS, message: 'the operation in the History tab' });
  });
});
