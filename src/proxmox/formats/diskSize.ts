// Disk sizes as PVE writes them (`32G`, `500M`, `0.5G`, `4194304`): pve-common JSONSchema.pm
// parse_size / format_size, binary units, bytes when there is no unit.
import type { FieldCodec } from './codec.js';

export interface DiskSize {
  /** The size in bytes (fractions of a byte are dropped, as PVE does). */
  bytes: number;
  /** The size as written in the property string. */
  text: string;
}

export const DISK_SIZE_RE = /^(\d+(?:\.\d+)?)([KMGT])?$/;

const UNIT_BYTES: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

export function isDiskSizeText(text: string): boolean {
  return DISK_SIZE_RE.test(text);
}

/** `32G` -> { bytes: 34359738368, text: '32G' }; throws on anything PVE's disk-size rejects. */
export function parseDiskSize(text: string): DiskSize {
  const m = DISK_SIZE_RE.exec(text);
  if (!m) throw new Error(`not a disk size: '${text}' (expected digits with an optional K, M, G or T)`);
  const bytes = Math.trunc(Number(m[1]) * (m[2] ? UNIT_BYTES[m[2]]! : 1));
  if (!Number.isSafeInteger(bytes)) throw new Error(`disk size too large: '${text}'`);
  return { bytes, text };
}

/** PVE's own spelling of a byte count: the largest unit that divides it exactly (and, like
 * PVE's format_size, `0T` for zero). */
export function formatDiskSize(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new Error(`not a byte count: ${bytes}`);
  let value = bytes;
  for (const unit of ['', 'K', 'M', 'G']) {
    if (value % 1024 !== 0) return `${value}${unit}`;
    value /= 1024;
  }
  return `${value}T`;
}

export function diskSizeFromBytes(bytes: number): DiskSize {
  return { bytes, text: formatDiskSize(bytes) };
}

/** `size=`: bytes for arithmetic, the text as written so printing gives back the same string. */
export const diskSizeCodec: FieldCodec<DiskSize> = {
  parse: parseDiskSize,
  print(value) {
    const { bytes, text } = (value ?? {}) as Partial<DiskSize>;
    if (typeof text !== 'string') throw new Error(`not a disk size: ${JSON.stringify(value)}`);
    if (parseDiskSize(text).bytes !== bytes) throw new Error(`size text '${text}' is not ${bytes} bytes`);
    return text;
  },
};
