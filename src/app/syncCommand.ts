// The `sync` command's definition (kept out of cli.ts so that commands can be added side by side).
import { type Command, InvalidArgumentError } from 'commander';
import type { GlobalOptions } from './cli.js';

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.1 || n > 86_400) throw new InvalidArgumentError('expected seconds from 0.1 to 86400');
  return n;
}

export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('sync the cluster into the local cache (progress on stderr, a one-line summary); --watch keeps polling and prints changes')
    .option('-w, --watch', 'keep polling and print each change as it happens, until Ctrl-C')
    .option('--interval <s>', 'seconds between polls with --watch (default 5)', seconds)
    .option('--reset-cache', 'move the cache file aside (kept as <file>.broken-<time>) and start a fresh one')
    .addHelpText(
      'after',
      `
The cache is $XDG_CACHE_HOME/proxmox-mpc/<profile>.db (~/.cache when XDG_CACHE_HOME is unset).
Exit codes: 0 synced, 1 failed, 3 connection or authentication problem.

Examples:
  proxmox-mpc sync                      one sync, then a summary like: synced homelab: 3 nodes, 38 guests ...
  proxmox-mpc sync --watch --interval 2 print changes (qemu/101 web-01: status running -> stopped)`,
    )
    .action(async (opts: { watch?: boolean; interval?: number; resetCache?: boolean }, cmd: Command) => {
      const { runSync } = await import('./commands/sync.js');
      return runSync({ ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });
}
