// The workspace commands' command-line surface: init, generate, drift. The modules behind them
// load lazily, when one of them runs.
import type { Command } from 'commander';
import type { GlobalOptions } from '../cli.js';

function addCacheOptions(cmd: Command): Command {
  return cmd
    .option('--refresh', 'run one sync before reading the cache (needs the connection settings)')
    .option('--offline', 'never touch the network: read the cache as it is');
}

export function registerWorkspaceCommands(program: Command): void {
  program
    .command('init [dir]')
    .description('make a workspace (default: the current directory): .proxmox-mpc/config.yml, .gitignore, terraform/, ansible/, tests/')
    .option('--force', 're-initialise an existing workspace (rewrites its config, keeps every other file)')
    .option('--no-wizard', 'never ask questions, even on a terminal')
    .addHelpText(
      'after',
      `
The workspace's config names a connection profile (--profile, else the default one) and the
generator options; never a secret. With no usable profile, on a terminal, a first-run wizard asks
for the endpoint and an API token (or a user, with PROXMOX_VE_PASSWORD), shows the server
certificate's SHA-256 fingerprint to accept and pin, tests the connection and saves the profile.
Commands find the workspace by walking up from the current directory, like git.

Examples:
  proxmox-mpc init homelab --profile home
  cd homelab && proxmox-mpc generate`,
    )
    .action(async (dir: string | undefined, opts: { force?: boolean; wizard?: boolean }, cmd: Command) => {
      const { runInit } = await import('./initCommand.js');
      return runInit(dir, { ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });

  addCacheOptions(
    program
      .command('generate')
      .description('write the cluster as code into the workspace: terraform/, ansible/, tests/ (from the cache)')
      .option('--dry-run', 'say what would change, write nothing')
      .option('--diff', 'show the differences as a unified diff, write nothing'),
  )
    .addHelpText(
      'after',
      `
Every generated file starts with the line "# proxmox-mpc: managed ...". Delete that line (or list
the file under keep: in .proxmox-mpc/config.yml) and generate never overwrites nor removes it.
Writes are atomic (a crash leaves the old file or the new one); every file replaced or removed is
copied first to .proxmox-mpc/backups/<time>/. A managed file of a guest that is gone is removed
(into the backup); one you took over is kept and reported.
Prints one line per file that is new, changed, kept or removed, then:
  generated: N new, N changed, N unchanged, N kept, N removed
-o json: { root, dryRun, files: [{ path, status, reason? }], summary, backupDir? }.`,
    )
    .action(async (opts: { dryRun?: boolean; diff?: boolean; refresh?: boolean; offline?: boolean }, cmd: Command) => {
      const { runGenerate } = await import('./generateCommand.js');
      await runGenerate({ ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });

  addCacheOptions(
    program
      .command('drift')
      .description('compare the cluster (cache) with the workspace\'s terraform code: guests not in code, code with no guest, differing attributes'),
  )
    .addHelpText(
      'after',
      `
Reads terraform/*.tf, matches resources to guests by node_name and vm_id, and compares the
attributes proxmox-mpc generates with what the generator would write for the guest now.
Exit codes: 0 no drift, 1 drift found (like terraform plan -detailed-exitcode's 2, but 1 here as
for every "found something" in this CLI: grep style), 2 usage or config error, 4 empty cache.
-o json: { drift: bool, notInCode: [...], noGuest: [...], changed: [{ address, file, line, attributes: [{ name, code, live }] }] }.`,
    )
    .action(async (opts: { refresh?: boolean; offline?: boolean }, cmd: Command) => {
      const { runDrift } = await import('./driftCommand.js');
      await runDrift({ ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });
}
