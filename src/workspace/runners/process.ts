// A tool run as a child process, read line by line: stdout and stderr split into lines as they
// come (a partial line waits for its end; an endless line is cut at MAX_LINE), every line masked (util/redact.ts) and written
// to the run's log file (the child is paused while the file catches up), the last lines kept in a
// ring buffer. interrupt(): the first sends SIGINT (the tool's own graceful stop), the second
// kills it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { RingBuffer } from './ringBuffer.js';
import { redact } from '../../util/redact.js';

/** A line longer than this (a binary dump, a minified blob) is cut: memory stays bounded. */
export const MAX_LINE = 64 * 1024;
export const DEFAULT_KEEP_LINES = 50_000;

export interface ProcessLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface ProcessRunOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Each line as it comes (called synchronously, in order per stream). */
  onLine?: (line: ProcessLine) => void;
  /** The log file (JSON lines); each line goes through `logLine` first. */
  logPath?: string;
  /** The log's line for a run line (default: `{stream, text}` as JSON). Return undefined to skip. */
  logLine?: (line: ProcessLine) => string | undefined;
  /** A first and a last record of the log file. */
  logHeader?: Record<string, unknown>;
  /** Lines kept in memory (default 50,000). */
  keepLines?: number;
  /** Own process group (so the terminal's Ctrl-C reaches only us, and we forward it). */
  detached?: boolean;
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** interrupt() was called (once: SIGINT; twice: killed). */
  interrupted: 'no' | 'sigint' | 'killed';
  /** Could not be started at all (ENOENT...). */
  spawnError?: NodeJS.ErrnoException;
  lines: number;
  dropped: number;
  logPath?: string;
}

export interface ProcessRun {
  readonly pid: number | undefined;
  readonly lines: RingBuffer<ProcessLine>;
  /** First call: SIGINT; a later one: SIGKILL. Returns what was sent. */
  interrupt(): 'sigint' | 'killed' | 'ended';
  readonly done: Promise<ProcessResult>;
  readonly running: boolean;
}

function jsonLogLine(line: ProcessLine): string {
  return JSON.stringify(line);
}

/** Splits a byte stream into lines; pauses the stream while `sink` is backed up. */
function readLines(stream: Readable, name: 'stdout' | 'stderr', deliver: (line: ProcessLine) => void): Promise<void> {
  return new Promise((done) => {
    let settled = false;
    const resolve = (): void => {
      if (!settled) {
        settled = true;
        done();
      }
    };
    stream.setEncoding('utf8');
    let partial = '';
    stream.on('data', (chunk: string) => {
      let text = partial + chunk;
      let nl = text.indexOf('\n');
      let from = 0;
      while (nl >= 0) {
        let line = text.slice(from, nl);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        deliver({ stream: name, text: line });
        from = nl + 1;
        nl = text.indexOf('\n', from);
      }
      text = text.slice(from);
      while (text.length > MAX_LINE) {
        deliver({ stream: name, text: text.slice(0, MAX_LINE) });
        text = text.slice(MAX_LINE);
      }
      partial = text;
    });
    const finish = (): void => {
      if (settled) return;
      if (partial.length > 0) deliver({ stream: name, text: partial });
      partial = '';
      resolve();
    };
    stream.on('end', finish);
    // A child that never started closes its pipes without an end.
    stream.on('close', finish);
    stream.on('error', () => resolve());
  });
}

export function runProcess(opts: ProcessRunOptions): ProcessRun {
  const lines = new RingBuffer<ProcessLine>(opts.keepLines ?? DEFAULT_KEEP_LINES);
  const paused = new Set<Readable>();
  let draining = false;
  let log: WriteStream | undefined;
  if (opts.logPath !== undefined) {
    mkdirSync(dirname(opts.logPath), { recursive: true });
    log = createWriteStream(opts.logPath, { flags: 'a', mode: 0o600 });
    // A log that cannot be written does not stop the run.
    log.on('error', () => {
      log = undefined;
      // Nothing will drain now: read the child again.
      draining = false;
      for (const s of paused) s.resume();
      paused.clear();
    });
    if (opts.logHeader) log.write(`${JSON.stringify({ ...opts.logHeader, at: new Date().toISOString() })}\n`);
  }
  const logLine = opts.logLine ?? jsonLogLine;

  let child: ChildProcess;
  let interrupted: ProcessResult['interrupted'] = 'no';
  let ended = false;
  let deliver: (line: ProcessLine) => void = () => {};

  let spawnError: NodeJS.ErrnoException | undefined;
  child = spawn(opts.command, [...opts.args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: opts.detached === true });
  const streams = [child.stdout!, child.stderr!];
  deliver = (raw) => {
    // Every secret this process knows is masked before the line is kept, logged or shown: a
    // tool may echo a variable, an error may quote a credential.
    const line = { stream: raw.stream, text: redact(raw.text) };
    lines.push(line);
    const l = logLine(line);
    if (l !== undefined && log && !log.write(`${l}\n`) && !draining) {
      // The disk is behind: stop reading the child until the file drains (the child blocks on
      // its pipe, as it would on a slow terminal). One wait at a time.
      draining = true;
      for (const s of streams) {
        if (!s.isPaused()) {
          s.pause();
          paused.add(s);
        }
      }
      log.once('drain', () => {
        draining = false;
        for (const s of paused) s.resume();
        paused.clear();
      });
    }
    opts.onLine?.(line);
  };

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
      resolve({ code: null, signal: null });
    });
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });

  const done = (async (): Promise<ProcessResult> => {
    const [status] = await Promise.all([exited, readLines(child.stdout!, 'stdout', (l) => deliver(l)), readLines(child.stderr!, 'stderr', (l) => deliver(l))]);
    ended = true;
    if (log) {
      const l = log;
      l.write(`${JSON.stringify({ type: 'proxmox-mpc.exit', code: status.code, signal: status.signal, interrupted, lines: lines.total, at: new Date().toISOString() })}\n`);
      await new Promise<void>((resolve) => l.end(resolve));
    }
    return {
      ...status,
      interrupted,
      ...(spawnError ? { spawnError } : {}),
      lines: lines.total,
      dropped: lines.dropped,
      ...(opts.logPath !== undefined ? { logPath: opts.logPath } : {}),
    };
  })();

  const signal = (sig: NodeJS.Signals): void => {
    try {
      // A detached child leads its own group: signal the group (terraform and what it runs).
      if (opts.detached && child.pid !== undefined) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      child.kill(sig);
    }
  };

  return {
    get pid() {
      return child.pid;
    },
    lines,
    get running() {
      return !ended;
    },
    done,
    interrupt() {
      if (ended || child.exitCode !== null || child.signalCode !== null) return 'ended';
      if (interrupted === 'no') {
        interrupted = 'sigint';
        // Only the tool itself: terraform stops its provisioners its own way.
        child.kill('SIGINT');
        return 'sigint';
      }
      interrupted = 'killed';
      signal('SIGKILL');
      return 'killed';
    },
  };
}
