// Entry point: parses arguments and hands over to a command. Command modules are imported
// lazily so that start-up only loads what the chosen command needs.
import { Command, InvalidArgumentError, Option } from 'commander';
import { registerAnonymizeCommands } from './commands/anonymize.js';
import type { ConnectionFlags } from '../workspace/connection.js';
import { OUTPUT_FORMATS, type OutputFormat } from './output/format.js';
import { registerObservabilityCommands } from './observabilityCommands.js';
import { registerOperationCommands } from './operationCommands.js';
import { registerReadCommands } from './readCommands.js';
import { registerRunCommands } from './iac/runCommands.js';
import { registerValidateCommand } from './iac/validateCommand.js';
import { registerWorkspaceCommands } from './iac/workspaceCommands.js';
import { reportError } from './reportError.js';
import { redact } from '../util/redact.js';
import { registerSyncCommand } from './syncCommand.js';
import { registerVaultCommands } from './commands/vault.js';
import { ExitCode } from './userError.js';
import { VERSION } from './version.js';
import { registerAnsibleCommand } from './iac/ansibleCommand.js';
import { afterFirstFrame, settleFirstFrameTasks } from './console/firstFrame.js';

/** The options every command gets: the connection flags, plus output and diagnostics. */
export interface GlobalOptions extends Omit<ConnectionFlags, 'timeoutMs'> {
  /** Per request, in milliseconds (`--request-timeout`). */
  requestTimeout?: number;
  /** `text` is the default: plain text for ping, a table for the read commands. */
  output: OutputFormat;
  debug?: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port from 0 to 65535');
  return n;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a number from 0 to 1');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0');
  return n;
}

/** The console's display options: on the program, so that they work before or after any
 * command (`proxmox-mpc demo --no-icons`); a subcommand defining them too would override
 * them with its defaults. */
function addConsoleOptions(command: Command): Command {
  return command
    .option('--read-only', 'refuse every change to the cluster (shown in the header)')
    .option('--no-color', 'no colours (NO_COLOR does the same)')
    .option('--no-icons', 'plain ASCII instead of symbols')
    .option('--screen-reader', "Ink's screen-reader mode (INK_SCREEN_READER=true does the same)");
}

