// `npm run bench`: performance figures as JSON on stdout (progress on stderr). Goals live
// here, never as timing asserts in tests.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { ProxmoxClient } from '../src/proxmox/client.js';
import { startSimulator } from '../src/simulator/index.js';
import { anonymizeBenchmarks } from './anonymize.bench.js';
import { cacheBenchmarks } from './cache.bench.js';
import { consoleBenchmarks } from './console.bench.js';
import { generateBenchmarks } from './generate.bench.js';
import { getVmsJson100kMs } from './get.bench.js';
import { runStreamBenchmark } from './run-stream.bench.js';
import { syncBenchmarks } from './sync.bench.js';

const CLI = resolve(import.meta.dirname, '../dist/cli.js');

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const round = (n: number) => Math.round(n * 10) / 10;

function cliStartMs(args: string[], runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const r = spawnSync(process.execPath, [CLI, ...args], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`proxmox-mpc ${args.join(' ')} exited ${r.status}`);
    times.push(performance.now() - start);
  }
  return round(median(times));
}

async function simulatorFigures(scenario: 'homelab' | 'generated', guests?: number) {
  const t0 = performance.now();
  const sim = await startSimulator({ scenario, ...(guests ? { guests } : {}), timeScale: 0.01 });
  const startMs = performance.now() - t0;
  const client = new ProxmoxClient({ endpoint: sim.url, auth: { tokenId: sim.root.tokenId, tokenSecret: sim.root.tokenSecret }, fingerprint: sim.fingerprint });
  try {
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      count = (await client.clusterResources()).length;
      times.push(performance.now() - s);
    }
    const versionTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const s = performance.now();
      await client.version();
      versionTimes.push(performance.now() - s);
    }
    return {
      scenario: guests ? `${scenario}-${guests}` : scenario,
      startMs: round(startMs),
      clusterResourcesCount: count,
      clusterResourcesMedianMs: round(median(times)),
      versionMedianMs: round(median(versionTimes)),
    };
  } finally {
    client.close();
    await sim.close();
  }
}

const figures: Record<string, unknown> = {};
process.stderr.write('bench: CLI start-up...\n');
figures.cliVersionStartMs = cliStartMs(['--version']);
figures.cliHelpStartMs = cliStartMs(['--help']);
figures.demoPingTotalMs = cliStartMs(['demo'], 3);
for (const [scenario, guests] of [['homelab'], ['generated', 10_000], ['generated', 100_000]] as const) {
  process.stderr.write(`bench: simulator ${scenario}${guests ? ` ${guests}` : ''}...\n`);
  figures[`simulator_${guests ?? scenario}`] = await simulatorFigures(scenario, guests);
}
process.stderr.write('bench: cache...\n');
figures.cache = await cacheBenchmarks();
process.stderr.write('bench: sync (10k with configs, no-change poll, 100k list-only)...\n');
figures.sync = await syncBenchmarks();
process.stderr.write('bench: get vms -o json at 100k...\n');
figures.getVmsJson100kMedianMs = await getVmsJson100kMs();
figures.console = await consoleBenchmarks();
process.stderr.write('bench: run screen under 5,000 terraform lines/s...\n');
figures.runStream = await runStreamBenchmark().catch((error: unknown) => ({ error: (error as Error).message }));
process.stderr.write('bench: generate terraform for 1,000 guests...\n');
figures.generate = await generateBenchmarks();
process.stderr.write('bench: anonymize ~5 MB of text, JSON and YAML...\n');
figures.anonymize = await anonymizeBenchmarks();
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
