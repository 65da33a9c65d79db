// Each simulator fault while the console runs (the built CLI in a real pty against a simulator
// in this process, test/support/tty.ts): the header says degraded or offline, the console does
// not crash, keys still work, and it comes back online by itself once the fault clears (no
// restart). Afterwards it quits cleanly and its cache passes integrity_check.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProxmoxClient } from '../../src/proxmox/client.js';
import type { SimFaults } from '../../src/simulator/index.js';
import { startTestSimulator, type TestSimulator } from '../../src/sync/test-support/sim.js';
import { isolatedEnv } from '../support/cli.js';
import { privateBuild, type PrivateBuild } from '../support/privateBuild.js';
import { spawnTty, type TtySession } from '../support/tty.js';
import { cacheFileOf, inspectCache, NO_FAULTS } from './support.js';

const TEST_MS = 90_000;
const STEP_MS = 20_000;
let build: PrivateBuild;
let sim: TestSimulator;
let client: ProxmoxClient;
const exitedEarly = new WeakSet<TtySession>();
const sessions: TtySession[] = [];
const homes: string[] = [];

beforeAll(async () => {
  build = privateBuild('pmc-faults-console-');
  ({ sim, client } = await startTestSimulator({ scenario: 'homelab', timeScale: 0.05 }));
}, 180_000);
afterEach(async () => {
  sim.faults.set(NO_FAULTS);
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});
afterAll(async () => {
  client?.close();
  await sim?.close();
  build?.dispose();
});

function consoleEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = isolatedEnv({
    PROXMOX_VE_ENDPOINT: sim.url,
    PROXMOX_VE_API_TOKEN: `${sim.root.tokenId}=${sim.root.tokenSecret}`,
    PMC_FINGERPRINT: sim.fingerprint,
    ...extra,
  });
  homes.push(env.HOME!);
  const configDir = join(env.XDG_CONFIG_HOME!, 'proxmox-mpc');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'config.yml'), 'console:\n  refreshMs: 1000\n');
  return { ...env, XDG_STATE_HOME: join(env.HOME!, '.local', 'state') };
}

const header = (s: string): string => s.split('\n')[0] ?? '';
const connection = (s: string): string | undefined => /\b(online|degraded|offline|connecting)\b/.exec(header(s))?.[1];

async function openConsole(env: NodeJS.ProcessEnv): Promise<TtySession> {
  const tty = spawnTty([build.cliPath], { cols: 120, rows: 40, env });
  sessions.push(tty);
  void tty.exited.then(() => exitedEarly.add(tty));
  await tty.waitFor((s) => /^Guests \(38\)/m.test(s) && s.includes('web-01') && connection(s) === 'online', { timeoutMs: 30_000, message: 'the console online' });
  return tty;
}

/** Keys still work: a filter narrows the table, Esc brings every guest back. */
async function keysWork(tty: TtySession): Promise<void> {
  tty.write('/web');
  tty.press('enter');
  await tty.waitFor((s) => /^Guests \(\d+\/38\)/m.test(s) && s.includes('web-01') && !s.includes('pihole'), { timeoutMs: STEP_MS, message: 'the filter applied' });
  tty.press('escape');
  await tty.waitFor((s) => /^Guests \(38\)/m.test(s) && s.includes('pihole'), { timeoutMs: STEP_MS, message: 'the filter cleared' });
}

async function underFault(tty: TtySession, faults: Partial<SimFaults>, shown: 'degraded' | 'offline' | 'online'): Promise<void> {
  sim.faults.set(faults);
  await tty.waitFor((s) => connection(s) === shown, { timeoutMs: STEP_MS, message: `${JSON.stringify(faults)}: the header says ${shown}` });
  await keysWork(tty);
  expect(exitedEarly.has(tty), 'the console exited').toBe(false);
  sim.faults.set(NO_FAULTS);
  await tty.waitFor((s) => connection(s) === 'online', { timeoutMs: STEP_MS, message: `${JSON.stringify(faults)} cleared: online again` });
}

