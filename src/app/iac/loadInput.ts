// What `generate` (and anything else that writes a workspace) starts from: the profile's cache,
// read in one transaction, as the generators' IacInput. Reading never touches the network
// (unless --refresh asks for a sync first, as for every read command).
import type { IacInput } from '../../generators/types.js';
import { openReadContext, type OpenReadOptions, type ReadContext, type ReadOptions } from '../read/context.js';

/** The cluster a read context's cache knows, with every guest's config (one consistent read). */
export function iacInputFromContext(ctx: ReadContext): IacInput {
  const { cache } = ctx;
  return cache.snapshot(() => {
    // The profile row as it is now (the cluster name is filled in by the syncs).
    const profile = cache.findProfile(ctx.profile.name) ?? ctx.profile;
    const input: IacInput = {
      profile: ctx.profileName,
      nodes: cache.nodes(profile.id),
      guests: cache.guests(profile.id, { withConfig: true }),
      storage: cache.storage(profile.id),
      pools: cache.pools(profile.id),
    };
    if (profile.endpoint) input.endpoint = profile.endpoint;
    if (profile.clusterName) input.clusterName = profile.clusterName;
    return input;
  });
}

/** Opens the profile's cache (as `get` does: exit 4 when it is empty, a warning on stderr when
 * it is stale), reads it into an IacInput and closes it. */
export async function loadIacInput(opts: ReadOptions, options: OpenReadOptions = {}): Promise<IacInput> {
  const ctx = await openReadContext(opts, options);
  try {
    return iacInputFromContext(ctx);
  } finally {
    ctx.close();
  }
}
