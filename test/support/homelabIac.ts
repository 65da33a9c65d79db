// The generators' input for the homelab scenario, as `generate` would read it: the simulator
// (fixed seed) synced once into a fresh cache, read back with loadIacInput. Shared by the golden
// tests of the generators (one simulator + sync setup, not one per test file).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { runSyncOnce } from '../../src/app/commands/sync.js';
import { loadIacInput } from '../../src/app/iac/loadInput.js';
import { sink } from '../../src/app/read/test-support/fixture.js';
import { defaultCachePath } from '../../src/db/paths.js';
import type { IacInput } from '../../src/generators/types.js';
import { startSimulator } from '../../src/simulator/index.js';

/** The endpoint the golden files carry (the simulator's port changes every run). */
export const HOMELAB_ENDPOINT = 'https://pve1.home.arpa:8006';

export interface HomelabIac {
  readonly sim: Awaited<ReturnType<typeof startSimulator>>;
  /** A fresh read of the synced cache (endpoint set to HOMELAB_ENDPOINT). */
  load(): Promise<IacInput>;
}

/** Registers the file's hooks: the simulator starts and is synced in beforeAll, stops in afterAll. */
export function useHomelabIac(prefix = 'pmc-homelab-iac-'): HomelabIac {
  let sim: Awaited<ReturnType<typeof startSimulator>> | undefined;
  let home: string | undefined;
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    sim = await startSimulator({ seed: 1, timeScale: 0.01 });
    home = mkdtempSync(join(tmpdir(), prefix));
    env = { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache') };
    mkdirSync(join(home, 'config', 'proxmox-mpc'), { recursive: true });
    writeFileSync(
      join(home, 'config', 'proxmox-mpc', 'config.yml'),
      `defaultProfile: homelab\nprofiles:\n  homelab:\n    endpoint: ${sim.url}\n    tokenId: '${sim.root.tokenId}'\n    tokenSecret: '${sim.root.tokenSecret}'\n    fingerprint: '${sim.fingerprint}'\n`,
      { mode: 0o600 },
    );
    await runSyncOnce(
      { profile: 'homelab', endpoint: sim.url, auth: { kind: 'token', tokenId: sim.root.tokenId, secret: sim.root.tokenSecret }, insecure: false, fingerprint: sim.fingerprint },
      defaultCachePath('homelab', env),
      { stderr: sink() },
    );
  }, 120_000);

  afterAll(async () => {
    await sim?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  return {
    get sim() {
      return sim!;
    },
    async load() {
      const input = await loadIacInput({ output: 'text', profile: 'homelab', offline: true }, { env, stderr: sink() });
      return { ...input, endpoint: HOMELAB_ENDPOINT };
    },
  };
}
