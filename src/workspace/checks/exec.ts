// Running one check tool to its end: exit code and both outputs, or why it could not start.
import { execFile } from 'node:child_process';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** Set when the executable could not be started at all. */
  spawnError?: NodeJS.ErrnoException;
}

/** Runs `command` (no shell); never rejects: a failure to start is `spawnError`, code -1. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
        done({ code: -1, stdout, stderr, spawnError: error as NodeJS.ErrnoException });
        return;
      }
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
