// The setup a CLI test file against the simulator needs: a private copy of the build, a
// homelab simulator in this process (so that a test can look at its model and inject faults),
// a new HOME per test synced against it, and the CLI run without a terminal on stdin. Faults
// are cleared after each test; HOMEs, simulator and build are removed after the file.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { ProxmoxClient } from '../../src/proxmox/client.js';
import { startTestSimulator, type TestSimulator } from '../../src/sync/test-support/sim.js';
import { isolatedEnv, type CliResult } from './cli.js';
import { privateBuild, type PrivateBuild } from './privateBuild.js';

export interface SimulatorCli {
  readonly sim: TestSimulator;
  readonly client: ProxmoxClient;
  /** The private copy of dist/cli.js (for a pty). */
  readonly cliPath: string;
  run(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult>;
  /** A new HOME (config and cache) pointed at the simulator and synced. */
  syncedEnv(extra?: Record<string, string>): Promise<NodeJS.ProcessEnv>;
}

/** Registers the file's hooks; the fields are there once beforeAll has run. */
export function useSimulatorCli(prefix: string, timeScale = 0.02): SimulatorCli {
  let build: PrivateBuild | undefined;
  let sim: TestSimulator | undefined;
  let client: ProxmoxClient | undefined;
  const homes: string[] = [];

  beforeAll(async () => {
    build = privateBuild(prefix);
    ({ sim, client } = await startTestSimulator({ timeScale }));
  }, 180_000);
  afterAll(async () => {
    client?.close();
    await sim?.close();
    for (const home of homes) rmSync(home, { recursive: true, force: true });
    build?.dispose();
  });
  afterEach(() => {
    // A test that failed half-way must not leave a fault on for the next one.
    sim?.faults.set({ errorRate: 0, offlineNodes: [], latencyMs: 0 });
  });

  const run = (args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> =>
    new Promise((done, reject) => {
      const child = spawn(process.execPath, [build!.cliPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });

  return {
    get sim() {
      return sim!;
    },
    get client() {
      return client!;
    },
    get cliPath() {
      return build!.cliPath;
    },
    run,
    async syncedEnv(extra = {}) {
      const env = isolatedEnv({
        PROXMOX_VE_ENDPOINT: sim!.url,
        PROXMOX_VE_API_TOKEN: `${sim!.root.tokenId}=${sim!.root.tokenSecret}`,
        PMC_FINGERPRINT: sim!.fingerprint,
        COLUMNS: '200',
        ...extra,
      });
      homes.push(env.HOME!);
      const r = await run(['sync'], env);
      expect(r.code, r.stderr).toBe(0);
      return env;
    },
  };
}
