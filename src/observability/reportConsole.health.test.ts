// The console's health checks use the console's own connection and cache: the demo's
// in-process simulator is no profile of the config file, and must not show as "no profile".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../simulator/index.js';
import { createTrustHost } from './reportConsole.js';

let sim: SimulatorHandle;
let dir: string;
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'homelab', timeScale: 0.01 });
  dir = mkdtempSync(join(tmpdir(), 'pmc-trust-health-'));
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

it("health checks the console's connection, not a profile of that name in the config file", async () => {
  const env = { XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), XDG_CACHE_HOME: join(dir, 'cache'), PATH: '' };
  const connection = { profile: 'demo', endpoint: sim.url, auth: { kind: 'token' as const, tokenId: sim.root.tokenId, secret: sim.root.tokenSecret }, insecure: false, fingerprint: sim.fingerprint };
  const report = await createTrustHost({ profile: 'demo', connection, cachePath: join(dir, 'demo.db'), env, cwd: dir }).health();
  const lines = report.lines.map((l) => `${l.status} ${l.check} ${l.message}`);
  expect(lines.some((l) => /no profile named/.test(l))).toBe(false);
  const api = report.lines.filter((l) => l.check === 'api' || l.check === 'auth' || l.check === 'tls');
  expect(api.filter((l) => /^online/.test(l.message))).toHaveLength(3); // one per node
  expect(api.every((l) => l.status === 'ok'), lines.join('\n')).toBe(true);
  // Without the console's connection, the same profile name is looked up in the (empty) config.
  const alone = await createTrustHost({ profile: 'demo', env, cwd: dir }).health();
  expect(alone.lines.some((l) => l.status === 'fail' && /no profile named 'demo'/.test(l.message))).toBe(true);
});
