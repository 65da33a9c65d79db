// Reading a guest's config (as GET …/config returns it) for the generator: typed lookups that
// remember which keys were used, so that every key left over can be named in a comment rather
// than silently dropped.
import type { GuestRow } from '../../db/model.js';
import type { Ipv4Setting, Ipv6Setting } from '../../proxmox/formats/index.js';

export const GiB = 1024 ** 3;

export class ConfigReader {
  private readonly used = new Set<string>();
  constructor(readonly config: Readonly<Record<string, string | number>>) {}

  has(key: string): boolean {
    return this.config[key] !== undefined && this.config[key] !== null;
  }

  /** Marks keys as handled without reading them. */
  use(...keys: string[]): void {
    for (const k of keys) this.used.add(k);
  }

  str(key: string): string | undefined {
    this.used.add(key);
    const v = this.config[key];
    return v === undefined || v === null ? undefined : String(v);
  }

  num(key: string): number | undefined {
    this.used.add(key);
    const v = this.config[key];
    if (v === undefined || v === null || v === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }

  bool(key: string): boolean | undefined {
    this.used.add(key);
    const v = this.config[key];
    if (v === undefined || v === null) return undefined;
    return v === 1 || v === '1' || v === 'true' || v === 'on' || v === 'yes';
  }

  /** The keys nobody read, sorted. */
  unused(): string[] {
    return Object.keys(this.config)
      .filter((k) => !this.used.has(k) && k !== 'digest')
      .sort();
  }
}

/** Tags as PVE keeps them and the provider reads them back: split on `;` (and the older `,`
 * or spaces), trimmed, empty ones dropped, sorted, each once. */
export function guestTags(guest: GuestRow, cfg: ConfigReader): string[] {
  const text = cfg.str('tags');
  const tags = text !== undefined ? text.split(/[;, ]+/) : [...guest.tags];
  return [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))].sort();
}

export function ipv4Text(v: Ipv4Setting | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : `${v.address}/${v.prefixLength}`;
}

export function ipv6Text(v: Ipv6Setting | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : `${v.address}/${v.prefixLength}`;
}

/** `32G` → 32; undefined when the size is not a whole number of GiB (the provider's unit). */
export function wholeGiB(bytes: number | undefined): number | undefined {
  if (bytes === undefined || bytes <= 0 || bytes % GiB !== 0) return undefined;
  return bytes / GiB;
}

/** `order=2,up=30,down=10` → the startup block's fields. */
export function parseStartup(text: string): { order?: number; up?: number; down?: number } {
  const out: { order?: number; up?: number; down?: number } = {};
  for (const part of text.split(',')) {
    const [k, v] = part.split('=');
    const n = Number(v);
    if (!Number.isSafeInteger(n)) continue;
    if (k === 'order' || (v === undefined && /^\d+$/.test(k ?? ''))) out.order = v === undefined ? Number(k) : n;
    else if (k === 'up') out.up = n;
    else if (k === 'down') out.down = n;
  }
  return out;
}

/** A `key=value,…` property string with an optional leading default value. */
export function propertyPairs(text: string, defaultKey: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of text.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) map.set(defaultKey, part);
    else map.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return map;
}

/** The file format a volume name spells (`108/vm-108-disk-1.qcow2`), if any. */
export function formatFromVolume(volumeName: string | undefined): string | undefined {
  const m = /\.(qcow2|raw|vmdk)$/.exec(volumeName ?? '');
  return m?.[1];
}
