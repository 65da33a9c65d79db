// `proxmox-mpc snapshot create|rollback|delete <kind> <guest> <name>` and `snapshot list`:
// the guest from the cache, its snapshots read live from PVE, then the shared operation run
// (refusals, --dry-run, y/N for rollback and delete, the task followed, a re-sync).
import { planSnapshot, snapshotNameProblem, type SnapshotAction } from '../../operations/snapshots.js';
import { ExitCode, UserError } from '../userError.js';
import type { Snapshot } from '../../proxmox/types.js';
import type { SnapshotRow } from '../../db/model.js';
import { toJson } from '../output/serialize.js';
import { safeText } from '../../util/terminalText.js';
import { liveSnapshots } from '../../operations/guestFacts.js';
import { withClient } from '../connect.js';
import { snapshotTree } from '../read/describeGuest.js';
import { isReadOnly, liveTargets, resolveTargets, runPlanned, type OperationCommandOptions } from './operationRun.js';

export interface SnapshotCommandOptions extends OperationCommandOptions {
  description?: string;
  vmstate?: boolean;
  start?: boolean;
}

async function allSnapshots(opts: SnapshotCommandOptions, type: 'qemu' | 'lxc', node: string, vmid: number): Promise<Snapshot[]> {
  return withClient(opts, (client) => client.guest(type).snapshots(node, vmid));
}

export async function runSnapshot(action: SnapshotAction, kind: string, ref: string, name: string, opts: SnapshotCommandOptions): Promise<void> {
  const problem = snapshotNameProblem(name);
  if (problem !== undefined) throw new UserError(problem, ExitCode.usage);
  const { targets, cachePath } = await resolveTargets(`snapshot ${action}`, kind, [ref], opts);
  const [target] = await liveTargets(targets, opts, { action: `snapshot ${action}`, cachePath });
  const existing = await withClient(opts, (client) => liveSnapshots(client, target!));
  const readOnly = isReadOnly(opts);
  const request = {
    name,
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    ...(opts.vmstate ? { vmstate: true } : {}),
    ...(opts.start ? { start: true } : {}),
  };
  await runPlanned(`snapshot ${action}`, [target!], (t) => planSnapshot(action, t, request, existing, { readOnly }), cachePath, opts);
}

export async function runSnapshotList(kind: string, ref: string, opts: SnapshotCommandOptions): Promise<void> {
  const { targets } = await resolveTargets('snapshot list', kind, [ref], opts);
  const t = targets[0]!;
  const all = await allSnapshots(opts, t.type, t.node, t.vmid);
  const current = all.find((s) => s.name === 'current')?.parent ?? null;
  const snapshots = all.filter((s) => s.name !== 'current');
  if (opts.output === 'json') {
    process.stdout.write(
      toJson(
        snapshots.map((s) => ({ name: s.name, parent: s.parent ?? null, description: s.description ?? null, takenAt: s.snaptime === undefined ? null : new Date(s.snaptime * 1000).toISOString(), vmstate: s.vmstate === true, current: s.name === current })),
      ),
    );
    return;
  }
  const rows: SnapshotRow[] = snapshots.map((s) => ({
    type: t.type,
    vmid: t.vmid,
    name: s.name,
    vmstate: s.vmstate === true,
    ...(s.parent !== undefined ? { parent: s.parent } : {}),
    ...(s.description !== undefined ? { description: s.description } : {}),
    ...(s.snaptime !== undefined ? { snaptime: s.snaptime } : {}),
  }));
  process.stdout.write(`${t.type}/${t.vmid} ${safeText(t.name)}: ${rows.length === 0 ? 'no snapshots' : `${rows.length} snapshot${rows.length === 1 ? '' : 's'}`}\n`);
  for (const line of snapshotTree(rows, current, Date.now())) process.stdout.write(`${line}\n`);
}
