// --refresh: one sync in the foreground before a read command reads the cache. The same
// one-shot sync as `proxmox-mpc sync` (runSyncOnce: progress, warnings and the one-line
// summary, all on stderr so that stdout keeps only the data).
import type { ConnectionSettings } from '../../workspace/connection.js';

export async function refreshCache(settings: ConnectionSettings, cachePath: string, stderr: NodeJS.WritableStream): Promise<void> {
  const { runSyncOnce } = await import('../commands/sync.js');
  await runSyncOnce(settings, cachePath, { stderr });
}
