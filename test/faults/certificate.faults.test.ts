// A changed certificate: the simulator restarted on the same port serves a new self-signed
// certificate (as a reinstalled node, or a man in the middle, would). Every command that talks
// to the cluster refuses it against the pinned fingerprint (exit 3, the new fingerprint
// printed, nothing sent), the cache stays whole and readable offline, and pinning the new
// fingerprint is all it takes to go on.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxmoxClient } from '../../src/proxmox/client.js';
import { startTestSimulator, type TestSimulator } from '../../src/sync/test-support/sim.js';
import { isolatedEnv, type CliResult } from '../support/cli.js';
import { privateBuild, type PrivateBuild } from '../support/privateBuild.js';
import { cacheFileOf, errorLines, inspectCache, noCrash } from './support.js';

const TEST_MS = 60_000;
let build: PrivateBuild;
let first: TestSimulator | undefined;
let second: TestSimulator | undefined;
let client: ProxmoxClient | undefined;
let env: NodeJS.ProcessEnv;

const run = (args: string[], e: NodeJS.ProcessEnv): Promise<CliResult> =>
  new Promise((done, reject) => {
    const child = spawn(process.execPath, [build.cliPath, ...args], { env: e, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });

beforeAll(async () => {
  build = privateBuild('pmc-faults-cert-');
  const started = await startTestSimulator({ timeScale: 0.02 });
  first = started.sim;
  started.client.close();
  env = isolatedEnv({
    PROXMOX_VE_ENDPOINT: first.url,
    PROXMOX_VE_API_TOKEN: `${first.root.tokenId}=${first.root.tokenSecret}`,
    PMC_FINGERPRINT: first.fingerprint,
    COLUMNS: '200',
  });
}, 180_000);
afterAll(async () => {
  client?.close();
  await first?.close();
  await second?.close();
  if (env?.HOME) rmSync(env.HOME, { recursive: true, force: true });
  build?.dispose();
});

describe('a changed certificate', () => {
  it('is refused by sync, operations and ping (exit 3, the new fingerprint printed); the cache is kept; the new pin works', { timeout: TEST_MS }, async () => {
    const synced = await run(['sync'], env);
    expect(synced.code, synced.stderr).toBe(0);
    const file = cacheFileOf(env, first!.port);
    const before = inspectCache(file);
    expect(before).toMatchObject({ integrity: 'ok', guests: 38 });

    // Restart on the same port: the same URL, a new certificate (same tokens, so that only the
    // certificate differs).
    const port = first!.port;
    await first!.close();
    first = undefined;
    ({ sim: second, client } = await startTestSimulator({ timeScale: 0.02, port, tokenSecret: env.PROXMOX_VE_API_TOKEN!.split('=')[1]! }));
    expect(second.url).toBe(env.PROXMOX_VE_ENDPOINT);
    expect(second.fingerprint).not.toBe(env.PMC_FINGERPRINT);
    const stoppedBefore = (await client.clusterResources('vm')).find((g) => g.vmid === 109)?.status;
    expect(stoppedBefore).toBe('stopped');

    for (const args of [['sync'], ['start', 'vm', 'win11-desk'], ['ping']]) {
      const r = await run(args, env);
      noCrash(r);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      const errors = errorLines(r);
      expect(errors, args.join(' ')).toHaveLength(1);
      expect(errors[0]).toContain('does not match the pinned fingerprint');
      expect(errors[0]).toContain(second.fingerprint);
      expect(r.stdout).not.toMatch(/synced|done/);
    }
    // Nothing reached the new server: the VM was not started, the cache not touched.
    expect((await client.clusterResources('vm')).find((g) => g.vmid === 109)?.status).toBe('stopped');
    expect(inspectCache(file)).toEqual(before);
    const offline = await run(['get', 'vms', '--offline'], env);
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toMatch(/ win11-desk /);

    // Insecure is not the fix offered, and the pin is not silently replaced: the same refusal again.
    expect((await run(['sync'], env)).code).toBe(3);
    // Pinning the new fingerprint is.
    const repinned = await run(['sync'], { ...env, PMC_FINGERPRINT: second.fingerprint });
    expect(repinned.code, repinned.stderr).toBe(0);
    expect(inspectCache(file).integrity).toBe('ok');
  });
});
