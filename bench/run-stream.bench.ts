// The console's run screen under a flood: a terraform-like child (PMC_TERRAFORM) printing
// 5,000 JSON lines a second for 30 s (150,000 lines: three times what the run's buffers keep)
// into `:plan` of `proxmox-mpc demo` (built, in a pty at 120x40, started inside a workspace).
// While it streams, 200 keys are typed into the run screen's search field, one every 60 ms;
// each key's latency is the time from the write until the screen shows it (the typed text
// echoed in the search prompt), so frames drawn for the stream itself do not count. Memory:
// the console's resident size before the run, while it streams, and after, and its peak.
// `npx tsx bench/run-stream.bench.ts` runs it alone (after `node scripts/build.mjs`).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { initWorkspace } from '../src/workspace/project.js';
import { CLI_PATH, spawnTty } from '../test/support/tty.js';

export interface RunStreamOptions {
  linesPerSecond?: number;
  seconds?: number;
  presses?: number;
  intervalMs?: number;
  log?: (line: string) => void;
  /** Node options for the console (e.g. --max-old-space-size=...). */
  nodeArgs?: string[];
}

export interface RunStreamFigures {
  linesPerSecond: number;
  seconds: number;
  linesPrinted: number;
  /** Lines the run screen said it holds when the run ended, and how many it let go. */
  linesKept: number;
  linesDropped: number;
  keyLatency: { medianMs: number; p95Ms: number; maxMs: number; presses: number; timeouts: number; goalP95Ms: number };
  rssMb: { beforeRun: number; midRun: number; afterRun: number; peak: number };
}

const round = (n: number): number => Math.round(n * 10) / 10;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

