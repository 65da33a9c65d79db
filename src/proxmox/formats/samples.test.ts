// Every property string in every captured real response reads into typed values and prints
// back to the very same string; every sample config's devices extract without errors.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lxcConfigCodec, qemuConfigCodec } from './configKeys.js';
import { extractLxcDevices, extractQemuDevices } from './devices.js';
import { parseQemuAgent } from './qemuAgent.js';
import { parseQemuMemory } from './qemuMemory.js';

const SAMPLES = join(import.meta.dirname, '../../../test/fixtures/pve/samples');

interface SampleConfig {
  file: string;
  guest: 'qemu' | 'lxc';
  config: Record<string, unknown>;
}

function sampleConfigs(): SampleConfig[] {
  return readdirSync(SAMPLES)
    .filter((f) => /_(qemu|lxc)(_\d+)?_config\.json$/.test(f))
    .map((file) => {
      const config = (JSON.parse(readFileSync(join(SAMPLES, file), 'utf8')) as { data: Record<string, unknown> }).data;
      return { file, guest: file.includes('_lxc_') ? 'lxc' : 'qemu', config };
    });
}

const configs = sampleConfigs();
const propertyStrings = configs.flatMap(({ file, guest, config }) =>
  Object.entries(config).flatMap(([key, value]) => {
    const codec = guest === 'qemu' ? qemuConfigCodec(key) : lxcConfigCodec(key);
    return codec && typeof value === 'string' ? [{ file, key, value, codec }] : [];
  }),
);

describe('sample configs', () => {
  it('are all found (3 qemu/lxc from PVE 6.2, 1 lxc from PVE 7)', () => {
    expect(configs.map((c) => c.file).sort()).toEqual([
      'community-proxmox__pve62_lxc_100_config.json',
      'community-proxmox__pve62_qemu_102_config.json',
      'community-proxmox__pve62_qemu_103_config.json',
      'luthermonson-go-proxmox__pve7_lxc_config.json',
    ]);
  });

  it('cover NICs, disks, CD-ROMs, rootfs, mount points, features and agent', () => {
    const keys = new Set(propertyStrings.map((p) => p.key.replace(/\d+$/, 'N')));
    expect([...keys].sort()).toEqual(['agent', 'features', 'ideN', 'mpN', 'netN', 'rootfs', 'sataN', 'scsiN']);
    expect(propertyStrings.length).toBe(17);
  });

  it.each(propertyStrings.map((p) => [`${p.file.replace(/__.*?_/, ' ')} ${p.key}: ${p.value}`, p] as const))('%s round-trips', (_name, p) => {
    const typed = p.codec.parse(p.value);
    expect(p.codec.print(typed)).toBe(p.value);
    expect(p.codec.parse(p.codec.print(typed))).toEqual(typed);
  });

  it.each(configs.map((c) => [c.file, c] as const))('%s: devices extract without errors', (_file, { guest, config }) => {
    const devices = guest === 'qemu' ? extractQemuDevices(config) : extractLxcDevices(config);
    expect(devices.errors).toEqual([]);
  });

  it('qemu memory is the pre-8.1 integer and agent the string form in the 6.2 samples', () => {
    for (const { guest, config } of configs.filter((c) => c.guest === 'qemu')) {
      expect(guest).toBe('qemu');
      expect(typeof config.memory).toBe('number');
      expect(parseQemuMemory(config.memory as number).current).toBe(config.memory);
      expect(parseQemuAgent(config.agent as string).enabled).toBe(true);
    }
  });
});
