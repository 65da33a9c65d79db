// `proxmox-mpc delete <kind> <guest>`: CRITICAL. The config is read live for the volumes that
// go with the guest and its protection; the question asks for the guest's name.
import { guestKeyOf } from '../../db/model.js';
import { planDelete, type DeleteFacts, type DeleteRequest } from '../../operations/destroy.js';
import { deleteFacts } from '../../operations/guestFacts.js';
import { withClient } from '../connect.js';
import { isReadOnly, liveTargets, resolveTargets, runPlanned, type OperationCommandOptions } from './operationRun.js';

export interface DeleteCommandOptions extends OperationCommandOptions {
  purge?: boolean;
  destroyUnreferencedDisks?: boolean;
}

export async function runDelete(kind: string, refs: string[], opts: DeleteCommandOptions): Promise<void> {
  const { targets, cachePath } = await resolveTargets('delete', kind, refs, opts);
  const live = await liveTargets(targets, opts, { action: 'delete', cachePath });
  const facts = await withClient(opts, async (client) => {
    const out = new Map<string, DeleteFacts>();
    for (const t of live) out.set(guestKeyOf(t), await deleteFacts(client, t));
    return out;
  });
  const request: DeleteRequest = { ...(opts.purge ? { purge: true } : {}), ...(opts.destroyUnreferencedDisks ? { destroyUnreferenced: true } : {}) };
  const readOnly = isReadOnly(opts);
  await runPlanned('delete', live, (t) => planDelete(t, request, facts.get(guestKeyOf(t))!, { readOnly }), cachePath, opts);
}
