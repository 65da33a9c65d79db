// One command run in the log: opened before the command's action (its correlation id, the
// command, the profile; the secrets of the connection registered with the redactor), closed
// by the entry point with the exit code and the time it took. Only flag names are logged,
// never their values (--token carries a secret).
import { performance } from 'node:perf_hooks';
import { configPath, loadConfigFile } from '../workspace/configFile.js';
import { resolveConnection } from '../workspace/connection.js';
import { log } from './log.js';
import { initLogging, registerLogSecret } from './logger.js';

let started: { command: string; at: number } | undefined;

interface CommandFlags {
  profile?: string;
  endpoint?: string;
  token?: string;
  username?: string;
  insecure?: boolean;
  fingerprint?: string;
  debug?: boolean;
}

/** The profile the command will use and the secrets it will hold (best effort: a command that
 * needs no connection may run without one). */
function resolveProfile(flags: CommandFlags, env: NodeJS.ProcessEnv): string | undefined {
  try {
    const { config } = loadConfigFile(configPath(env));
    const { debug: _debug, ...connection } = flags;
    const settings = resolveConnection(config, env, connection);
    if (settings.auth.kind === 'token') registerLogSecret(settings.auth.secret, 'token-secret');
    else registerLogSecret(settings.auth.password, 'password');
    return settings.profile;
  } catch {
    return flags.profile ?? env.PMC_PROFILE;
  }
}

export function startCommandLog(command: string, flags: CommandFlags, flagNames: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  if (flags.token !== undefined && flags.token.includes('=')) registerLogSecret(flags.token.slice(flags.token.lastIndexOf('=') + 1), 'token-secret');
  const profile = resolveProfile(flags, env);
  const op = initLogging({ command, ...(profile !== undefined ? { profile } : {}), debug: flags.debug === true, env });
  if (op === undefined) return;
  started = { command, at: performance.now() };
  log.info('command started', { flags: flagNames.join(',') || undefined });
}

export function endCommandLog(exitCode: number): void {
  if (started === undefined) return;
  const ms = Math.round((performance.now() - started.at) * 10) / 10;
  if (exitCode === 0) log.info('command ended', { exitCode, ms });
  else log.warn('command ended', { exitCode, ms });
  started = undefined;
}
