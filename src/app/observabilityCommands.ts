// The `logs` and `health` commands' command-line surface; their modules load when one runs.
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { GlobalOptions } from './cli.js';
import type { HealthCommandOptions } from './commands/health.js';
import type { LogsOptions } from './commands/logs.js';
import type { ReportIssueOptions } from './commands/reportIssue.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number (0 for all)');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.1 || n > 300) throw new InvalidArgumentError('expected seconds from 0.1 to 300');
  return n;
}

export function registerObservabilityCommands(program: Command): void {
  program
    .command('logs')
    .description('show the log: every command and operation with its id (op), level and timings; --follow for new lines')
    .option('--since <when>', 'only lines since then: a duration (30m, 1h, 2d) or a time (2026-12-08T01:00:00Z)')
    .addOption(new Option('--level <level>', 'only lines at this level or above').choices(LEVELS))
    .option('--op <id>', "one command's or operation's lines (its op id; a command's id also shows its operations)")
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('-n, --lines <n>', 'the last n matching lines (default 100, 0 for all)', count)
    .addHelpText(
      'after',
      `
The log is JSON lines in $XDG_STATE_HOME/proxmox-mpc/logs/proxmox-mpc.log (~/.local/state when
XDG_STATE_HOME is unset), mode 0600, rotated at 5 MiB (proxmox-mpc.log.1 ... .4 kept). Every
command writes a start and an end line (exit code, ms) with its op id; each operation on a guest
gets its own op id, with the command's as parent. --debug (or PMC_LOG_LEVEL=debug) adds one line
per API request (method, path, status, ms). Secrets, parameters and headers are never logged.
Reading commands (get, describe, history, logs) are logged only with --debug.

-o json prints the JSON lines as they are in the file.

Examples:
  proxmox-mpc logs --since 1h --level warn     what went wrong in the last hour
  proxmox-mpc logs --op 3f9c2a1b               one command (or operation) and what it did
  proxmox-mpc logs -f                          follow, until Ctrl-C
  proxmox-mpc logs -o json -n 0 | jq .         every line as JSON`,
    )
    .action(async (opts: Omit<LogsOptions, keyof GlobalOptions>, cmd: Command) => {
      const { runLogs } = await import('./commands/logs.js');
      return runLogs({ ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });

  program
    .command('health')
    .description('check the API per node, authentication, certificate pin, cache, last sync, tools and workspace (exit 1 when something is red)')
    .option('--timeout <s>', 'seconds each check may take (default 5)', seconds)
    .addHelpText(
      'after',
      `
Each line is green (✓ ok), yellow (! works, but look at it) or red (✗ broken); without a
terminal or with --no-icons: OK, WARN, FAIL. Checks run in parallel, each with its own time limit
(--timeout; the tools, slow to start, at least 10 s).
  api        the endpoint, and every node with its latency (red: unreachable or offline)
  auth       the token or password login is accepted (and the ticket's expiry)
  tls        the certificate matches the pinned fingerprint (yellow: not pinned; red: mismatch)
  cache      PRAGMA integrity_check, size and schema version of the profile's cache
  sync       age of the last sync (yellow after 10 min, red after 24 h or never)
  workspace  the workspace around the current directory is writable (only inside one)
  tool       terraform, ansible-playbook, ansible-lint found, with versions (yellow: missing)

Exit codes: 0 nothing red (yellow warnings included: check -o json's "status" for "warn"),
1 something red.

Examples:
  proxmox-mpc health
  proxmox-mpc health --profile home -o json | jq -r .status      ok, warn or fail
  proxmox-mpc health --timeout 2 || echo "cluster needs attention"`,
    )
    .action(async (opts: { timeout?: number }, cmd: Command) => {
      const { runHealth } = await import('./commands/health.js');
      return runHealth({ ...cmd.optsWithGlobals<HealthCommandOptions>(), ...opts });
    });

  program
    .command('report-issue')
    .description('write a diagnostic bundle to attach to an issue: versions, health, recent logs and operations, inventory counts, config (redacted, anonymised)')
    .option('--out <file>', 'where to write it (default: proxmox-mpc-report-<time>.json in this directory; -o is the global output format)')
    .option('--no-anonymize', 'keep addresses and names as they are (secrets are redacted all the same)')
    .option('--timeout <s>', "seconds each health check may take (default 5)", seconds)
    .addHelpText(
      'after',
      `
One JSON file (mode 0600): proxmox-mpc, Node, OS and PVE versions; the health checks; the log
lines of the last 24 h (at most 500); the last 50 operations (history --ops); counts of nodes and
guests per node, type and status (no guest configs); the connection (secret redacted); the
workspace's config.yml (inside one) and the config file. Every secret the process knows (token
secret, password, vault values, tickets) is replaced by ***<name>***.

By default the file is then anonymised like anonymize does (addresses, host, node and guest
names, e-mail, credentials): the mapping goes to $XDG_STATE_HOME/proxmox-mpc/anonymize/ (0600)
and is printed. Keep it: de-anonymize --mapping turns an answer back into your names.

Examples:
  proxmox-mpc report-issue
  proxmox-mpc report-issue --out /tmp/report.json --profile home
  proxmox-mpc report-issue --no-anonymize        names and addresses kept, secrets redacted`,
    )
    .action(async (opts: { out?: string; anonymize?: boolean; timeout?: number }, cmd: Command) => {
      const { runReportIssue } = await import('./commands/reportIssue.js');
      const globals = cmd.optsWithGlobals<ReportIssueOptions>();
      return runReportIssue({ ...globals, ...opts });
    });
}
