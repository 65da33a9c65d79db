// `proxmox-mpc set <kind> <guest> --cores --memory --onboot --description` and
// `proxmox-mpc tag add|rm <kind> <guest> <tags...>`: the guest's config read live (with its
// digest, so a concurrent edit is refused by PVE), one PUT of what changes, the shared run.
import { nextTags, parseMemoryMiB, planConfig, tagProblem, type ConfigChanges } from '../../operations/config.js';
import { liveConfig, type LiveConfig } from '../../operations/guestFacts.js';
import { withClient } from '../connect.js';
import { ExitCode, UserError } from '../userError.js';
import { isReadOnly, liveTargets, resolveTargets, runPlanned, type OperationCommandOptions } from './operationRun.js';

export interface SetCommandOptions extends OperationCommandOptions {
  cores?: number;
  memory?: string;
  onboot?: string;
  description?: string;
}

function onbootFlag(value: string): boolean {
  if (/^(1|yes|on|true)$/i.test(value)) return true;
  if (/^(0|no|off|false)$/i.test(value)) return false;
  throw new UserError(`--onboot '${value}': use yes or no`, ExitCode.usage);
}

export async function runSet(kind: string, ref: string, opts: SetCommandOptions): Promise<void> {
  const changes: ConfigChanges = {};
  if (opts.cores !== undefined) changes.cores = opts.cores;
  if (opts.memory !== undefined) {
    const mib = parseMemoryMiB(opts.memory);
    if (mib === undefined || mib < 16) throw new UserError(`--memory '${opts.memory}': a size such as 2048, 2048M or 2G (at least 16 MiB)`, ExitCode.usage);
    changes.memory = mib;
  }
  if (opts.onboot !== undefined) changes.onboot = onbootFlag(opts.onboot);
  if (opts.description !== undefined) changes.description = opts.description;
  if (Object.keys(changes).length === 0) throw new UserError('nothing to set: give --cores, --memory, --onboot or --description', ExitCode.usage);
  await runConfigEdit('set', kind, ref, opts, () => changes);
}

export async function runTag(action: 'add' | 'rm', kind: string, ref: string, tags: string[], opts: OperationCommandOptions): Promise<void> {
  for (const tag of tags) {
    const problem = tagProblem(tag);
    if (problem !== undefined) throw new UserError(problem, ExitCode.usage);
  }
  await runConfigEdit(`tag ${action}`, kind, ref, opts, (live) => ({ tags: action === 'add' ? nextTags(live.tags, tags, []) : nextTags(live.tags, [], tags) }));
}

async function runConfigEdit(action: string, kind: string, ref: string, opts: OperationCommandOptions, changesFor: (live: LiveConfig) => ConfigChanges): Promise<void> {
  const { targets, cachePath } = await resolveTargets(action, kind, [ref], opts);
  const [target] = await liveTargets(targets, opts, { action, cachePath });
  const live = await withClient(opts, (client) => liveConfig(client, target!));
  const readOnly = isReadOnly(opts);
  await runPlanned(action, [target!], (t) => planConfig(t, changesFor(live), live.current, { readOnly, ...(live.digest ? { digest: live.digest } : {}) }, action), cachePath, opts);
}
