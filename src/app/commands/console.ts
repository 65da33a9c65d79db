// `proxmox-mpc` / `proxmox-mpc console`: the full-screen console on a profile (the default one
// unless told otherwise), or with --plain the line-based console for dumb terminals and
// screen readers. Without a terminal it says what to use instead.
import type { GlobalOptions } from '../cli.js';
import { cachePathFor } from '../../db/paths.js';
import { configPath, loadConfigFile } from '../../workspace/configFile.js';
import type { ConnectionSettings } from '../../workspace/connection.js';
import { resolveAuthSecrets } from '../credentials.js';
import { resolveReadProfile } from '../read/context.js';
import { ExitCode, UserError } from '../userError.js';

export interface ConsoleOptions extends GlobalOptions {
  plain?: boolean;
  readOnly?: boolean;
  /** commander's --no-color. */
  color?: boolean;
  /** commander's --no-icons. */
  icons?: boolean;
  screenReader?: boolean;
}

export const NOT_A_TERMINAL =
  'the console needs a terminal, and stdout is not one: use a command instead (proxmox-mpc get vms, proxmox-mpc --help), or proxmox-mpc console --plain for the line-based console';

export function isInteractive(): boolean {
  return process.stdout.isTTY === true && process.stdin.isTTY === true;
}

export interface ConsoleTarget {
  profile: string;
  connection?: ConnectionSettings;
  cachePath: string;
  /** The cluster is new (the demo's): sync before showing anything in the plain console. */
  fresh?: boolean;
}

export async function runConsoleCommand(opts: ConsoleOptions, target?: ConsoleTarget): Promise<void> {
  const env = process.env;
  if (!opts.plain && !isInteractive()) throw new UserError(NOT_A_TERMINAL, ExitCode.usage);
  const resolved: ConsoleTarget =
    target ??
    (() => {
      const profile = resolveReadProfile({ ...opts }, env);
      // `$vault.` references resolved now, while a passphrase prompt can still use the terminal.
      const connection = profile.settings ? { ...profile.settings, auth: resolveAuthSecrets(profile.settings.auth, env) } : undefined;
      return { profile: profile.name, ...(connection ? { connection } : {}), cachePath: cachePathFor(profile.name, env) };
    })();
  const config = loadConfigFile(configPath(env)).config.console ?? {};
  if (opts.plain) {
    const { runPlainConsole } = await import('../console/plainConsole.js');
    process.exitCode = await runPlainConsole({ ...resolved, ...(resolved.fresh ? { syncFirst: true } : {}), readOnly: opts.readOnly ?? config.readOnly ?? false, input: process.stdin, output: process.stdout });
    return;
  }
  const { runConsole } = await import('../console/runConsole.js');
  process.exitCode = await runConsole({
    ...resolved,
    config,
    ...(opts.readOnly !== undefined ? { readOnly: opts.readOnly } : {}),
    ...(opts.color === false ? { color: false } : {}),
    ...(opts.icons === false ? { icons: false } : {}),
    ...(opts.screenReader ? { screenReader: true } : {}),
  });
}