function rss(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (f: string) => Number(new RegExp(`^${f}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: round(kb('VmRSS') / 1024), peak: round(kb('VmHWM') / 1024) };
}

/** A terraform stand-in: `plan -json` prints what terraform would (version, planned changes,
 * then a provisioner's output lines), `rate` lines a second for `seconds`, then the summary. */
export function fakeTerraform(dir: string, rate: number, seconds: number): string {
  const path = join(dir, 'terraform');
  writeFileSync(
    path,
    `#!${process.execPath}
const rate = ${rate}, seconds = ${seconds};
const ts = () => new Date().toISOString();
const res = (i) => ({ addr: 'terraform_data.r' + i, module: '', resource: 'terraform_data.r' + i, implied_provider: 'terraform', resource_type: 'terraform_data', resource_name: 'r' + i, resource_key: null });
const out = (o) => process.stdout.write(JSON.stringify({ '@level': 'info', '@module': 'terraform.ui', '@timestamp': ts(), ...o }) + '\\n');
out({ '@message': 'Terraform 1.11.4', type: 'version', terraform: '1.11.4', ui: '1.2' });
for (let i = 0; i < 20; i++) out({ '@message': 'terraform_data.r' + i + ': Plan to create', type: 'planned_change', change: { resource: res(i), action: 'create' } });
let n = 0;
const total = rate * seconds;
const start = Date.now();
const tick = setInterval(() => {
  const due = Math.min(total, Math.floor(((Date.now() - start) / 1000) * rate));
  let chunk = '';
  for (; n < due; n++) {
    const i = n % 20;
    chunk += JSON.stringify({ '@level': 'info', '@message': 'terraform_data.r' + i + ': (local-exec): output line ' + n + ' of the flood', '@module': 'terraform.ui', '@timestamp': ts(), hook: { resource: res(i), provisioner: 'local-exec', output: 'output line ' + n + ' of the flood' }, type: 'provision_progress' }) + '\\n';
  }
  if (chunk) process.stdout.write(chunk);
  if (n >= total) {
    clearInterval(tick);
    out({ '@message': 'Plan: 20 to add, 0 to change, 0 to destroy.', type: 'change_summary', changes: { add: 20, change: 0, import: 0, remove: 0, operation: 'plan' } });
  }
}, 10);
process.on('SIGINT', () => process.exit(1));
`,
  );
  chmodSync(path, 0o755);
  return path;
}

export async function runStreamBenchmark(options: RunStreamOptions = {}): Promise<RunStreamFigures> {
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const rate = options.linesPerSecond ?? 5000;
  const seconds = options.seconds ?? 30;
  const presses = options.presses ?? 200;
  const intervalMs = options.intervalMs ?? 60;
  const dir = mkdtempSync(join(tmpdir(), 'pmc-bench-run-'));
  try {
    const root = join(dir, 'ws');
    initWorkspace(root);
    writeFileSync(join(root, 'terraform', 'main.tf'), 'resource "terraform_data" "r0" {}\n');
    const terraform = fakeTerraform(dir, rate, seconds);
    const home = join(dir, 'home');
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), XDG_STATE_HOME: join(home, '.state'), PMC_TERRAFORM: terraform };
    for (const k of Object.keys(env)) if (k.startsWith('PROXMOX_VE_') || k === 'NO_COLOR' || k === 'FORCE_COLOR') delete env[k];
    const tty = spawnTty([...(options.nodeArgs ?? []), CLI_PATH, 'demo'], { cols: 120, rows: 40, cwd: root, env });
    try {
      await tty.waitFor((s) => /^Guests \(38\)/m.test(s), { timeoutMs: 60_000, message: 'the guest table' });
      await tty.settled();
      const before = rss(tty.pid);
      log(`bench: run-stream: console resident ${before.rss} MB before the run; :plan with ${rate} lines/s for ${seconds} s...`);
      tty.write(':plan\r');
      await tty.waitFor((s) => /log \d{4,} lines/.test(s), { timeoutMs: 30_000, message: 'the stream on the run screen' });

      const latencies: number[] = [];
      let timeouts = 0;
      let typed = '';
      tty.write('/');
      await tty.waitFor((s) => s.includes('/_'), { message: 'the search prompt' });
      const letters = 'abcdefghijklmnopqrstuvwxyz';
      let mid = before;
      for (let i = 0; i < presses; i++) {
        if (typed.length >= 20) {
          // Start the field again (Esc cancels the search being typed).
          tty.press('escape');
          await tty.waitFor((s) => !s.includes(`/${typed}_`), { message: 'the search cancelled' });
          tty.write('/');
          await tty.waitFor((s) => s.includes('/_'), { message: 'the search prompt' });
          typed = '';
        }
        const ch = letters[i % letters.length]!;
        const want = `/${typed}${ch}_`;
        const t0 = performance.now();
        tty.write(ch);
        try {
          await tty.waitFor((s) => s.includes(want), { timeoutMs: 2000, message: 'the key echoed' });
          latencies.push(performance.now() - t0);
        } catch {
          timeouts++;
        }
        typed += ch;
        if (i === Math.floor(presses / 2)) mid = rss(tty.pid);
        const wait = t0 + intervalMs - performance.now();
        if (wait > 0) await sleep(wait);
      }
      tty.press('escape');
      log('bench: run-stream: waiting for the run to end...');
      await tty.waitFor((s) => /terraform plan in \S+\s+done/.test(s), { timeoutMs: (seconds + 60) * 1000, message: 'the run done' });
      await tty.settled();
      const after = rss(tty.pid);
      const screen = tty.text();
      const kept = Number(/log (\d+) lines/.exec(screen)?.[1] ?? Number.NaN);
      const dropped = Number(/\((\d+) earlier dropped/.exec(screen)?.[1] ?? 0);
      const sorted = [...latencies].sort((a, b) => a - b);
      const figures: RunStreamFigures = {
        linesPerSecond: rate,
        seconds,
        linesPrinted: rate * seconds + 22,
        linesKept: kept,
        linesDropped: dropped,
        keyLatency: {
          medianMs: round(sorted[Math.floor(sorted.length / 2)] ?? Number.NaN),
          p95Ms: round(percentile(latencies, 95)),
          maxMs: round(sorted.at(-1) ?? Number.NaN),
          presses,
          timeouts,
          goalP95Ms: 35,
        },
        rssMb: { beforeRun: before.rss, midRun: mid.rss, afterRun: after.rss, peak: after.peak },
      };
      log(`bench: run-stream: key p95 ${figures.keyLatency.p95Ms} ms (median ${figures.keyLatency.medianMs}), resident ${before.rss} -> ${mid.rss} -> ${after.rss} MB (peak ${after.peak})`);
      return figures;
    } finally {
      await tty.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (/run-stream\.bench\.ts$/.test(process.argv[1] ?? '')) {
  const nodeArgs = process.env.RUN_STREAM_NODE_ARGS?.split(' ').filter(Boolean);
  const seconds = process.env.RUN_STREAM_SECONDS ? Number(process.env.RUN_STREAM_SECONDS) : undefined;
  process.stdout.write(`${JSON.stringify(await runStreamBenchmark({ ...(nodeArgs ? { nodeArgs } : {}), ...(seconds ? { seconds } : {}) }), null, 2)}\n`);
}
