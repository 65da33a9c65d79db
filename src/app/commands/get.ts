// `proxmox-mpc get <kind> [filter]`: a list from the cache, as a table fitted to the terminal
// or as JSON/YAML records for scripts. Data on stdout, messages on stderr.
import { openReadContext, type ReadContext, type ReadOptions } from '../read/context.js';
import { findKind, type Kind, type ListOptions } from '../read/kinds.js';
import { writeGuestsJsonParallel } from '../read/parallelJson.js';
import { isDataFormat, readFormat, type ReadFormat } from '../output/format.js';
import { jsonElement, serialize, writeJsonArray } from '../output/serialize.js';
import { renderTable, terminalWidth } from '../output/table.js';

export interface GetOptions extends ReadOptions {
  node?: string;
  status?: string;
  tag?: string;
  pool?: string;
  type?: string;
  sort?: string;
  limit?: number;
  /** false with --no-headers. */
  headers?: boolean;
}

export interface GetIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  open: (opts: ReadOptions) => Promise<ReadContext>;
}

const defaultIo = (): GetIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, open: (opts) => openReadContext(opts) });

function listOptions(filter: string | undefined, opts: GetOptions, format: ReadFormat): ListOptions {
  const list: ListOptions = { wide: format === 'wide' };
  if (filter !== undefined) list.filter = filter;
  for (const key of ['node', 'status', 'tag', 'pool', 'type', 'sort'] as const) {
    const value = opts[key];
    if (value !== undefined) list[key] = value;
  }
  // --limit 0: no limit.
  if (opts.limit !== undefined && opts.limit > 0) list.limit = opts.limit;
  return list;
}

/** What `get` prints for a kind, given an open cache. */
export function renderGet(kind: Kind, ctx: ReadContext, list: ListOptions, format: ReadFormat, io: Pick<GetIo, 'stdout' | 'stderr' | 'env'>, headers = true): void {
  const kctx = { cache: ctx.cache, profileId: ctx.profile.id, now: ctx.now };
  if (format === 'json') {
    // Streamed in chunks; a plain listing of guests comes as JSON text from the cache itself,
    // printed on two threads when it is large.
    const plain = kind.plainGuests?.(list);
    if (plain && ctx.cachePath !== undefined) {
      const target = { cache: ctx.cache, cachePath: ctx.cachePath, profileId: ctx.profile.id, ...plain };
      if (writeGuestsJsonParallel(target, (chunk) => io.stdout.write(chunk)) !== 'not-used') return;
    }
    const elements = kind.jsonElements?.(kctx, list) ?? mapIterable(kind.list(kctx, list).records(), jsonElement);
    writeJsonArray(elements, (chunk) => io.stdout.write(chunk));
    return;
  }
  const listing = kind.list(kctx, list);
  if (isDataFormat(format)) {
    io.stdout.write(serialize(listing.records(), format));
    return;
  }
  if (listing.count === 0) {
    const filtered = list.filter !== undefined || ['node', 'status', 'tag', 'pool', 'type'].some((k) => list[k as keyof ListOptions] !== undefined);
    io.stderr.write(`proxmox-mpc: no ${kind.id}${filtered ? ' match' : ' found'} in the cache of profile ${ctx.profileName} (${ctx.syncedAgo()})\n`);
    return;
  }
  const { columns, cells } = listing.table();
  io.stdout.write(renderTable(columns, cells, { width: terminalWidth(io.stdout, io.env), headers }));
}

function* mapIterable<T, R>(items: Iterable<T>, fn: (item: T) => R): Generator<R> {
  for (const item of items) yield fn(item);
}

export async function runGet(kindName: string, filter: string | undefined, opts: GetOptions, io: GetIo = defaultIo()): Promise<void> {
  // Usage errors first, before the cache is opened.
  const kind = findKind(kindName);
  const format = readFormat(opts.output);
  const list = listOptions(filter, opts, format);
  kind.validate(list);
  const ctx = await io.open(opts);
  try {
    renderGet(kind, ctx, list, format, io, opts.headers !== false);
  } finally {
    ctx.close();
  }
}
