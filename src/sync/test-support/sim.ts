// Test support: a simulator with a client for it, and waiting on predicates (never sleeps).
import { ProxmoxClient } from '../../proxmox/client.js';
import { startSimulator, type SimulatorOptions } from '../../simulator/index.js';
import type { WorkerConnection } from '../protocol.js';

export type TestSimulator = Awaited<ReturnType<typeof startSimulator>>;

export async function startTestSimulator(options: SimulatorOptions = {}): Promise<{ sim: TestSimulator; client: ProxmoxClient; connection: WorkerConnection }> {
  const sim = await startSimulator({ timeScale: 0.01, ...options });
  const connection: WorkerConnection = {
    endpoint: sim.url,
    auth: { tokenId: sim.root.tokenId, tokenSecret: sim.root.tokenSecret },
    fingerprint: sim.fingerprint,
  };
  const client = new ProxmoxClient({ endpoint: connection.endpoint, auth: connection.auth, fingerprint: sim.fingerprint, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  return { sim, client, connection };
}

/** Resolves once `predicate` holds (checked every few ms); rejects after `timeoutMs`. */
export async function waitFor<T>(predicate: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
