// Errors a user can cause and fix: one line, and the exit code a script can branch on.

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  connection: 3,
  notFound: 4,
  /** An operation refused: read-only mode, not confirmed, a locked guest. */
  refused: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.usage,
  ) {
    super(message);
  }
}
