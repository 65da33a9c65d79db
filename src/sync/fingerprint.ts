// The config fingerprint: /cluster/resources carries no config digest, so the sync records the
// resource fields that come from a guest's config (plus where it lives) when it reads the
// config, and reads it again when they differ. Edits that touch none of these fields (a NIC, a
// description) are noticed through the task that made them (see tasks.ts) or the slow sweep.
//
// It is the fields themselves, joined (short, and cheaper to build and compare than any hash:
// this runs for every guest on every poll).

export interface FingerprintFields {
  name?: string;
  maxmem?: number;
  maxcpu?: number;
  maxdisk?: number;
  tags?: readonly string[];
  template?: boolean;
  lock?: string;
  pool?: string;
  node?: string;
}

/** Unit separator: PVE names, tags, pools and locks never contain control characters. */
const SEP = '\u001f';

/** `v1` + the config-derived resource fields, e.g. `v1␟web-01␟2147483648␟2␟34359738368␟prod;web␟0␟␟prod␟pve1`. */
export function configFingerprint(f: FingerprintFields): string {
  return `v1${SEP}${f.name ?? ''}${SEP}${f.maxmem ?? ''}${SEP}${f.maxcpu ?? ''}${SEP}${f.maxdisk ?? ''}${SEP}${f.tags ? f.tags.join(';') : ''}${SEP}${
    f.template ? 1 : 0
  }${SEP}${f.lock ?? ''}${SEP}${f.pool ?? ''}${SEP}${f.node ?? ''}`;
}
