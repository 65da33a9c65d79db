// The read commands' command-line surface (get, describe, history): options and help. The
// command modules themselves load lazily, when one of them runs.
import { type Command, InvalidArgumentError } from 'commander';
import type { DescribeOptions } from './commands/describe.js';
import type { GetOptions } from './commands/get.js';
import type { HistoryOptions } from './commands/history.js';
import { RECORD_FIELDS } from './read/fields.js';

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number (0 for no limit)');
  return n;
}

function addCacheOptions(cmd: Command): Command {
  return cmd
    .option('--refresh', 'run one sync before reading (needs the connection settings)')
    .option('--offline', 'never touch the network: read the cache as it is (even without an endpoint configured)');
}

const FRESHNESS_HELP = `
Reads the local cache of the profile ($XDG_CACHE_HOME/proxmox-mpc/<profile>.db), filled by
proxmox-mpc sync. A cache older than 2 minutes (PMC_STALE_AFTER, e.g. 30s) gets a warning
on stderr with its age. An empty cache (never synced) exits 4: run proxmox-mpc sync first.`;

function fieldHelp(): string {
  return Object.entries(RECORD_FIELDS)
    .map(([kind, fields]) => `  ${kind.padEnd(10)} ${fields.join(', ')}`)
    .join('\n');
}

export function registerReadCommands(program: Command): void {
  addCacheOptions(
    program
      .command('get <resource> [filter]')
      .description('list nodes, vms, cts, guests, storage, tasks, snapshots or pools from the cache')
      .option('--node <names>', 'only on these nodes (comma-separated)')
      .option('--status <states>', 'only with this status: running, stopped, paused, template; online/offline (nodes); ok, error, warning, running (tasks)')
      .option('--tag <tags>', 'only guests with one of these tags')
      .option('--pool <pools>', 'only in one of these pools')
      .option('--type <types>', 'qemu|vm, lxc|ct (guests, snapshots); the storage or task type')
      .option('--sort <column>', 'sort by a column (a header in lower case, e.g. name, mem, uptime); prefix - for descending: --sort=-mem')
      .option('--limit <n>', 'at most n rows (after sorting; 0 for all)', count)
      .option('--no-headers', 'no header row in tables'),
  )
    .addHelpText(
      'after',
      `
Resources and aliases: nodes (node), vms (vm, qemu), cts (ct, lxc), guests (all), storage (sto),
tasks (task), snapshots (snap), pools (pool).

The filter argument matches name, vmid, node and tags (for guests), case-insensitively, as a
substring, or as a regular expression when written /like this/. Comma-separated option values
match any of them (--status running,paused).

-o table (default) fits the terminal width, truncating long names with …; -o wide adds
columns; -o json and -o yaml print an array of records (always [] when nothing matches) with
these fields, in this order, each always present (null when unknown). Sizes are bytes, cpu a
fraction of the guest's or node's CPUs, uptime and duration seconds, times ISO 8601 UTC:
${fieldHelp()}
${FRESHNESS_HELP}

Examples:
  proxmox-mpc get vms                          all VMs
  proxmox-mpc get guests --status running --sort=-mem --limit 10
  proxmox-mpc get cts --node pve1 /^web-\\d+$/
  proxmox-mpc get vms -o json | jq '.[] | select(.tags | index("prod")) | .vmid'`,
    )
    .action(async (resource: string, filter: string | undefined, _opts, cmd: Command) => {
      const { runGet } = await import('./commands/get.js');
      return runGet(resource, filter, cmd.optsWithGlobals<GetOptions>());
    });

  addCacheOptions(
    program
      .command('describe <kind> <guest>')
      .description('show one VM or container from the cache: status, resources, parsed config, disks, NICs, snapshots, tasks, history'),
  )
    .addHelpText(
      'after',
      `
kind is vm, ct or guest (either); guest is a vmid or a name. A name that several guests have
is a usage error (exit 2) listing them; a guest not in the cache exits 4.
-o json / -o yaml print the whole document (the get fields, then description, config, disks,
nics, unused, boot, configErrors, snapshots, currentSnapshot, tasks, history, operations).
${FRESHNESS_HELP}

Examples:
  proxmox-mpc describe vm 100
  proxmox-mpc describe ct pihole -o yaml`,
    )
    .action(async (kind: string, guest: string, _opts, cmd: Command) => {
      const { runDescribe } = await import('./commands/describe.js');
      return runDescribe(kind, guest, cmd.optsWithGlobals<DescribeOptions>());
    });

  addCacheOptions(
    program
      .command('history [guest]')
      .description('the changes syncs recorded (created, deleted, moved, status, config), newest first; --since for the drift since a sync; --ops for the operations run on guests')
      .option('--since <when>', 'a sync run id (42), a duration (30m, 2h, 1d) or a date: show the net change per guest and field since then')
      .option('--all', 'every recorded change as its own row (with --since instead of the net drift; no one-line summaries of node outages)')
      .option('--type <type>', 'qemu|vm or lxc|ct: only that type (a bare vmid shows both)')
      .option('--event <events>', 'only these events: created, deleted, moved, status, config (comma-separated)')
      .option('--limit <n>', `at most n changes (tables default to ${100}; 0 for all)`, count)
      .option('--no-headers', 'no header row in tables')
      .option('--ops', 'the operations run on guests from this CLI and the console instead (who, what, risk, outcome, task); --since takes a duration or a date')
      .option('--grep <text>', 'with --ops: only operations whose action, guest, outcome, risk, user, message or UPID contains this text (any case)')
      .option('--outcome <outcomes>', 'with --ops: only these outcomes: done, failed, refused, skipped (comma-separated)')
      .option('--risk <risks>', 'with --ops: only these risks: low, medium, high, critical (comma-separated)'),
  )
    .addHelpText(
      'after',
      `
guest is a vmid (every guest that had it, deleted ones too), qemu/100 or ct/100, or a name.
-o json / -o yaml print an array of records (always [] when nothing matches):
  history    at, syncRunId, type, vmid, guest, event, field, old, new
  drift      type, vmid, guest, event, field, old, new, changes, firstAt, lastAt   (with --since)
  operations startedAt, endedAt, source, user, action, type, vmid, guest, node, risk, outcome,
             message, exitStatus, upid, durationMs, calls (parameters of secrets masked)   (with --ops)
Changes are what syncs saw happen (whoever did it); operations are what proxmox-mpc did or
refused to do (done, failed, refused, not confirmed; dry runs are not recorded).
${FRESHNESS_HELP}

Examples:
  proxmox-mpc history                   the newest changes
  proxmox-mpc history --ops --grep stop --outcome failed,refused
  proxmox-mpc history 100 --event config
  proxmox-mpc history --since 1d        what drifted in the last day
  proxmox-mpc history --since 42 -o json
  proxmox-mpc history --ops             the newest operations (start, stop, delete...)
  proxmox-mpc history web-01 --ops --since 1d`,
    )
    .action(async (guest: string | undefined, _opts, cmd: Command) => {
      const { runHistory } = await import('./commands/history.js');
      return runHistory(guest, cmd.optsWithGlobals<HistoryOptions>());
    });
}
