// `proxmox-mpc demo`: the built-in homelab cluster, in-process, and a first look at it.
// (The full-screen console takes over here once it exists; until then: ping.)
import type { GlobalOptions } from '../cli.js';
import { createClient } from '../connect.js';
import { collectPingReport, formatPingReport } from './ping.js';

export interface DemoOptions extends GlobalOptions {
  timeScale: number;
}

export async function runDemo(opts: DemoOptions): Promise<void> {
  const { startSimulator } = await import('../../simulator/index.js');
  process.stderr.write('Starting the built-in demo cluster (simulated Proxmox VE on 127.0.0.1)...\n');
  const sim = await startSimulator({ scenario: 'homelab', timeScale: opts.timeScale });
  const client = createClient({
    profile: 'demo',
    endpoint: sim.url,
    auth: { kind: 'token', tokenId: sim.root.tokenId, secret: sim.root.tokenSecret },
    insecure: false,
    fingerprint: sim.fingerprint,
  });
  try {
    const report = await collectPingReport(client, sim.url, sim.root.tokenId, 'token');
    process.stdout.write(opts.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatPingReport(report));
    process.stderr.write('Run `proxmox-mpc simulator` to keep a simulated cluster running for other commands.\n');
  } finally {
    client.close();
    await sim.close();
  }
}
