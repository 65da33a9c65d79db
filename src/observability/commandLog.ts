// One command run in the log: opened before the command's action (its correlation id, the
// command, the profile; the secrets of the connection registered with the redactor), closed
// by the entry point with the exit code and the time it took. Only flag names are logged,
// never their values (--token carries a secret).
import { performance } from 'node:perf_hooks';
import { configPath, loadConfigFile } from '../workspace/configFile.js';
import { endpointBase } from '../proxmox/endpoint.js';
import { envProfileName } from '../workspace/connection.js';
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

/** The profile the command will use, as cheaply as it can be told: the flag, PMC_PROFILE, the
 * config's default or only profile, or the one the environment's endpoint names. Secrets are
 * not resolved here (a `$vault.` reference would cost an unlock): the API client registers
 * each one with the process-wide redactor as it learns it. */
function resolveProfile(flags: CommandFlags, env: NodeJS.ProcessEnv): string | undefined {
  const explicit = flags.profile ?? env.PMC_PROFILE;
  if (explicit !== undefined) return explicit;
  const endpoint = flags.endpoint ?? env.PROXMOX_VE_ENDPOINT;
  try {
    const { config } = loadConfigFile(configPath(env));
    const names = Object.keys(config.profiles);
    if (endpoint !== undefined) {
      const base = endpointBase(endpoint);
      return names.find((n) => endpointBase(config.profiles[n]!.endpoint) === base) ?? envProfileName(base);
    }
    return config.defaultProfile ?? (names.length === 1 ? names[0] : undefined);
  } catch {
    return undefined;
  }
}

export function startCommandLog(command: string, flags: CommandFlags, flagNames: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  if (flags.token !== undefined && flags.token.includes('=') && !flags.token.includes('$vault.')) registerLogSecret(flags.token.slice(flags.token.lastIndexOf('=') + 1), 'token-secret');
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
