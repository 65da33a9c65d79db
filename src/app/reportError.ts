// The one place a command's failure becomes what the user reads: one line on stderr and an
// exit code, never a stack trace (unless --debug asks for one).
import { isProxmoxError, type ProxmoxErrorKind } from '../proxmox/errors.js';
import { redact } from '../util/redact.js';
import { ExitCode, type ExitCodeValue, UserError } from './userError.js';

const EXIT_BY_KIND: Record<ProxmoxErrorKind, ExitCodeValue> = {
  auth: ExitCode.connection,
  permission: ExitCode.connection,
  parameter: ExitCode.usage,
  'not-found': ExitCode.notFound,
  'node-unreachable': ExitCode.connection,
  server: ExitCode.failure,
  network: ExitCode.connection,
  timeout: ExitCode.connection,
  tls: ExitCode.connection,
  protocol: ExitCode.connection,
  task: ExitCode.failure,
  cancelled: ExitCode.failure,
};

export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof UserError) return error.exitCode;
  if (isProxmoxError(error)) return EXIT_BY_KIND[error.kind];
  return ExitCode.failure;
}

export function describeError(error: unknown): string {
  if (error instanceof UserError || isProxmoxError(error)) return error.message;
  if (error instanceof Error) return `${error.message} (unexpected; run with --debug for details)`;
  return String(error);
}

export function reportError(error: unknown, debug: boolean, stderr: NodeJS.WritableStream = process.stderr): ExitCodeValue {
  // Every registered secret (vault values, token secrets, passwords, tickets, CSRF tokens) and
  // credential shape is masked, in the message and in the --debug stack alike.
  stderr.write(redact(`proxmox-mpc: ${describeError(error)}\n`));
  if (debug && error instanceof Error && error.stack) stderr.write(redact(`${error.stack}\n`));
  return exitCodeFor(error);
}
