// Drives a program in a real pseudo-terminal (node-pty) and reads its screen through a
// terminal emulator (@xterm/headless), as a user's terminal would show it. Used by the
// console's end-to-end tests and by bench/console.bench.ts.
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import headless from '@xterm/headless';
import type { Terminal as XTerminal } from '@xterm/headless';
import { spawn as spawnPty, type IPty } from 'node-pty';

const { Terminal } = headless;

export type KeyName =
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'enter'
  | 'escape'
  | 'tab'
  | 'shift-tab'
  | 'backspace'
  | 'space'
  | 'pageup'
  | 'pagedown'
  | 'home'
  | 'end'
  | 'ctrl-c'
  | 'ctrl-d'
  | 'ctrl-u';

/** What xterm sends for each key (normal cursor-key mode). */
export const KEYS: Readonly<Record<KeyName, string>> = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  'shift-tab': '\x1b[Z',
  backspace: '\x7f',
  space: ' ',
  pageup: '\x1b[5~',
  pagedown: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
  'ctrl-c': '\x03',
  'ctrl-d': '\x04',
  'ctrl-u': '\x15',
};

export interface TtyOptions {
  /** Default 120. */
  cols?: number;
  /** Default 40. */
  rows?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Default: process.execPath. */
  command?: string;
}

export interface TtySession {
  /** The visible screen, one string per row, trailing spaces trimmed. */
  lines(): string[];
  /** lines().join('\n') */
  text(): string;
  /** Raw input to the program (e.g. 'j', '5j', ':vm\r'). */
  write(data: string): void;
  press(...keys: KeyName[]): void;
  resize(cols: number, rows: number): void;
  /** Resolves when predicate(text()) holds after the emulator has processed all output so
   * far; rejects after timeoutMs (default 10 s) with an error showing the last screen. Polls
   * on each output chunk, not with fixed sleeps. */
  waitFor(predicate: (screen: string) => boolean, options?: { timeoutMs?: number; message?: string }): Promise<void>;
  waitForText(text: string | RegExp, options?: { timeoutMs?: number }): Promise<void>;
  /** Total bytes the program has written so far. */
  bytesWritten(): number;
  /** The raw output so far (for escape-sequence checks). */
  rawOutput(): string;
  /** Terminal state as the emulator sees it. */
  isAlternateScreen(): boolean;
  /** DECTCEM (ESC[?25l hides, ESC[?25h shows). */
  isCursorHidden(): boolean;
  /** Resolves with the exit. */
  readonly exited: Promise<{ exitCode: number; signal?: number }>;
  /** Sends a signal (default SIGTERM). */
  kill(signal?: string): void;
  /** Kills if still running and frees the emulator. Always call in afterEach. */
  dispose(): Promise<void>;
  /** The program's pid (the pty's child). */
  readonly pid: number;
  /** Called with each raw output chunk as it arrives from the pty (before the emulator has
   * parsed it), with its performance.now() time. Returns an unsubscribe function. */
  onOutput(listener: (chunk: string, at: number) => void): () => void;
  /** Resolves once the emulator has processed everything received so far. */
  settled(): Promise<void>;
}

/** The CLI under test: dist/cli.js built by `npm test`'s build step. */
export const CLI_PATH: string = resolve(import.meta.dirname, '../../dist/cli.js');

/** Variables that make Ink (through the `is-in-ci` package) or other tools believe they run in
 * CI, where Ink renders nothing until exit. */
const CI_VARIABLES = [
  'CI',
  'CONTINUOUS_INTEGRATION',
  'GITHUB_ACTIONS',
  'GITLAB_CI',
  'BUILDKITE',
  'BUILD_ID',
  'BUILD_NUMBER',
  'RUN_ID',
  'TEAMCITY_VERSION',
  'TRAVIS',
  'CIRCLECI',
  'JENKINS_URL',
  'TF_BUILD',
  'CODEBUILD_BUILD_ID',
  'DRONE',
];

/** Variables that change how Ink talks to the terminal (kitty keyboard protocol detection,
 * screen-reader output); dropped unless the caller's env sets them explicitly. */
const TERMINAL_HINTS = ['NO_COLOR', 'FORCE_COLOR', 'INK_SCREEN_READER', 'KITTY_WINDOW_ID', 'TERM_PROGRAM', 'TERM_PROGRAM_VERSION', 'COLORTERM'];

/** The environment a program in the pty gets: `env` (default process.env) without CI markers,
 * TERM=xterm-256color, and NO_COLOR/FORCE_COLOR (and other terminal hints) only when `env`
 * was given and sets them. */
export function ttyEnv(env?: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? process.env)) if (v !== undefined) out[k] = v;
  for (const k of CI_VARIABLES) delete out[k];
  if (!env) for (const k of TERMINAL_HINTS) delete out[k];
  out.TERM = 'xterm-256color';
  return out;
}

/** Shows the screen in an error message, with row numbers so blank rows are visible. */
function framedScreen(lines: string[]): string {
  let end = lines.length;
  while (end > 0 && lines[end - 1] === '') end--;
  const shown = lines.slice(0, end).map((l, i) => `${String(i + 1).padStart(2)}|${l}`);
  if (end < lines.length) shown.push(end + 1 === lines.length ? `${lines.length}| (blank)` : `${end + 1}-${lines.length}| (blank)`);
  return shown.join('\n');
}

