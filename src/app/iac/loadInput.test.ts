import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCache } from '../../db/client.js';
import { defaultCachePath } from '../../db/paths.js';
import { firstObservation, openFixture, sink } from '../read/test-support/fixture.js';
import { UserError } from '../userError.js';
import { iacInputFromContext, loadIacInput } from './loadInput.js';

const HOMELAB = `defaultProfile: homelab
profiles:
  homelab:
    endpoint: https://pve.example:8006
    tokenId: root@pam!mpc
    tokenSecret: 00000000-0000-0000-0000-000000000000
`;

function home(): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'pmc-iac-'));
  mkdirSync(join(dir, 'config', 'proxmox-mpc'), { recursive: true });
  writeFileSync(join(dir, 'config', 'proxmox-mpc', 'config.yml'), HOMELAB, { mode: 0o600 });
  return { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache') };
}

describe('iacInputFromContext', () => {
  it('carries the cache rows, guests with their configs', () => {
    const { ctx } = openFixture({ runs: 1 });
    const input = iacInputFromContext(ctx);
    expect(input.profile).toBe('homelab');
    expect(input.endpoint).toBe('https://pve.example:8006');
    expect(input.clusterName).toBe('homelab');
    expect(input.nodes.map((n) => n.node)).toEqual(['pve1', 'pve2', 'pve3']);
    expect(input.guests.map((g) => `${g.type}/${g.vmid}`)).toEqual(['qemu/100', 'qemu/101', 'qemu/102', 'qemu/103', 'lxc/200', 'lxc/201', 'qemu/9000']);
    const web = input.guests.find((g) => g.vmid === 100)!;
    expect(web.config).toEqual(firstObservation().guests.find((g) => g.vmid === 100)!.config);
    expect(input.guests.find((g) => g.vmid === 101)!.config).toBeUndefined();
    expect(input.pools.map((p) => p.poolid)).toEqual(['prod', 'templates']);
    expect(input.storage.length).toBe(3);
  });
});

describe('loadIacInput', () => {
  it('reads the profile cache from disk and closes it', async () => {
    const env = home();
    const cache = openCache(defaultCachePath('homelab', env));
    const p = cache.profile('homelab', 'https://pve.example:8006');
    cache.applyObservation(p.id, firstObservation(), { startedAt: Date.now(), counts: {} });
    cache.close();
    const input = await loadIacInput({ output: 'text' }, { env, stderr: sink() });
    expect(input.profile).toBe('homelab');
    expect(input.guests.length).toBe(7);
  });

  it('an empty cache is exit 4 with what to do', async () => {
    await expect(loadIacInput({ output: 'text' }, { env: home(), stderr: sink() })).rejects.toSatisfy(
      (e: unknown) => e instanceof UserError && e.exitCode === 4 && /run proxmox-mpc sync --profile homelab first/.test(e.message),
    );
  });
});
