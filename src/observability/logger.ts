// The log file behind the facade (log.ts): pino writing JSON lines synchronously to a
// size-rotated file under $XDG_STATE_HOME/proxmox-mpc/logs/ (no worker-thread transport: the
// bundle has none to start, and a synchronous write is on disk when the process exits).
// Every line passes the process-wide redactor (src/util/redact.ts) on its way to the file:
// every registered secret, and the shapes of PVE credentials, are masked.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import pino, { type Logger } from 'pino';
import { type LogLevel, LOG_LEVELS, type LogSink, newOpId, setCommandOp, setLogSink } from './log.js';
import { DEFAULT_KEEP, DEFAULT_MAX_BYTES, RotatingFile } from './rotatingFile.js';
import { MIN_SECRET_LENGTH, redact, registerSecret } from '../util/redact.js';

/** `$XDG_STATE_HOME/proxmox-mpc/logs` (XDG_STATE_HOME defaults to ~/.local/state, and is ignored
 * unless absolute, as the XDG spec says). */
export function logDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(env.HOME ?? homedir(), '.local', 'state');
  return join(base, 'proxmox-mpc', 'logs');
}

export function logPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(logDir(env), 'proxmox-mpc.log');
}

// ---- redaction ---------------------------------------------------------------------------

/** A secret that must never reach the log (nor the screen): registered with the process-wide
 * redactor, so it shows as `***<name>***`, raw or as it looks escaped inside a JSON string. */
export function registerLogSecret(secret: string | undefined, name = 'secret'): void {
  if (secret === undefined || secret.length < MIN_SECRET_LENGTH) return;
  registerSecret(name, secret);
}

/** Every line on its way to the file: registered secrets (raw and escaped, see
 * util/redact.ts escapedForms) and credential shapes masked. */
export function redactLine(line: string): string {
  return redact(line);
}

// ---- the sink ----------------------------------------------------------------------------

export interface LoggerOptions {
  file: string;
  level?: LogLevel;
  maxBytes?: number;
  keep?: number;
  /** Fields on every line (command, profile). */
  bindings?: Record<string, string>;
}

export interface FileLogger extends LogSink {
  readonly file: RotatingFile;
  close(): void;
}

export function createFileLogger(options: LoggerOptions): FileLogger {
  const file = new RotatingFile(options.file, { maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES, keep: options.keep ?? DEFAULT_KEEP, transform: redactLine });
  const root = pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    file,
  );
  const logger: Logger = options.bindings ? root.child(options.bindings) : root;
  return {
    file,
    write(level, msg, fields) {
      logger[level](fields, msg);
    },
    isEnabled: (level) => logger.isLevelEnabled(level),
    setLevel(level) {
      logger.level = level;
    },
    level: () => logger.level as LogLevel,
    close: () => file.close(),
  };
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

let installed: FileLogger | undefined;

export interface InitLoggingOptions {
  command: string;
  profile?: string;
  debug?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * Installs the file logger for this process and gives the command run its correlation id.
 * Level: debug with --debug, else PMC_LOG_LEVEL, else info. A log that cannot be opened (a
 * read-only home) leaves logging off: it never stops a command. Returns the command's op id.
 */
export function initLogging(options: InitLoggingOptions): string | undefined {
  const env = options.env ?? process.env;
  const fromEnv = env.PMC_LOG_LEVEL?.toLowerCase();
  const level: LogLevel = options.debug ? 'debug' : fromEnv !== undefined && isLogLevel(fromEnv) ? fromEnv : 'info';
  // The environment's secrets (a `$vault.` reference is no secret: the client registers its value).
  const plain = (value: string | undefined): string | undefined => (value === undefined || value.includes('$vault.') ? undefined : value);
  registerLogSecret(plain(env.PROXMOX_VE_PASSWORD), 'password');
  registerLogSecret(env.PMC_VAULT_PASSPHRASE, 'vault-passphrase');
  const token = plain(env.PROXMOX_VE_API_TOKEN);
  if (token !== undefined && token.includes('=')) registerLogSecret(token.slice(token.lastIndexOf('=') + 1), 'token-secret');
  try {
    const sink = createFileLogger({
      file: logPath(env),
      level,
      bindings: { command: options.command, ...(options.profile !== undefined ? { profile: options.profile } : {}) },
    });
    installed?.close();
    installed = sink;
    setLogSink(sink);
  } catch (error) {
    if (options.debug) process.stderr.write(`proxmox-mpc: warning: no log file (${(error as Error).message})\n`);
    return undefined;
  }
  const op = newOpId();
  setCommandOp(op);
  return op;
}
