// Human units for tables and messages: binary sizes, percentages, uptimes, ages and times.
// Pure functions; anything that depends on "now" takes it as an argument.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** A number with one decimal below 10, none from 10 on, and never a trailing `.0`. */
function compact(value: number): string {
  if (value < 10) {
    const rounded = Math.round(value * 10) / 10;
    return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
  }
  return String(Math.round(value));
}

function unitIndex(bytes: number): number {
  let i = 0;
  let v = Math.abs(bytes);
  // 1023.96 MiB would round to "1024 MiB": move up a unit before that happens.
  while (i < BYTE_UNITS.length - 1 && v >= 1023.5) {
    v /= 1024;
    i++;
  }
  return i;
}

/** `512 B`, `1.5 KiB`, `32 GiB`, `7.3 TiB`; `-` when unknown. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '-';
  const i = unitIndex(bytes);
  return `${compact(bytes / 1024 ** i)} ${BYTE_UNITS[i]}`;
}

/** Used of total in the unit of the total: `2.1/4 GiB`; only the total when nothing is used
 * (a stopped guest) and `-` when the total is unknown. */
export function formatUsage(used: number | undefined, total: number | undefined): string {
  if (total === undefined || !Number.isFinite(total) || total <= 0) return used !== undefined && used > 0 ? formatBytes(used) : '-';
  if (used === undefined || !Number.isFinite(used) || used <= 0) return formatBytes(total);
  const i = unitIndex(total);
  return `${compact(used / 1024 ** i)}/${compact(total / 1024 ** i)} ${BYTE_UNITS[i]}`;
}

/** A fraction (0.123) as a percentage: `12%`, `3.2%`, `0%`; `-` when unknown. */
export function formatPercent(fraction: number | undefined): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return '-';
  const pct = fraction * 100;
  if (pct === 0) return '0%';
  if (pct < 10) {
    const rounded = Math.round(pct * 10) / 10;
    return rounded === 0 ? '<0.1%' : `${Number.isInteger(rounded) ? rounded : rounded.toFixed(1)}%`;
  }
  return `${Math.round(pct)}%`;
}

/** Used of total as a percentage; `-` when either is unknown. */
export function formatRatio(used: number | undefined, total: number | undefined): string {
  if (used === undefined || total === undefined || !(total > 0)) return '-';
  return formatPercent(used / total);
}

/** An uptime or a task's run time in its two largest units: `3d 4h`, `4h 5m`, `5m 3s`, `45s`. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

/** How long ago, for messages: `12 s`, `3 min`, `2 h`, `5 days`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h`;
  const d = Math.floor(h / 24);
  return `${d} days`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** Local wall-clock time `10:02:11`. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Local date and time `2025-01-05 10:02:11`. */
export function formatDateTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${formatClock(epochMs)}`;
}

/** A compact point in time, as `ls -l` does: `10:02:11` today, `Jan 05 10:02` within half a
 * year, `2023-01-05` before that. */
export function formatWhen(epochMs: number | undefined, now: number): string {
  if (epochMs === undefined || !Number.isFinite(epochMs)) return '-';
  const d = new Date(epochMs);
  const n = new Date(now);
  if (d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate()) return formatClock(epochMs);
  if (Math.abs(now - epochMs) < 182 * 86400_000) return `${MONTHS[d.getMonth()]} ${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** ISO 8601 in UTC to the second (`2025-01-05T10:02:11Z`), for JSON and YAML. */
export function isoTime(epochMs: number | undefined): string | null {
  if (epochMs === undefined || !Number.isFinite(epochMs)) return null;
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90s`, `5m`, `1h30m`, `2d`, `1w` -> milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const m of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
  return total;
}
