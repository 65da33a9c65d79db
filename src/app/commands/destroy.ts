// `proxmox-mpc delete <kind> <guest>`: CRITICAL. The config is read live for the volumes that
// go with the guest and its protection; the question asks for the guest's name.
import { guestKeyOf } from '../../db/model.js';
import { planDelete, type DeleteRequest } from '../../operations/destroy.js';
import type { GuestTarget } from '../../operations/types.js';
import { createClient, loadConnectionSettings } from '../connect.js';
import { parseGuestConfig } from '../read/guestConfig.js';
import { isReadOnly, liveTargets, resolveTargets, runPlanned, type OperationCommandOptions } from './operationRun.js';

export interface DeleteCommandOptions extends OperationCommandOptions {
  purge?: boolean;
  destroyUnreferencedDisks?: boolean;
}

async function deleteFacts(opts: OperationCommandOptions, t: GuestTarget): Promise<{ volumes: string[]; protection: boolean }> {
  const client = createClient(loadConnectionSettings(opts));
  try {
    const c = await client.guest(t.type).config(t.node, t.vmid);
    const parsed = parseGuestConfig({ type: t.type, vmid: t.vmid, node: t.node, name: t.name, status: t.status, template: t.template, tags: [], config: c.raw as Record<string, string | number> });
    const volumes = [...parsed.disks.filter((d) => d.role !== 'cdrom' && d.volume !== 'none').map((d) => d.volume), ...parsed.unused.map((u) => u.volume)];
    return { volumes, protection: c.protection === true };
  } finally {
    client.close();
  }
}

export async function runDelete(kind: string, refs: string[], opts: DeleteCommandOptions): Promise<void> {
  const { targets, cachePath } = await resolveTargets('delete', kind, refs, opts);
  const live = await liveTargets(targets, opts);
  const facts = new Map<string, { volumes: string[]; protection: boolean }>();
  for (const t of live) facts.set(guestKeyOf(t), await deleteFacts(opts, t));
  const request: DeleteRequest = { ...(opts.purge ? { purge: true } : {}), ...(opts.destroyUnreferencedDisks ? { destroyUnreferenced: true } : {}) };
  const readOnly = isReadOnly(opts);
  await runPlanned('delete', live, (t) => planDelete(t, request, facts.get(guestKeyOf(t))!, { readOnly }), cachePath, opts);
}
