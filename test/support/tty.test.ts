// The pty harness itself, against small throwaway programs (node -e) and a tiny Ink app.
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEYS, spawnTty, ttyEnv, type TtySession } from './tty.js';

const TINY_INK = resolve(import.meta.dirname, 'fixtures/tinyInk.mjs');

/** Switches to the alternate screen, hides the cursor, echoes each key as JSON, prints its
 * size on resize, and on `q` restores the screen and cursor and exits 3. */
const FULLSCREEN = String.raw`
const out = process.stdout;
out.write('\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J');
out.write('alt screen program\r\n');
out.write('size ' + out.columns + 'x' + out.rows + '\r\n');
out.on('resize', () => out.write('resized ' + out.columns + 'x' + out.rows + '\r\n'));
process.stdin.setRawMode(true);
process.stdin.on('data', (d) => {
  const s = d.toString();
  if (s === 'q') {
    out.write('\x1b[?25h\x1b[?1049l' + 'back on the main screen\r\n', () => process.exit(3));
    return;
  }
  out.write('key ' + JSON.stringify(s) + '\r\n');
});
out.write('ready\r\n');
`;

const sessions: TtySession[] = [];
function start(args: string[], options?: Parameters<typeof spawnTty>[1]): TtySession {
  const s = spawnTty(args, options);
  sessions.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
});

describe('spawnTty', () => {
  it('shows the program on the alternate screen, sends keys, and sees the terminal restored on exit', async () => {
    const tty = start(['-e', FULLSCREEN]);
    await tty.waitForText('ready');
    expect(tty.lines()).toHaveLength(40);
    expect(tty.lines().slice(0, 3)).toEqual(['alt screen program', 'size 120x40', 'ready']);
    expect(tty.text()).toBe(tty.lines().join('\n'));
    expect(tty.isAlternateScreen()).toBe(true);
    expect(tty.isCursorHidden()).toBe(true);
    expect(tty.rawOutput()).toContain('\x1b[?1049h');
    expect(tty.bytesWritten()).toBeGreaterThanOrEqual(Buffer.byteLength(tty.rawOutput()));

    tty.write('x');
    await tty.waitForText('key "x"');
    tty.press('up');
    await tty.waitForText(String.raw`key "\u001b[A"`);
    tty.press('pageup');
    await tty.waitForText('key "\\u001b[5~"');
    tty.press('ctrl-u');
    await tty.waitForText(String.raw`key "\u0015"`);

    tty.write('q');
    expect(await tty.exited).toEqual({ exitCode: 3 });
    expect(tty.isAlternateScreen()).toBe(false);
    expect(tty.isCursorHidden()).toBe(false);
    expect(tty.text()).toContain('back on the main screen');
    expect(tty.text()).not.toContain('alt screen program');
  });

  it('resizes the pty and the emulator', async () => {
    const tty = start(['-e', FULLSCREEN], { cols: 80, rows: 24 });
    await tty.waitForText('size 80x24');
    tty.resize(100, 30);
    await tty.waitForText('resized 100x30');
    expect(tty.lines()).toHaveLength(30);
  });

  it('encodes keys as xterm does', () => {
    expect(KEYS).toMatchObject({ up: '\x1b[A', pageup: '\x1b[5~', 'shift-tab': '\x1b[Z', home: '\x1b[H', end: '\x1b[F', escape: '\x1b', enter: '\r', backspace: '\x7f', 'ctrl-d': '\x04', 'ctrl-u': '\x15' });
  });

  it('fails a wait with the last screen, and when the program exits first', async () => {
    const tty = start(['-e', FULLSCREEN]);
    await tty.waitForText('ready');
    await expect(tty.waitForText('never shown', { timeoutMs: 200 })).rejects.toThrow(/timed out after 200 ms[^]*alt screen program/);
    const pending = tty.waitForText('never shown either');
    tty.write('q');
    await expect(pending).rejects.toThrow(/exited/);
  });

  it('dispose kills a program that ignores SIGTERM', async () => {
    const tty = start(['-e', `process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('hanging')`]);
    await tty.waitForText('hanging');
    await tty.dispose();
    expect((await tty.exited).signal).toBe(9);
  });

  it('removes CI markers, sets TERM, keeps NO_COLOR only when given explicitly', async () => {
    const env = ttyEnv({ PATH: process.env.PATH, CI: 'true', CONTINUOUS_INTEGRATION: '1', GITHUB_ACTIONS: 'true', NO_COLOR: '1', TERM: 'dumb' });
    expect(env).toEqual({ PATH: process.env.PATH, NO_COLOR: '1', TERM: 'xterm-256color' });
    const saved = { NO_COLOR: process.env.NO_COLOR, CI: process.env.CI };
    process.env.NO_COLOR = '1';
    process.env.CI = 'true';
    try {
      const inherited = ttyEnv();
      expect(inherited.NO_COLOR).toBeUndefined();
      expect(inherited.CI).toBeUndefined();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }

    const tty = start(['-e', `console.log('env', process.env.CI ?? '-', process.env.TERM, process.stdout.isTTY)`], { env: { ...process.env, CI: 'true' } });
    await tty.waitForText('env - xterm-256color true');
    expect(await tty.exited).toEqual({ exitCode: 0 });
  });

  it('shows a tiny Ink app, even when the test process has CI=true', async () => {
    const tty = start([TINY_INK], { env: { ...process.env, CI: 'true' } });
    await tty.waitForText('count: 0');
    tty.write('j');
    await tty.waitForText('count: 1');
    tty.write('jj');
    await tty.waitForText('count: 3');
    expect(tty.lines().filter((l) => l.startsWith('count:'))).toEqual(['count: 3']);
    tty.write('q');
    expect(await tty.exited).toEqual({ exitCode: 0 });
  });
});
