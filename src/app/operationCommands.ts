// The lifecycle commands' definitions: one per action, the same options for all (kept out of
// cli.ts, like the read and sync commands).
import { type Command, InvalidArgumentError } from 'commander';
import { VMID_MAX, VMID_MIN } from '../operations/common.js';
import { POWER, POWER_ACTIONS } from '../operations/power.js';
import type { GlobalOptions } from './cli.js';

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 86_400) throw new InvalidArgumentError('expected whole seconds from 1 to 86400');
  return n;
}

function parallel(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('expected a number from 1 to 64');
  return n;
}

const DESCRIPTIONS: Record<(typeof POWER_ACTIONS)[number], string> = {
  start: 'start VMs or containers',
  stop: 'stop VMs or containers at once (like pulling the power)',
  shutdown: 'shut VMs or containers down cleanly (--timeout, --force-stop)',
  reboot: 'reboot VMs or containers cleanly',
  reset: 'reset VMs at once (like the reset button)',
  suspend: 'suspend (pause) VMs or containers',
  resume: 'resume paused or suspended VMs or containers',
};

/** The options every operation command has. */
function operationOptions(command: Command, timeoutHelp = 'seconds to follow each task before giving up (it goes on on the server)'): Command {
  return command
    .option('-y, --yes', 'confirm without asking (needed without a terminal for medium and high risk)')
    .option('--dry-run', 'print the API calls that would be made and change nothing')
    .option('--no-wait', 'do not follow the tasks to their end')
    .option('--timeout <s>', timeoutHelp, seconds);
}

