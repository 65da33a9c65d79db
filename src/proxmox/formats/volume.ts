// Volume ids (`local-lvm:vm-100-disk-0`) split into storage and volume name, as
// PVE::Storage::parse_volume_id does. Paths (`/dev/sdb`, `/mnt/data`), `none` and `cdrom`
// are not volume ids and are not split.

export interface VolumeLocation {
  /** The storage id, when the volume is `<storage>:<volume name>`. */
  storage?: string;
  /** The volume name on that storage (`vm-100-disk-0`, `iso/debian-12.iso`, `subvol-101-disk-0`). */
  volumeName?: string;
}

const VOLUME_ID_RE = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/i;

export function isVolumeId(value: string): boolean {
  return VOLUME_ID_RE.test(value);
}

export function splitVolumeId(value: string): Required<VolumeLocation> | undefined {
  const m = VOLUME_ID_RE.exec(value);
  return m ? { storage: m[1]!, volumeName: m[2]! } : undefined;
}

/** The derived fields a parsed disk or mount point carries beside its volume string. */
export function volumeLocation(value: string): VolumeLocation {
  return splitVolumeId(value) ?? {};
}
