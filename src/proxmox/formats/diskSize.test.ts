import { describe, expect, it } from 'vitest';
import { diskSizeFromBytes, formatDiskSize, parseDiskSize } from './diskSize.js';
import { isVolumeId, splitVolumeId, volumeLocation } from './volume.js';

describe('disk sizes', () => {
  it.each([
    ['32G', 32 * 1024 ** 3],
    ['500M', 500 * 1024 ** 2],
    ['1T', 1024 ** 4],
    ['4K', 4096],
    ['0.5G', 512 * 1024 ** 2],
    ['1.25M', 1310720],
    ['0.1K', 102], // PVE drops the fraction of a byte (int())
    ['4194304', 4194304],
    ['0', 0],
  ])('parseDiskSize(%j) is %d bytes, text kept', (text, bytes) => {
    expect(parseDiskSize(text)).toEqual({ bytes, text });
  });

  it.each(['', '32g', '32 G', '1P', '-1G', '.5G', '1.G', '1e3', '32GB', 'G'])('refuses %j', (text) => {
    expect(() => parseDiskSize(text)).toThrow(/not a disk size/);
  });

  it.each([
    [32 * 1024 ** 3, '32G'],
    [1024 ** 4, '1T'],
    [3 * 1024 ** 4, '3T'],
    [1536 * 1024 ** 3, '1536G'],
    [500 * 1024 ** 2, '500M'],
    [4096, '4K'],
    [1536, '1536'],
    [1, '1'],
    [1024 ** 5, '1024T'],
    [0, '0T'], // sic: PVE's format_size
  ])('formatDiskSize(%d) is %j, as PVE prints it', (bytes, text) => {
    expect(formatDiskSize(bytes)).toBe(text);
  });

  it('formatDiskSize and parseDiskSize agree', () => {
    for (const bytes of [1, 1023, 1024, 1025, 4 * 1024 ** 2, 1.5 * 1024 ** 3, 7 * 1024 ** 4]) {
      expect(parseDiskSize(formatDiskSize(bytes)).bytes).toBe(bytes);
    }
  });

  it('refuses byte counts that are not counts', () => {
    expect(() => formatDiskSize(-1)).toThrow();
    expect(() => formatDiskSize(1.5)).toThrow();
  });

  it('diskSizeFromBytes builds the PVE spelling', () => {
    expect(diskSizeFromBytes(8 * 1024 ** 3)).toEqual({ bytes: 8 * 1024 ** 3, text: '8G' });
  });
});

describe('volume ids', () => {
  it.each([
    ['local-lvm:vm-100-disk-0', { storage: 'local-lvm', volumeName: 'vm-100-disk-0' }],
    ['vmstore:subvol-101-disk-0', { storage: 'vmstore', volumeName: 'subvol-101-disk-0' }],
    ['local:iso/debian-12.iso', { storage: 'local', volumeName: 'iso/debian-12.iso' }],
    ['local:100/vm-100-disk-0.qcow2', { storage: 'local', volumeName: '100/vm-100-disk-0.qcow2' }],
    ['pbs.backup:backup/vm/100/2024-01-01T00:00:00Z', { storage: 'pbs.backup', volumeName: 'backup/vm/100/2024-01-01T00:00:00Z' }],
    ['local-lvm:32', { storage: 'local-lvm', volumeName: '32' }],
  ])('splits %j', (volume, expected) => {
    expect(isVolumeId(volume)).toBe(true);
    expect(splitVolumeId(volume)).toEqual(expected);
    expect(volumeLocation(volume)).toEqual(expected);
  });

  it.each(['none', 'cdrom', '/dev/sdb', '/mnt/foo/bar', 'a:x', '1st:x', 'local-:x', 'local:'])('does not split %j', (volume) => {
    expect(isVolumeId(volume)).toBe(false);
    expect(splitVolumeId(volume)).toBeUndefined();
    expect(volumeLocation(volume)).toEqual({});
  });
});