export function registerOperationCommands(program: Command): void {
  registerSnapshotCommands(program);
  registerConfigCommands(program);
  registerDeleteCommand(program);
  registerCloneCommand(program);
  registerMigrateCommand(program);
  registerTemplateCommand(program);
  registerCreateCommand(program);
  for (const action of POWER_ACTIONS) {
    const risk = POWER[action].risk;
    const command = operationOptions(
      program.command(`${action} <kind> <guests...>`).description(`${DESCRIPTIONS[action]} (${risk} risk)`),
      action === 'shutdown' ? "seconds the guest OS gets to shut down (PVE's timeout; the task is followed 15 s longer)" : undefined,
    ).option('--parallel <n>', 'guests acted on at once (default 4)', parallel);
    if (action === 'shutdown') command.option('--force-stop', 'stop the guest when the timeout passes');
    command
      .addHelpText(
        'after',
        `
<kind> is vm, ct or guest; <guests> are vmids or names (from the cache: sync first for new ones).
--read-only (or console.readOnly in the config file) refuses every change.
Exit codes: 0 done, 1 a task failed, 2 usage, 3 connection or authentication, 4 refused (read-only, not confirmed, locked) or not found.

Examples:
  proxmox-mpc ${action} vm 101 web-02
  proxmox-mpc ${action} ct 200 --dry-run
  proxmox-mpc ${action} guest 101 200 --yes -o json`,
      )
      .action(async (kind: string, guests: string[], opts, cmd: Command) => {
        const { runPower } = await import('./commands/power.js');
        return runPower(action, kind, guests, { ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
      });
  }
}

function registerSnapshotCommands(program: Command): void {
  const snapshot = program.command('snapshot').description('take, list, roll back to and delete snapshots of a VM or container');
  const risks: Record<string, string> = { create: 'low risk', rollback: 'high risk: what changed since is lost', delete: 'high risk: the restore point is gone' };
  for (const action of ['create', 'rollback', 'delete'] as const) {
    const command = operationOptions(snapshot.command(`${action} <kind> <guest> <name>`).description(`${action === 'create' ? 'take a snapshot' : action === 'rollback' ? 'roll back to a snapshot' : 'delete a snapshot'} (${risks[action]})`));
    if (action === 'create') command.option('--description <text>', 'a note kept with the snapshot').option('--vmstate', 'VMs: save the RAM too');
    if (action === 'rollback') command.option('--start', 'start the guest afterwards');
    command
      .addHelpText('after', `\nExamples:\n  proxmox-mpc snapshot ${action} vm web-01 before-upgrade${action === 'create' ? " --description 'before apt upgrade'" : ''}`)
      .action(async (kind: string, guest: string, name: string, opts, cmd: Command) => {
        const { runSnapshot } = await import('./commands/snapshot.js');
        return runSnapshot(action, kind, guest, name, { ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
      });
  }
  snapshot
    .command('list <kind> <guest>')
    .description("a guest's snapshots as a tree, read live from PVE (-o json)")
    .action(async (kind: string, guest: string, opts, cmd: Command) => {
      const { runSnapshotList } = await import('./commands/snapshot.js');
      return runSnapshotList(kind, guest, { ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });
}

function cores(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 512) throw new InvalidArgumentError('expected a whole number of cores from 1 to 512');
  return n;
}

function registerConfigCommands(program: Command): void {
  operationOptions(program.command('set <kind> <guest>').description("change a guest's basics: cores, memory, start at boot, description (medium risk)"))
    .option('--cores <n>', 'CPU cores', cores)
    .option('--memory <size>', 'memory: 2048, 2048M or 2G')
    .option('--onboot <yes|no>', 'start the guest when its node boots')
    .option('--description <text>', 'the note shown in the PVE web UI')
    .addHelpText('after', `\nExamples:\n  proxmox-mpc set vm web-01 --cores 4 --memory 8G\n  proxmox-mpc set ct 200 --onboot yes --dry-run`)
    .action(async (kind: string, guest: string, opts, cmd: Command) => {
      const { runSet } = await import('./commands/configEdit.js');
      return runSet(kind, guest, { ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });
  const tag = program.command('tag').description("add or remove a guest's tags (medium risk: a config edit)");
  for (const action of ['add', 'rm'] as const) {
    operationOptions(tag.command(`${action} <kind> <guest> <tags...>`).description(action === 'add' ? 'add tags' : 'remove tags'))
      .addHelpText('after', `\nExample:\n  proxmox-mpc tag ${action} vm web-01 prod web`)
      .action(async (kind: string, guest: string, tags: string[], opts, cmd: Command) => {
        const { runTag } = await import('./commands/configEdit.js');
        return runTag(action, kind, guest, tags, { ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
      });
  }
}

function registerDeleteCommand(program: Command): void {
  operationOptions(program.command('delete <kind> <guests...>').description('delete VMs or containers for good, with their disks (critical risk: asks for the name)'))
    .option('--purge', 'also remove them from backup jobs, replication and HA')
    .option('--destroy-unreferenced-disks', 'also destroy volumes of the vmid that the config does not reference')
    .addHelpText(
      'after',
      `
A running or protected guest is refused: stop it (or turn protection off) first.
On a terminal the question asks for the guest's name; without one, --yes confirms.

Example:
  proxmox-mpc delete vm test-vm --purge`,
    )
    .action(async (kind: string, guests: string[], opts, cmd: Command) => {
      const { runDelete } = await import('./commands/destroy.js');
      return runDelete(kind, guests, { ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });
}

function vmid(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < VMID_MIN || n > VMID_MAX) throw new InvalidArgumentError(`expected a vmid from ${VMID_MIN} to ${VMID_MAX}`);
  return n;
}

function registerCloneCommand(program: Command): void {
  operationOptions(program.command('clone <kind> <guest>').description('clone a VM or container: a full copy, or a linked clone of a template (low risk)'))
    .option('--name <name>', "the new VM's name (a container's hostname)")
    .option('--newid <vmid>', 'the new vmid (default: the next free one, from /cluster/nextid)', vmid)
    .option('--full', 'copy every disk (the default, except for templates)')
    .option('--linked', 'a linked clone: templates only, sharing their disks (the default for templates where the storage can)')
    .option('--target-node <node>', 'the node the clone ends up on (its disks must be on shared storage)')
    .option('--storage <storage>', 'full clones: the storage for the new disks')
    .option('--pool <pool>', 'add the clone to this pool')
    .option('--description <text>', "the clone's note")
    .option('--snapname <name>', 'clone the guest as it was in this snapshot')
    .option('--start', 'start the clone once it is made')
    .addHelpText(
      'after',
      `
<kind> is vm, ct or guest; <guest> is a vmid or a name (from the cache: sync first for new ones).
A linked clone needs a template (PVE's rule); a clone to another node needs shared storage.

Examples:
  proxmox-mpc clone vm ubuntu-24.04-cloud --name web-03 --start
  proxmox-mpc clone vm web-01 --newid 150 --full --storage nas --dry-run
  proxmox-mpc clone ct 9100 --name dns-2 --target-node pve2`,
    )
    .action(async (kind: string, guest: string, opts, cmd: Command) => {
      const { runClone } = await import('./commands/cloneMigrateTemplate.js');
      return runClone(kind, guest, { ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });
}

function registerMigrateCommand(program: Command): void {
  operationOptions(
    program.command('migrate <kind> <guests...>').description('move VMs or containers to another node (medium risk)'),
    'seconds to follow each task (and, with --restart, the time a container gets to shut down)',
  )
    .requiredOption('--to <node>', 'the node to move them to')
    .option('--online', 'VMs: live migration of a running VM')
    .option('--with-local-disks', 'VMs: copy local disks along (needed live when it has any)')
    .option('--target-storage <storage>', 'the storage on the target for local disks (or src:dst pairs)')
    .option('--restart', 'containers: shut a running one down, move it, start it again (PVE cannot move them live)')
    .option('--parallel <n>', 'guests moved at once (default 4)', parallel)
    .addHelpText(
      'after',
      `
A stopped guest moves offline; a running VM needs --online, a running container --restart.
Exit codes: 0 done, 1 a task failed, 2 usage, 3 connection or authentication, 4 refused (read-only, not confirmed, locked, offline node).

Examples:
  proxmox-mpc migrate vm web-01 --to pve2 --online --with-local-disks
  proxmox-mpc migrate ct pihole unifi --to pve3 --restart --yes
  proxmox-mpc migrate vm 114 --to pve1 --dry-run`,
    )
    .action(async (kind: string, guests: string[], opts, cmd: Command) => {
      const { runMigrate } = await import('./commands/cloneMigrateTemplate.js');
      return runMigrate(kind, guests, { ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });
}

function registerTemplateCommand(program: Command): void {
  operationOptions(program.command('template <kind> <guests...>').description('convert stopped VMs or containers to templates (high risk: it cannot be undone)'))
    .option('--parallel <n>', 'guests converted at once (default 4)', parallel)
    .addHelpText(
      'after',
      `
A template can no longer be started, only cloned. A running guest, or one with snapshots, is refused.

Example:
  proxmox-mpc template vm golden-image --dry-run`,
    )
    .action(async (kind: string, guests: string[], opts, cmd: Command) => {
      const { runTemplate } = await import('./commands/cloneMigrateTemplate.js');
      return runTemplate(kind, guests, { ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The flags `create vm` and `create ct` share. */
function createOptions(command: Command): Command {
  return operationOptions(command)
    .option('--node <node>', 'the node (default: the first online one)')
    .option('--vmid <id>', 'the new vmid (default: the next free one, /cluster/nextid)')
    .option('--cores <n>', 'CPU cores (default 1)')
    .option('--net <bridge>', 'the bridge of the first NIC (default vmbr0)')
    .option('--vlan <tag>', 'VLAN tag of the NIC (1-4094)')
    .option('--firewall', "turn on PVE's firewall on the NIC")
    .option('--password-env <VAR>', "read the password from this environment variable (never from the command line); its value may be $vault.NAME")
    .option('--ssh-key <file|key>', 'an SSH public key, or a .pub file (repeatable)', collect)
    .option('--ip <dhcp|CIDR>', 'the address: dhcp, or a static one as 192.168.1.50/24')
    .option('--gw <ip>', 'the gateway of a static --ip')
    .option('--start', 'start the guest once it is created')
    .option('--tags <list>', 'tags, comma-separated (e.g. web,prod)')
    .option('--pool <pool>', 'add the guest to this resource pool')
    .option('--description <text>', 'the note shown in the PVE web UI')
    .option('--emit-code', 'inside a workspace: write the guest as terraform/<file>.tf instead of creating it (then validate, plan, apply)');
}

function registerCreateCommand(program: Command): void {
  const create = program.command('create').description('create a VM (from an ISO or a template) or a container (low risk)');
  createOptions(create.command('vm').description('create a VM: from an ISO (--iso), a clone of a template (--clone, with cloud-init), or empty'))
    .option('--name <name>', 'the VM name (a DNS name, e.g. web-01)')
    .option('--iso <volid|file>', 'boot this ISO: a volume id (local:iso/debian-12.iso) or the start of its file name')
    .option('--clone <template>', 'clone this VM template (name or vmid); linked unless --full')
    .option('--full', 'a full copy of the template instead of a linked clone')
    .option('--ostype <type>', "the guest OS: l26 (Linux, the default), win11, win10, other... (a clone keeps the template's)")
    .option('--memory <size>', 'memory: 2048, 2048M or 2G (default 2048 MiB)')
    .option('--disk <storage:size>', 'the disk: local-lvm:32, or a size on the first storage for disks (default 32G); a clone: the size to grow to')
    .option('--nic-model <model>', 'NIC model (default virtio)')
    .option('--ci-user <user>', 'cloud-init (with --clone): the user to create')
    .addHelpText(
      'after',
      `
Bad values are all told at once, each with the flag and the fix (exit 2); an ISO or template
that does not exist is named with what does. --password-env (with --clone) sets the cloud-init
password. A create that fails half-way says what was created and what was not.

Examples:
  proxmox-mpc create vm --name web-01 --node pve1 --cores 2 --memory 2048 --disk local-lvm:32 --net vmbr0 --iso local:iso/debian-12.8.0-amd64-netinst.iso
  proxmox-mpc create vm --name k8s-node-4 --clone ubuntu-24.04-cloud --ci-user ubuntu --ssh-key ~/.ssh/id_ed25519.pub --ip 192.168.1.44/24 --gw 192.168.1.1 --start
  proxmox-mpc create vm --name test --iso debian-12 --dry-run`,
    )
    .action(async (opts, cmd: Command) => {
      const { runCreateVm } = await import('./commands/create.js');
      return runCreateVm({ ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });
  createOptions(create.command('ct').description('create a container from a template archive'))
    .option('--hostname <name>', 'the container hostname (a DNS name)')
    .option('--template <volid|file>', 'the template: local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst, or the start of its file name')
    .option('--storage <storage>', 'the storage of the root disk (default: the first one for containers)')
    .option('--size <size>', 'the root disk size: 8, 8G or 512M (default 8G)')
    .option('--memory <size>', 'memory: 512, 512M or 1G (default 512 MiB)')
    .option('--swap <size>', 'swap (default 512 MiB)')
    .option('--unprivileged', 'an unprivileged container (the default)')
    .option('--privileged', 'a privileged container')
    .option('--nesting', 'allow nesting (containers or Docker inside)')
    .addHelpText(
      'after',
      `
A root password (--password-env VAR) or an SSH key (--ssh-key) is needed. --ip defaults to dhcp.
The variable may hold a vault reference ($vault.NAME): the password is read from the vault when
the create runs (PMC_VAULT_PASSPHRASE, or asked on the terminal). With --emit-code it is not
read: the code takes it from TF_VAR_ct_<id>_<name>_password at plan and apply.

Examples:
  PW=... proxmox-mpc create ct --hostname cache-01 --template debian-12 --storage local-lvm --size 8G --password-env PW --ip dhcp --nesting --start
  PW='$vault.ct-root' proxmox-mpc create ct --hostname cache-02 --template debian-12 --password-env PW`,
    )
    .action(async (opts, cmd: Command) => {
      const { runCreateCt } = await import('./commands/create.js');
      return runCreateCt({ ...cmd.optsWithGlobals<GlobalOptions>(), ...opts });
    });
}
