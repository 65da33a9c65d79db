// `proxmox-mpc describe vm|ct <vmid|name>`: one guest from the cache, in full.
import { openReadContext, type ReadContext, type ReadOptions } from '../read/context.js';
import { describeGuest, formatGuestDescription } from '../read/describeGuest.js';
import { findGuest, parseGuestKind } from '../read/guestLookup.js';
import { isDataFormat, readFormat } from '../output/format.js';
import { serialize } from '../output/serialize.js';
import { terminalWidth } from '../output/table.js';

export interface DescribeIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  open: (opts: ReadOptions) => Promise<ReadContext>;
}

export type DescribeOptions = ReadOptions;

const defaultIo = (): DescribeIo => ({ stdout: process.stdout, env: process.env, open: (opts) => openReadContext(opts) });

export async function runDescribe(kindName: string, ref: string, opts: DescribeOptions, io: DescribeIo = defaultIo()): Promise<void> {
  const type = parseGuestKind(kindName);
  const format = readFormat(opts.output);
  const ctx = await io.open(opts);
  try {
    const guest = findGuest(ctx, type, ref);
    const view = describeGuest(ctx, guest);
    io.stdout.write(isDataFormat(format) ? serialize(view.doc, format) : formatGuestDescription(view, ctx, terminalWidth(io.stdout, io.env)));
  } finally {
    ctx.close();
  }
}
