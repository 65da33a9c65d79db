// `proxmox-mpc simulator`: serve a simulated PVE cluster until interrupted.
import type { SimFaults } from '../../simulator/types.js';
import type { GlobalOptions } from '../cli.js';
import { UserError } from '../userError.js';

export interface SimulatorCommandOptions extends GlobalOptions {
  port: number;
  scenario: 'homelab' | 'generated';
  guests?: number;
  seed?: number;
  timeScale: number;
  latency?: number;
  errorRate?: number;
  resetRate?: number;
  malformedRate?: number;
  offline?: string;
  ticketLifetime?: number;
  password?: string;
  tokenSecret?: string;
}

export function faultsFromOptions(opts: SimulatorCommandOptions): Partial<SimFaults> {
  const faults: Partial<SimFaults> = {};
  if (opts.latency !== undefined) faults.latencyMs = opts.latency;
  if (opts.errorRate !== undefined) faults.errorRate = opts.errorRate;
  if (opts.resetRate !== undefined) faults.resetRate = opts.resetRate;
  if (opts.malformedRate !== undefined) faults.malformedRate = opts.malformedRate;
  if (opts.offline) faults.offlineNodes = opts.offline.split(',').map((n) => n.trim()).filter(Boolean);
  if (opts.ticketLifetime !== undefined) faults.ticketLifetimeSec = opts.ticketLifetime;
  return faults;
}

export async function runSimulator(opts: SimulatorCommandOptions): Promise<void> {
  if (opts.guests !== undefined && opts.scenario !== 'generated') {
    throw new UserError('--guests sets the size of the generated scenario: add --scenario generated');
  }
  const { startSimulator } = await import('../../simulator/index.js');
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator({
      port: opts.port,
      scenario: opts.scenario,
      ...(opts.guests !== undefined ? { guests: opts.guests } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      timeScale: opts.timeScale,
      faults: faultsFromOptions(opts),
      ...(opts.password !== undefined ? { rootPassword: opts.password } : {}),
      ...(opts.tokenSecret !== undefined ? { tokenSecret: opts.tokenSecret } : {}),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${opts.port} on 127.0.0.1 is in use: pick another with --port (0 picks a free one)`);
    if (code === 'EACCES') throw new UserError(`not allowed to listen on port ${opts.port}: use a port above 1024`);
    throw error;
  }

  const token = `${sim.root.tokenId}=${sim.root.tokenSecret}`;
  const s = sim.summary;
  const info = {
    url: sim.url,
    apiToken: token,
    username: sim.root.username,
    password: sim.root.password,
    fingerprint: sim.fingerprint,
    cluster: s.clusterName,
    nodes: s.nodes,
    guests: { qemu: s.qemu, lxc: s.lxc },
  };
  if (opts.output === 'json') {
    process.stdout.write(`${JSON.stringify(info)}\n`);
  } else {
    process.stdout.write(
      [
        `Proxmox VE simulator: cluster '${s.clusterName}', ${s.nodes.length} nodes (${s.nodes.join(', ')}), ${s.qemu} VMs, ${s.lxc} containers`,
        `  URL          ${sim.url}`,
        `  API token    ${token}`,
        `  Login        ${sim.root.username} / ${sim.root.password}`,
        `  Fingerprint  ${sim.fingerprint}`,
        '',
        'Connect with:',
        `  export PROXMOX_VE_ENDPOINT=${sim.url} PROXMOX_VE_API_TOKEN='${token}' PMC_FINGERPRINT=${sim.fingerprint}`,
        '  proxmox-mpc ping',
        '',
        `Faults: curl -k -X PUT -H 'Authorization: PVEAPIToken=${token}' -d '{"latencyMs":500}' ${sim.url}/_simulator/faults`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  }

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void sim.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
