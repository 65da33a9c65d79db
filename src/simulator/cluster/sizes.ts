// Sizes as PVE writes them: `size=32G` in drive strings (JSONSchema.pm format_size /
// parse_size), `32.0 GiB` in task logs (render_bytes).

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

/** `32G`, `512M`, `4K`, `1T` or plain bytes -> bytes; undefined if not a size. */
export function parseSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)([KMGT])?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2];
  const factor = unit === 'K' ? KiB : unit === 'M' ? MiB : unit === 'G' ? GiB : unit === 'T' ? TiB : 1;
  return Math.round(n * factor);
}

/** The largest unit that divides the size exactly, like format_size. */
export function formatSize(bytes: number): string {
  const kb = Math.floor(bytes / 1024);
  if (kb * 1024 !== bytes) return String(bytes);
  const mb = Math.floor(kb / 1024);
  if (mb * 1024 !== kb) return `${kb}K`;
  const gb = Math.floor(mb / 1024);
  if (gb * 1024 !== mb) return `${mb}M`;
  const tb = Math.floor(gb / 1024);
  if (tb * 1024 !== gb) return `${gb}G`;
  return `${tb}T`;
}

/** `32.0 GiB`, `631.0 MiB`, `0.0 B` (PVE::Tools::render_bytes with one decimal). */
export function renderBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(i === 0 ? 1 : 1)} ${units[i]}`;
}
