// The terminal's state while the console runs: the alternate screen (the shell's screen comes
// back untouched on exit) and a hidden cursor. Restored exactly once, whatever ends the
// process: a normal quit, an exception, SIGINT, SIGTERM, SIGHUP or process exit.
import { writeSync } from 'node:fs';

const ENTER = '\u001b[?1049h\u001b[H\u001b[2J\u001b[?25l';
/** Show the cursor, reset attributes, leave the alternate screen. */
export const RESTORE = '\u001b[?25h\u001b[0m\u001b[?1049l';

export interface FullScreen {
  restore(): void;
}

export interface FullScreenOptions {
  /** A terminating signal arrived (after the terminal was restored). */
  onSignal(signal: NodeJS.Signals): void;
  /** Stop drawing (unmount Ink) before the terminal is restored on a signal or a crash. */
  beforeRestore?(): void;
}

export function enterFullScreen(stdout: NodeJS.WriteStream, options: FullScreenOptions): FullScreen {
  let restored = false;
  const fd = (stdout as { fd?: number }).fd ?? 1;
  const restoreTerminal = (): void => {
    if (restored) return;
    restored = true;
    try {
      // Synchronously: on exit and on a crash there is no later tick to flush a stream.
      writeSync(fd, RESTORE);
    } catch {
      // the terminal is gone (SIGHUP): nothing to restore
    }
  };
  let signalled = false;
  const restore = (): void => {
    restoreTerminal();
    // After a signal the listeners stay until the process exits: with none of ours left, Ink's
    // signal-exit would re-raise the signal and kill the process before the console has
    // closed its cache.
    if (signalled) return;
    process.off('exit', restore);
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('uncaughtException', onCrash);
  };
  const stopDrawing = (): void => {
    try {
      options.beforeRestore?.();
    } catch {
      // restoring the terminal matters more
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) return;
    signalled = true;
    stopDrawing();
    restoreTerminal();
    options.onSignal(signal);
  };
  const onCrash = (error: Error): void => {
    stopDrawing();
    restore();
    const debug = process.env.PMC_DEBUG === '1';
    process.stderr.write(`proxmox-mpc: the console failed: ${debug ? (error.stack ?? error.message) : `${error.message} (PMC_DEBUG=1 shows where)`}\n`);
    process.exit(70);
  };
  process.on('exit', restore);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('uncaughtException', onCrash);
  stdout.write(ENTER);
  return { restore };
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