export function spawnTty(args: string[], options: TtyOptions = {}): TtySession {
  const cols = options.cols ?? 120;
  const rows = options.rows ?? 40;
  const term: XTerminal = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });

  // DECTCEM is not exposed by the emulator's API: follow it in the parser (combined params
  // such as ESC[?25;1049h included); hard and soft resets show the cursor again.
  let cursorHidden = false;
  const onDecMode = (set: boolean) => (params: (number | number[])[]): boolean => {
    if (params.some((p) => p === 25)) cursorHidden = !set;
    return false; // let the emulator handle it too
  };
  term.parser.registerCsiHandler({ prefix: '?', final: 'h' }, onDecMode(true));
  term.parser.registerCsiHandler({ prefix: '?', final: 'l' }, onDecMode(false));
  term.parser.registerCsiHandler({ intermediates: '!', final: 'p' }, () => {
    cursorHidden = false;
    return false;
  });
  term.parser.registerEscHandler({ final: 'c' }, () => {
    cursorHidden = false;
    return false;
  });

  const pty: IPty = spawnPty(options.command ?? process.execPath, args, {
    name: 'xterm-256color',
    cols,
    rows,
    cwd: options.cwd ?? process.cwd(),
    env: ttyEnv(options.env),
  });

  let raw = '';
  let bytes = 0;
  let disposed = false;
  let running = true;
  // Chunks handed to the emulator and not yet parsed; waiters are checked when it reaches 0.
  let pending = 0;
  const idleWaiters: Array<() => void> = [];
  const checkers = new Set<() => void>();
  const outputListeners = new Set<(chunk: string, at: number) => void>();

  const runCheckers = () => {
    for (const check of [...checkers]) check();
  };
  const afterParse = () => {
    pending--;
    if (pending > 0) return;
    for (const w of idleWaiters.splice(0)) w();
    runCheckers();
  };

  // Answers to the program's queries (cursor position, device attributes) go back to it, as
  // from a real terminal.
  term.onData((data) => {
    if (running) pty.write(data);
  });

  pty.onData((chunk) => {
    const at = performance.now();
    raw += chunk;
    bytes += Buffer.byteLength(chunk, 'utf8');
    for (const l of outputListeners) l(chunk, at);
    if (disposed) return;
    pending++;
    term.write(chunk, afterParse);
  });

  const exited = new Promise<{ exitCode: number; signal?: number }>((resolveExit) => {
    pty.onExit(({ exitCode, signal }) => {
      running = false;
      // Let the emulator finish the last chunks before anyone looks at the final screen.
      const done = () => {
        resolveExit(signal ? { exitCode, signal } : { exitCode });
        runCheckers();
      };
      if (pending === 0 || disposed) done();
      else idleWaiters.push(done);
    });
  });

  const lines = (): string[] => {
    const buffer = term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < term.rows; y++) out.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    return out;
  };
  const text = () => lines().join('\n');

  const settled = (): Promise<void> => (pending === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r)));

  const waitFor: TtySession['waitFor'] = (predicate, waitOptions = {}) => {
    const timeoutMs = waitOptions.timeoutMs ?? 10_000;
    return new Promise<void>((resolveWait, reject) => {
      let finished = false;
      const finish = (error?: Error) => {
        if (finished) return;
        finished = true;
        checkers.delete(check);
        clearTimeout(timer);
        if (error) reject(error);
        else resolveWait();
      };
      const holds = () => {
        try {
          return predicate(text());
        } catch {
          return false;
        }
      };
      // A frame written inside synchronized output (ESC[?2026h ... l) is only complete when the
      // mode is reset: do not judge a half-drawn frame.
      const check = () => {
        if (finished) return;
        if (disposed) return finish(failure('the session was disposed'));
        if (pending > 0 || term.modes.synchronizedOutputMode) return;
        if (holds()) finish();
        else if (!running) finish(failure('the program exited'));
      };
      const failure = (why: string) =>
        new Error(`${waitOptions.message ?? 'waitFor'}: ${why} before the screen matched (${cols}x${rows})\n${framedScreen(lines())}`);
      const timer = setTimeout(() => {
        if (!disposed && pending === 0 && holds()) finish();
        else finish(failure(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      checkers.add(check);
      check();
    });
  };

  const kill = (signal?: string) => {
    if (!running) return;
    try {
      pty.kill(signal);
    } catch {
      // already gone
    }
  };

  return {
    lines,
    text,
    write: (data) => {
      if (running) pty.write(data);
    },
    press: (...keys) => {
      if (running) pty.write(keys.map((k) => KEYS[k]).join(''));
    },
    resize: (c, r) => {
      if (running) pty.resize(c, r);
      term.resize(c, r);
    },
    waitFor,
    waitForText: (wanted, waitOptions = {}) =>
      waitFor((screen) => (typeof wanted === 'string' ? screen.includes(wanted) : wanted.test(screen)), {
        ...waitOptions,
        message: `waitForText(${String(typeof wanted === 'string' ? JSON.stringify(wanted) : wanted)})`,
      }),
    bytesWritten: () => bytes,
    rawOutput: () => raw,
    isAlternateScreen: () => term.buffer.active.type === 'alternate',
    isCursorHidden: () => cursorHidden,
    exited,
    kill,
    dispose: async () => {
      if (disposed) return;
      if (running) {
        kill('SIGTERM');
        const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref())]);
        if (!gone) {
          kill('SIGKILL');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
        }
      }
      disposed = true;
      outputListeners.clear();
      runCheckers(); // pending waits give up now rather than at their timeout
      for (const w of idleWaiters.splice(0)) w();
      term.dispose();
    },
    get pid() {
      return pty.pid;
    },
    onOutput: (listener) => {
      outputListeners.add(listener);
      return () => outputListeners.delete(listener);
    },
    settled,
  };
}
