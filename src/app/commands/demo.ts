// `proxmox-mpc demo`: the built-in homelab cluster (the simulator, in-process) and the console
// on it. Without a terminal (and without --plain): a first look at the cluster (ping) and how
// to go on.
import type { GlobalOptions } from '../cli.js';
import { createClient } from '../connect.js';
import { cachePathFor } from '../../db/paths.js';
import type { ConnectionSettings } from '../../workspace/connection.js';
import { isInteractive, runConsoleCommand, type ConsoleOptions } from './console.js';
import { collectPingReport, formatPingReport } from './ping.js';

export interface DemoOptions extends GlobalOptions, ConsoleOptions {
  timeScale: number;
}

/** The demo's cache is kept under this profile name, so its first frame comes from the cache
 * too (and `proxmox-mpc get vms --profile demo --offline` reads it afterwards). */
export const DEMO_PROFILE = 'demo';

export async function runDemo(opts: DemoOptions): Promise<void> {
  const { startSimulator } = await import('../../simulator/index.js');
  const consoleWanted = opts.plain === true || (isInteractive() && opts.output === 'text');
  if (!consoleWanted) process.stderr.write('Starting the built-in demo cluster (simulated Proxmox VE on 127.0.0.1)...\n');
  const sim = await startSimulator({ scenario: 'homelab', timeScale: opts.timeScale });
  const connection: ConnectionSettings = {
    profile: DEMO_PROFILE,
    endpoint: sim.url,
    auth: { kind: 'token', tokenId: sim.root.tokenId, secret: sim.root.tokenSecret },
    insecure: false,
    fingerprint: sim.fingerprint,
  };
  try {
    if (consoleWanted) {
      await runConsoleCommand(opts, { profile: DEMO_PROFILE, connection, cachePath: cachePathFor(DEMO_PROFILE), fresh: true });
      return;
    }
    const client = createClient(connection);
    try {
      const report = await collectPingReport(client, sim.url, sim.root.tokenId, 'token');
      process.stdout.write(opts.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatPingReport(report));
      process.stderr.write('In a terminal, `proxmox-mpc demo` opens the console on this cluster (`proxmox-mpc demo --plain`: the line-based console).\n');
    } finally {
      client.close();
    }
  } finally {
    await sim.close();
  }
}
