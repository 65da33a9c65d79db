// `generate` for 1,000 guests: the Terraform generator (pure, in-process) over the simulator's
// `generated` scenario synced into a temp cache and read back with loadIacInput, as `generate`
// reads it. Goal: <= 500 ms for 1,000 guests. Called from bench/run.ts; also runnable on its
// own: `npx tsx bench/generate.bench.ts`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { runSyncOnce } from '../src/app/commands/sync.js';
import { loadIacInput } from '../src/app/iac/loadInput.js';
import { defaultCachePath } from '../src/db/paths.js';
import { generateTerraform } from '../src/generators/terraform/index.js';
import { DEFAULT_GENERATOR_OPTIONS } from '../src/generators/types.js';
import { startSimulator } from '../src/simulator/index.js';

const round = (n: number): number => Math.round(n * 10) / 10;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

export interface GenerateBenchFigures {
  guests: number;
  configs: number;
  files: number;
  megabytes: number;
  /** loadIacInput: the cache read into the generators' input. */
  loadMs: number;
  /** generateTerraform alone, median of the runs. */
  terraformMedianMs: number;
  terraformMinMs: number;
  /** CPU time of the same runs (user + system, median): less disturbed by a busy machine. */
  terraformCpuMedianMs: number;
  runs: number;
  goalMs: number;
}

export async function generateBenchmarks(guests = 1000, runs = 7): Promise<GenerateBenchFigures> {
  const sim = await startSimulator({ scenario: 'generated', guests, seed: 1, timeScale: 0.01 });
  const home = mkdtempSync(join(tmpdir(), 'pmc-bench-gen-'));
  const env: NodeJS.ProcessEnv = { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache') };
  try {
    mkdirSync(join(home, 'config', 'proxmox-mpc'), { recursive: true });
    writeFileSync(join(home, 'config', 'proxmox-mpc', 'config.yml'), `profiles:\n  bench:\n    endpoint: ${sim.url}\n`, { mode: 0o600 });
    await runSyncOnce(
      { profile: 'bench', endpoint: sim.url, auth: { kind: 'token', tokenId: sim.root.tokenId, secret: sim.root.tokenSecret }, insecure: false, fingerprint: sim.fingerprint },
      defaultCachePath('bench', env),
      { stderr: quiet },
    );
    const t0 = performance.now();
    const input = await loadIacInput({ output: 'text', profile: 'bench', offline: true }, { env, stderr: quiet });
    const loadMs = performance.now() - t0;
    const times: number[] = [];
    const cpu: number[] = [];
    let files = generateTerraform(input, DEFAULT_GENERATOR_OPTIONS); // warm-up
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      const c = process.cpuUsage();
      files = generateTerraform(input, DEFAULT_GENERATOR_OPTIONS);
      const used = process.cpuUsage(c);
      times.push(performance.now() - s);
      cpu.push((used.user + used.system) / 1000);
    }
    return {
      guests: input.guests.length,
      configs: input.guests.filter((g) => g.config).length,
      files: files.length,
      megabytes: round(files.reduce((n, f) => n + Buffer.byteLength(f.content), 0) / 1e6),
      loadMs: round(loadMs),
      terraformMedianMs: round(median(times)),
      terraformMinMs: round(Math.min(...times)),
      terraformCpuMedianMs: round(median(cpu)),
      runs,
      goalMs: 500,
    };
  } finally {
    await sim.close();
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(await generateBenchmarks(), null, 2)}\n`);
}