export function buildProgram(): Command {
  const program = new Command('proxmox-mpc')
    .description('A keyboard-driven console for Proxmox VE that treats a cluster as Infrastructure-as-Code.')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (str, write) => write(redact(`proxmox-mpc: ${str.replace(/^error: /, '')}`)) })
    .exitOverride()
    .option('-p, --profile <name>', 'connection profile from the config file')
    .option('--endpoint <url>', 'Proxmox VE address, e.g. https://pve.example.com:8006 (env PROXMOX_VE_ENDPOINT)')
    .option('--token <token>', 'API token USER@REALM!TOKENID=SECRET (env PROXMOX_VE_API_TOKEN)')
    .option('--username <user@realm>', 'log in with a password from PROXMOX_VE_PASSWORD (env PROXMOX_VE_USERNAME)')
    .option('--insecure', 'skip TLS certificate verification (env PROXMOX_VE_INSECURE)')
    .option('--fingerprint <sha256>', "pin the server certificate's SHA-256 fingerprint (env PMC_FINGERPRINT)")
    .option('--request-timeout <ms>', 'timeout of each API request in milliseconds', positiveInt)
    .addOption(new Option('-o, --output <format>', 'output format (table and wide: read commands; text: the default)').choices(OUTPUT_FORMATS).default('text'))
    .option('--debug', 'print stack traces and request details on errors; log at debug level (API requests with timings)');

  program.addHelpText(
    'after',
    `
Connection settings come from a profile in $XDG_CONFIG_HOME/proxmox-mpc/config.yml, then the
environment variables the bpg/proxmox Terraform provider reads, then flags (flags win).

Exit codes: 0 ok, 1 failed, 2 usage or configuration error, 3 connection or authentication, 4 not found.

Without a command, proxmox-mpc opens the full-screen console (? shows its keys, q quits).
Without a terminal, use a command, or proxmox-mpc console --plain (a line-based console).

Examples:
  proxmox-mpc demo                         the console on the built-in demo cluster
  proxmox-mpc --profile home               the console on a saved profile
  proxmox-mpc demo --plain                 the line-based console (dumb terminals, screen readers)
  proxmox-mpc simulator --port 8006        serve a simulated cluster for other tools
  PROXMOX_VE_ENDPOINT=https://pve:8006 PROXMOX_VE_API_TOKEN='root@pam!mpc=...' proxmox-mpc ping`,
  );

  addConsoleOptions(program.allowExcessArguments(true)).action(async (_opts, cmd: Command) => {
    // A word that is no command: commander's own message, with its "did you mean".
    // (unknownCommand is commander's, untyped; the version is pinned and the e2e test covers it.)
    if (cmd.args.length > 0) (cmd as unknown as { unknownCommand(): never }).unknownCommand();
    // No command: the console on the default profile.
    const { runConsoleCommand } = await import('./commands/console.js');
    return runConsoleCommand(cmd.optsWithGlobals());
  });

  program
    .command('console')
    .description('the full-screen console (the default without a command); --plain: a line-based console with the same commands')
    .option('--plain', 'a line-based console (for dumb terminals, screen readers and pipes)')
    .action(async (_opts, cmd: Command) => {
      const { runConsoleCommand } = await import('./commands/console.js');
      return runConsoleCommand(cmd.optsWithGlobals());
    });

  program
    .command('ping')
    .description('test the connection: PVE version, cluster, nodes and round-trip latency (exit 0 when healthy)')
    .action(async (_opts, cmd: Command) => {
      const { runPing } = await import('./commands/ping.js');
      return runPing(cmd.optsWithGlobals<GlobalOptions>());
    });

  program
    .command('simulator')
    .description('run the Proxmox VE API simulator on 127.0.0.1 and print its URL, API token and certificate fingerprint')
    .option('--port <port>', 'port to listen on (0 picks a free one)', port, 8006)
    .addOption(new Option('--scenario <name>', 'cluster to simulate').choices(['homelab', 'generated']).default('homelab'))
    .option('--guests <n>', 'number of guests for the generated scenario', positiveInt)
    .option('--seed <n>', 'seed for deterministic scenarios', positiveInt)
    .option('--time-scale <factor>', 'multiply task durations (0.1 = ten times faster)', positiveNumber, 1)
    .option('--latency <ms>', 'fault: add latency to every response', positiveInt)
    .option('--error-rate <0..1>', 'fault: share of requests that fail with 500', fraction)
    .option('--reset-rate <0..1>', 'fault: share of connections reset without an answer', fraction)
    .option('--malformed-rate <0..1>', 'fault: share of answers with malformed JSON', fraction)
    .option('--offline <nodes>', 'fault: comma-separated nodes that are down (595)')
    .option('--ticket-lifetime <s>', 'fault: ticket lifetime in seconds (PVE: 7200)', positiveInt)
    .option('--password <password>', 'fixed root@pam password (default: random)')
    .option('--token-secret <secret>', 'fixed secret for the root@pam!mpc token (default: random)')
    .action(async (opts, cmd: Command) => {
      const { runSimulator } = await import('./commands/simulator.js');
      return runSimulator({ ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });

  program
    .command('demo')
    .description('start the built-in demo cluster (homelab simulator) in-process and open the console on it')
    .option('--time-scale <factor>', 'multiply task durations (0.1 = ten times faster)', positiveNumber, 1)
    .option('--plain', 'the line-based console instead of the full-screen one')
    .action(async (opts, cmd: Command) => {
      const { runDemo } = await import('./commands/demo.js');
      return runDemo({ ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });

  registerSyncCommand(program);

  const profile = program.command('profile').description('manage connection profiles in the config file');
  profile
    .command('list')
    .description('list profiles (secrets are never printed)')
    .action(async (_opts, cmd: Command) => {
      const { runProfileList } = await import('./commands/profile.js');
      return runProfileList(cmd.optsWithGlobals<GlobalOptions>());
    });
  profile
    .command('add <name>')
    .description('add or replace a profile from --endpoint with --token or --username, and --insecure or --fingerprint')
    .option('--default', 'make it the default profile')
    .option('--no-vault', 'keep the token secret in the config file (0600) instead of the encrypted vault')
    .addHelpText('after', `
Example:
  PROXMOX_VE_API_TOKEN='root@pam!mpc=xxxxxxxx-...' proxmox-mpc profile add home --endpoint https://pve.lan:8006 --fingerprint AB:CD:...
The token is taken from PROXMOX_VE_API_TOKEN (or --token, which leaves it in your shell history).
With a vault passphrase (PMC_VAULT_PASSPHRASE, or asked on a terminal) the token secret, or the
password in PROXMOX_VE_PASSWORD of a --username profile, goes into the vault as <name> and the
config file holds $vault.<name>. Otherwise the password is read from PROXMOX_VE_PASSWORD when connecting.`)
    .action(async (name: string, opts, cmd: Command) => {
      const { runProfileAdd } = await import('./commands/profile.js');
      return runProfileAdd(name, { ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });
  profile
    .command('remove <name>')
    .description('remove a profile')
    .action(async (name: string, _opts, cmd: Command) => {
      const { runProfileRemove } = await import('./commands/profile.js');
      return runProfileRemove(name, cmd.optsWithGlobals<GlobalOptions>());
    });
  profile
    .command('use <name>')
    .description('make a profile the default')
    .action(async (name: string, _opts, cmd: Command) => {
      const { runProfileUse } = await import('./commands/profile.js');
      return runProfileUse(name, cmd.optsWithGlobals<GlobalOptions>());
    });

  registerVaultCommands(program);
  registerReadCommands(program);
  registerOperationCommands(program);
  registerAnonymizeCommands(program);
  registerObservabilityCommands(program);
  program.hook('preAction', async (_program, action) => startLogging(action));
  registerWorkspaceCommands(program);
  registerRunCommands(program);
  registerAnsibleCommand(program);
  registerValidateCommand(program);

  return program;
}

// Cache reads stay as fast as they are: no log file for them unless --debug.
const UNLOGGED_COMMANDS = new Set(['get', 'describe', 'history', 'logs']);

/** The command run's log (its id, command and profile): before its action runs. */
async function startLogging(action: Command): Promise<void> {
  const names: string[] = [];
  for (let c: Command | null = action; c?.parent; c = c.parent) names.unshift(c.name());
  const command = names.join(' ') || 'console';
  const opts = action.optsWithGlobals<GlobalOptions>();
  if (UNLOGGED_COMMANDS.has(names[0] ?? '') && opts.debug !== true) return;
  const start = async (): Promise<void> => {
    const { startCommandLog, endCommandLog } = await import('../observability/commandLog.js');
    // Flag names only: a value may be a secret (--token).
    const flags = process.argv.slice(2).filter((a) => a.startsWith('-') && a !== '-' && a !== '--').map((a) => a.split('=')[0]!);
    startCommandLog(command, opts, [...new Set(flags)]);
    endCommandLogHook = endCommandLog;
  };
  // The full-screen console draws first and opens its log a moment later (--debug: at once).
  if (command === 'console' && opts.debug !== true && (opts as { plain?: boolean }).plain !== true) afterFirstFrame(start);
  else await start();
}

let endCommandLogHook: ((code: number) => void) | undefined;

function endLogging(code: number): number {
  endCommandLogHook?.(code);
  return code;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    await settleFirstFrameTasks();
    return endLogging(typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return ExitCode.ok;
    if (typeof code === 'string' && code.startsWith('commander.')) return ExitCode.usage;
    await settleFirstFrameTasks();
    return endLogging(reportError(error, program.opts<GlobalOptions>().debug === true || process.env.PMC_DEBUG === '1'));
  }
}

const isEntry = process.env.PMC_BUNDLED === '1' || /cli\.(ts|js)$/.test(process.argv[1] ?? '');
if (isEntry) {
  // `proxmox-mpc get vms | head`: the reader left; stop quietly, as Unix tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    process.exit(error.code === 'EPIPE' ? ExitCode.ok : reportError(error, process.env.PMC_DEBUG === '1'));
  });
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = reportError(error, process.env.PMC_DEBUG === '1');
    },
  );
}
