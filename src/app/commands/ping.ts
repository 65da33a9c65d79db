// `proxmox-mpc ping`: can we reach the cluster, as whom, how fast, and is every node up?
import { toJson } from '../output/serialize.js';
import { performance } from 'node:perf_hooks';
import { isProxmoxError } from '../../proxmox/errors.js';
import type { ProxmoxClient } from '../../proxmox/client.js';
import type { ClusterStatusEntry, NodeSummary } from '../../proxmox/types.js';
import type { GlobalOptions } from '../cli.js';
import { createClient, loadConnectionSettings, principalOf } from '../connect.js';
import { safeText } from '../../util/terminalText.js';
import { ExitCode } from '../userError.js';

export interface PingReport {
  endpoint: string;
  principal: string;
  authMode: 'token' | 'ticket';
  version: string;
  release: string;
  cluster?: { name: string; quorate: boolean; nodes: number };
  /** Round-trip of GET /version once connected and authenticated: best of a few. */
  latencyMs: number;
  /** The first request, including TLS handshake and (ticket mode) login. */
  connectMs: number;
  nodes: Array<{ node: string; status: string; cpu?: number; mem?: number; maxmem?: number; uptime?: number }>;
  healthy: boolean;
  problems: string[];
}

const LATENCY_SAMPLES = 3;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

export async function collectPingReport(client: ProxmoxClient, endpoint: string, principal: string, authMode: 'token' | 'ticket'): Promise<PingReport> {
  const [version, connectMs] = await timed(() => client.version());
  let latencyMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < LATENCY_SAMPLES; i++) latencyMs = Math.min(latencyMs, (await timed(() => client.version()))[1]);

  const nodes: NodeSummary[] = await client.nodes();
  let status: ClusterStatusEntry[] = [];
  try {
    status = await client.clusterStatus();
  } catch (error) {
    // Cluster status needs Sys.Audit on /; a user without it still gets a useful ping.
    if (!isProxmoxError(error, 'permission')) throw error;
  }
  const clusterEntry = status.find((e) => e.type === 'cluster');
  const problems: string[] = [];
  const report: PingReport = {
    endpoint,
    principal,
    authMode,
    version: version.version,
    release: version.release,
    latencyMs: round(latencyMs),
    connectMs: round(connectMs),
    nodes: nodes
      .map((n) => ({ node: n.node, status: n.status, cpu: n.cpu, mem: n.mem, maxmem: n.maxmem, uptime: n.uptime }))
      .sort((a, b) => a.node.localeCompare(b.node)),
    healthy: true,
    problems,
  };
  if (clusterEntry) {
    report.cluster = { name: clusterEntry.name, quorate: clusterEntry.quorate !== false, nodes: clusterEntry.nodes ?? nodes.length };
    if (!report.cluster.quorate) problems.push(`cluster ${clusterEntry.name} is not quorate`);
  }
  for (const n of report.nodes) if (n.status !== 'online') problems.push(`node ${n.node} is ${n.status}`);
  report.healthy = problems.length === 0;
  return report;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function gib(bytes: number): string {
  return (bytes / 1024 ** 3).toFixed(1);
}

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m`;
}

export function formatPingReport(r: PingReport): string {
  const lines = [
    `Connected to ${r.endpoint} as ${safeText(r.principal)} (${r.authMode})`,
    `  Proxmox VE  ${safeText(r.version)} (release ${safeText(r.release)})`,
  ];
  if (r.cluster) {
    lines.push(`  Cluster     ${safeText(r.cluster.name)}, ${r.cluster.quorate ? 'quorate' : 'NOT quorate'}, ${r.cluster.nodes} nodes`);
  } else {
    lines.push('  Cluster     standalone node (or no Sys.Audit on /)');
  }
  lines.push(`  Latency     ${r.latencyMs} ms round trip (GET /version, best of ${LATENCY_SAMPLES}); first request ${r.connectMs} ms`);
  lines.push('  Nodes');
  const width = Math.max(...r.nodes.map((n) => safeText(n.node).length), 4);
  for (const n of r.nodes) {
    const parts = [`    ${safeText(n.node).padEnd(width)}  ${safeText(n.status).padEnd(7)}`];
    if (n.status === 'online') {
      if (n.cpu !== undefined) parts.push(`cpu ${(n.cpu * 100).toFixed(0).padStart(3)}%`);
      if (n.mem !== undefined && n.maxmem) parts.push(`mem ${gib(n.mem)}/${gib(n.maxmem)} GiB`);
      if (n.uptime !== undefined) parts.push(`up ${duration(n.uptime)}`);
    }
    lines.push(parts.join('  '));
  }
  lines.push(r.healthy ? 'Healthy.' : `Degraded: ${r.problems.map(safeText).join('; ')}.`);
  return `${lines.join('\n')}\n`;
}

export async function runPing(opts: GlobalOptions): Promise<void> {
  const settings = loadConnectionSettings(opts);
  const client = createClient(settings);
  try {
    const report = await collectPingReport(client, settings.endpoint, principalOf(settings.auth), settings.auth.kind === 'token' ? 'token' : 'ticket');
    process.stdout.write(opts.output === 'json' ? toJson(report) : formatPingReport(report));
    process.exitCode = report.healthy ? ExitCode.ok : ExitCode.failure;
  } finally {
    client.close();
  }
}
