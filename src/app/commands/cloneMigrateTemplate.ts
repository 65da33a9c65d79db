// `proxmox-mpc clone`, `migrate` and `template`: what the plans need is read live (nodes and
// storages from /cluster/resources, the guests' disks from their configs, snapshots, the next
// free vmid), then the shared operation run does the rest (refusals, --dry-run, y/N, tasks).
import { guestKeyOf } from '../../db/model.js';
import { cloneLabel, planClone, type CloneRequest } from '../../operations/clone.js';
import { dnsNameProblem } from '../../operations/common.js';
import { cloneFacts, defaultFullClone, migrateFacts, snapshotNames } from '../../operations/guestFacts.js';
import { planMigrate, type MigrateRequest } from '../../operations/migrate.js';
import { isRefusal } from '../../operations/power.js';
import { planTemplate } from '../../operations/template.js';
import { withClient } from '../connect.js';
import { ExitCode, UserError } from '../userError.js';
import { isReadOnly, liveTargets, resolveTargets, runPlanned, type OperationCommandOptions } from './operationRun.js';

export interface CloneCommandOptions extends OperationCommandOptions {
  name?: string;
  newid?: number;
  full?: boolean;
  linked?: boolean;
  targetNode?: string;
  storage?: string;
  pool?: string;
  description?: string;
  snapname?: string;
  start?: boolean;
}

export interface MigrateCommandOptions extends OperationCommandOptions {
  to: string;
  online?: boolean;
  withLocalDisks?: boolean;
  targetStorage?: string;
  restart?: boolean;
}

export async function runClone(kind: string, ref: string, opts: CloneCommandOptions): Promise<void> {
  if (opts.full && opts.linked) throw new UserError('--full and --linked exclude each other: choose one', ExitCode.usage);
  if (opts.name !== undefined) {
    const problem = dnsNameProblem(opts.name, '--name');
    if (problem) throw new UserError(problem, ExitCode.usage);
  }
  const { targets, cachePath } = await resolveTargets('clone', kind, [ref], opts);
  const [source] = await liveTargets(targets, opts, { action: 'clone', cachePath });
  const { facts, newid } = await withClient(opts, async (client) => ({ facts: await cloneFacts(client, source!, opts.snapname), newid: opts.newid ?? (await client.nextId()) }));
  const full = opts.linked ? false : opts.full ? true : defaultFullClone(source!, facts);
  const request: CloneRequest = {
    newid,
    full,
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.targetNode !== undefined ? { targetNode: opts.targetNode } : {}),
    ...(opts.storage !== undefined ? { storage: opts.storage } : {}),
    ...(opts.pool !== undefined ? { pool: opts.pool } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    ...(opts.snapname !== undefined ? { snapname: opts.snapname } : {}),
    ...(opts.start ? { start: true } : {}),
  };
  const plan = planClone(source!, request, facts, { readOnly: isReadOnly(opts) });
  if (opts.newid === undefined && opts.output !== 'json' && !isRefusal(plan)) process.stderr.write(`clone: the new guest gets vmid ${newid} (the next free one)\n`);
  // The result names the guest made (JSON readers get its vmid too).
  const made = `new ${cloneLabel(source!, request)} on ${request.targetNode ?? source!.node}`;
  await runPlanned('clone', [source!], () => plan, cachePath, opts, { explain: (r) => (r.outcome === 'done' ? { ...r, message: `${r.message} (${made})` } : r) });
}

export async function runMigrate(kind: string, refs: string[], opts: MigrateCommandOptions): Promise<void> {
  const { targets, cachePath } = await resolveTargets('migrate', kind, refs, opts);
  const live = await liveTargets(targets, opts, { action: 'migrate', cachePath });
  const facts = await withClient(opts, async (client) => {
    const all = await migrateFacts(client, live);
    return new Map(live.map((t, i) => [guestKeyOf(t), all[i]!]));
  });
  const request: MigrateRequest = {
    targetNode: opts.to,
    ...(opts.online ? { online: true } : {}),
    ...(opts.withLocalDisks ? { withLocalDisks: true } : {}),
    ...(opts.targetStorage !== undefined ? { targetStorage: opts.targetStorage } : {}),
    ...(opts.restart ? { restart: true } : {}),
    ...(opts.restart && opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
  };
  const readOnly = isReadOnly(opts);
  await runPlanned('migrate', live, (t) => planMigrate(t, request, facts.get(guestKeyOf(t))!, { readOnly }), cachePath, opts);
}

export async function runTemplate(kind: string, refs: string[], opts: OperationCommandOptions): Promise<void> {
  const { targets, cachePath } = await resolveTargets('template', kind, refs, opts);
  const live = await liveTargets(targets, opts, { action: 'template', cachePath });
  const snapshots = await withClient(opts, async (client) => {
    const out = new Map<string, string[]>();
    for (const t of live) out.set(guestKeyOf(t), await snapshotNames(client, t));
    return out;
  });
  const readOnly = isReadOnly(opts);
  await runPlanned('template', live, (t) => planTemplate(t, { readOnly }, { snapshots: snapshots.get(guestKeyOf(t)) ?? [] }), cachePath, opts);
}