async function quitsWithCacheIntact(tty: TtySession, env: NodeJS.ProcessEnv, port = sim.port): Promise<void> {
  tty.write('q');
  expect(await tty.exited).toEqual({ exitCode: 0 });
  expect(tty.rawOutput()).not.toMatch(/\n\s+at \S+ \(/);
  expect(inspectCache(cacheFileOf(env, port))).toMatchObject({ integrity: 'ok', guests: 38 });
}

describe('the console under faults', () => {
  it('a node offline: degraded; every request failing, resets, malformed bodies: offline; keys work; online again without a restart', { timeout: TEST_MS }, async () => {
    const env = consoleEnv();
    const tty = await openConsole(env);
    await underFault(tty, { offlineNodes: ['pve2'] }, 'degraded');
    await underFault(tty, { errorRate: 1 }, 'offline');
    await underFault(tty, { resetRate: 1 }, 'offline');
    await underFault(tty, { malformedRate: 1 }, 'offline');
    await quitsWithCacheIntact(tty, env);
  });

  it('2 s latency, 30% errors and resets: keys answer at once, the guests stay, online once they clear', { timeout: TEST_MS }, async () => {
    const env = consoleEnv();
    const tty = await openConsole(env);
    sim.faults.set({ latencyMs: 2000, errorRate: 0.3, resetRate: 0.3 });
    const started = Date.now();
    await keysWork(tty);
    // The keys do not wait for the network (two polls at 2 s each would be 4 s).
    expect(Date.now() - started).toBeLessThan(4000);
    expect(exitedEarly.has(tty), 'the console exited').toBe(false);
    sim.faults.set(NO_FAULTS);
    await tty.waitFor((s) => connection(s) === 'online' && /^Guests \(38\)/m.test(s), { timeoutMs: STEP_MS, message: 'online' });
    await quitsWithCacheIntact(tty, env);
  });

  it('password login: tickets expired while it runs are renewed; tickets that never last show offline, then online once they do', { timeout: TEST_MS }, async () => {
    const env = consoleEnv({ PROXMOX_VE_API_TOKEN: '', PROXMOX_VE_USERNAME: sim.root.username, PROXMOX_VE_PASSWORD: sim.root.password });
    const tty = await openConsole(env);
    sim.faults.expireTickets();
    // A change made behind its back still arrives: it logged in again.
    await client.post('/nodes/pve1/qemu/100/status/stop');
    await tty.waitFor((s) => /^\s*\S?\s*100\s+web-01\s+.*\bstopped\b/m.test(s) && connection(s) === 'online', { timeoutMs: STEP_MS, message: 'web-01 stopped, still online after tickets expired' });
    await underFault(tty, { ticketLifetimeSec: 0 }, 'offline');
    expect(tty.rawOutput()).not.toContain(sim.root.password);
    await quitsWithCacheIntact(tty, env);
  });
});

describe('the console and a changed certificate', () => {
  it('the simulator restarted on the same port with a new certificate: refused: offline, r says the pin does not match, the new server state never shown; keys work', { timeout: TEST_MS }, async () => {
    const started = await startTestSimulator({ scenario: 'homelab', timeScale: 0.05 });
    let own: TestSimulator | undefined = started.sim;
    started.client.close();
    let renewed: TestSimulator | undefined;
    let renewedClient: ProxmoxClient | undefined;
    try {
      const env = consoleEnv({
        PROXMOX_VE_ENDPOINT: own.url,
        PROXMOX_VE_API_TOKEN: `${own.root.tokenId}=${own.root.tokenSecret}`,
        PMC_FINGERPRINT: own.fingerprint,
      });
      const tty = await openConsole(env);
      const port = own.port;
      await own.close();
      own = undefined;
      ({ sim: renewed, client: renewedClient } = await startTestSimulator({ scenario: 'homelab', timeScale: 0.05, port, tokenSecret: env.PROXMOX_VE_API_TOKEN!.split('=')[1]! }));
      expect(renewed.fingerprint).not.toBe(env.PMC_FINGERPRINT);
      // A change only the new server has: it must never reach the screen.
      await renewedClient.post('/nodes/pve1/qemu/100/status/stop');
      await tty.waitFor((s) => connection(s) === 'offline', { timeoutMs: STEP_MS, message: 'offline after the certificate changed' });
      // The header says offline; r (sync now) says why.
      tty.write('r');
      await tty.waitFor((s) => /sync failed: TLS certificate of 127\.0\.0\.1:\d+ does not match the pinned/.test(s), { timeoutMs: STEP_MS, message: 'the pin mismatch said' });
      await keysWork(tty);
      expect(tty.text()).toMatch(/^\s*\S?\s*100\s+web-01\s+.*\brunning\b/m);
      expect(connection(tty.text())).toBe('offline');
      await quitsWithCacheIntact(tty, env, port);
    } finally {
      renewedClient?.close();
      await own?.close();
      await renewed?.close();
    }
  });
});
