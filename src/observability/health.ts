// `health`'s checks: each independent, run in parallel, each with its own time limit, so that a
// cluster that is down (or a tool that hangs) costs a red line, never a hang. A check reports
// one or more lines: ok (green), warn (yellow: works, but look at it) or fail (red).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { TICKET_LIFETIME_MS } from '../proxmox/auth.js';
import { ProxmoxClient } from '../proxmox/client.js';
import { normalizeEndpoint } from '../proxmox/endpoint.js';
import { isProxmoxError } from '../proxmox/errors.js';
import { fingerprintsEqual, normalizeFingerprint } from '../proxmox/tls.js';
import type { ConnectionSettings } from '../workspace/connection.js';
import { toCredentials } from '../app/credentials.js';
import { resolveMigrationsFolder } from '../db/migrationsFolder.js';

export type HealthStatus = 'ok' | 'warn' | 'fail';

export interface HealthLine {
  check: 'api' | 'auth' | 'tls' | 'cache' | 'sync' | 'tool' | 'workspace' | 'config';
  /** What the line is about: a node, a tool, a file. */
  subject?: string;
  status: HealthStatus;
  message: string;
  /** Latency or time taken, where it means something. */
  ms?: number;
}

export interface HealthReport {
  status: HealthStatus;
  lines: HealthLine[];
}

export interface ToolSpec {
  name: string;
  args: string[];
}

export const TOOLS: ToolSpec[] = [
  { name: 'terraform', args: ['-version'] },
  { name: 'ansible-playbook', args: ['--version'] },
  { name: 'ansible-lint', args: ['--version'] },
];

export const TOOL_TIMEOUT_MS = 10_000;

export const SYNC_WARN_AFTER_MS = 10 * 60_000;
export const SYNC_FAIL_AFTER_MS = 24 * 3_600_000;

export interface HealthOptions {
  /** The connection, or why there is none (then the API lines are one red line saying so). */
  settings?: ConnectionSettings;
  settingsError?: string;
  /** The profile's cache file (none when no profile could be resolved). */
  cachePath?: string;
  profile?: string;
  /** Each check's time limit (default 5000 ms). */
  timeoutMs?: number;
  tools?: ToolSpec[];
  env?: NodeJS.ProcessEnv;
  /** The workspace root around the current directory, if any. */
  workspaceRoot?: string;
  now?: () => number;
}

export function overallStatus(lines: readonly HealthLine[]): HealthStatus {
  return lines.some((l) => l.status === 'fail') ? 'fail' : lines.some((l) => l.status === 'warn') ? 'warn' : 'ok';
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `fn`'s lines, or `onTimeout`'s when it takes longer than `ms`; then `fn`'s signal aborts, so
 * that the check stops (its requests cancelled, its sockets closed) instead of running on and
 * keeping the process alive. */
export async function limited(ms: number, fn: (signal: AbortSignal) => Promise<HealthLine[]>, onTimeout: () => HealthLine[]): Promise<HealthLine[]> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthLine[]>((resolve) => {
    timer = setTimeout(() => {
      resolve(onTimeout()); // first: the check may fail at once when told to stop
      controller.abort();
    }, ms);
  });
  try {
    return await Promise.race([fn(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- the API, authentication and nodes -----------------------------------------------------

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, round(performance.now() - start)];
}

export async function checkApi(settings: ConnectionSettings, timeoutMs: number, now: () => number, signal?: AbortSignal): Promise<HealthLine[]> {
  const client = new ProxmoxClient({
    endpoint: settings.endpoint,
    auth: toCredentials(settings.auth),
    insecure: settings.insecure,
    ...(settings.fingerprint ? { fingerprint: settings.fingerprint } : {}),
    timeouts: { connectMs: timeoutMs, responseMs: timeoutMs },
    retry: { limit: 0 },
  });
  const call = signal ? { signal } : {};
  // Given up on: every request cancelled, every connection closed at once.
  const stop = (): void => client.close();
  signal?.addEventListener('abort', stop, { once: true });
  const lines: HealthLine[] = [];
  try {
    let version: Awaited<ReturnType<ProxmoxClient['version']>>;
    let ms: number;
    try {
      if (client.authMode === 'ticket') await client.login(call);
      [version, ms] = await timed(() => client.version(call));
    } catch (error) {
      if (isProxmoxError(error, 'auth') || isProxmoxError(error, 'permission')) {
        lines.push({ check: 'api', subject: settings.endpoint, status: 'ok', message: 'reachable' });
        lines.push({ check: 'auth', subject: client.principal, status: 'fail', message: `rejected: ${errorText(error)}` });
      } else {
        lines.push({ check: 'api', subject: settings.endpoint, status: 'fail', message: `unreachable: ${errorText(error)}` });
      }
      return lines;
    }
    lines.push({ check: 'api', subject: settings.endpoint, status: 'ok', message: `Proxmox VE ${version.version}, ${ms} ms`, ms });
    if (client.authMode === 'ticket') {
      const expires = new Date(now() + TICKET_LIFETIME_MS);
      lines.push({ check: 'auth', subject: client.principal, status: 'ok', message: `password login valid; ticket expires ${expires.toISOString().slice(11, 16)} UTC (2 h, renewed automatically)` });
    } else {
      lines.push({ check: 'auth', subject: client.principal, status: 'ok', message: 'API token valid' });
    }
    let nodes: Awaited<ReturnType<ProxmoxClient['nodes']>>;
    try {
      nodes = await client.nodes(call);
    } catch (error) {
      lines.push({ check: 'api', subject: 'nodes', status: 'fail', message: `the node list failed: ${errorText(error)}` });
      return lines;
    }
    const perNode = await Promise.all(
      [...nodes]
        .sort((a, b) => a.node.localeCompare(b.node))
        .map(async (n): Promise<HealthLine> => {
          if (n.status !== 'online') return { check: 'api', subject: `node ${n.node}`, status: 'fail', message: `${n.status} (the cluster cannot reach it)` };
          try {
            const [, nodeMs] = await timed(() => client.get(`/nodes/${encodeURIComponent(n.node)}/version`, undefined, call));
            return { check: 'api', subject: `node ${n.node}`, status: 'ok', message: `online, ${nodeMs} ms`, ms: nodeMs };
          } catch (error) {
            return { check: 'api', subject: `node ${n.node}`, status: 'fail', message: `unreachable: ${errorText(error)}` };
          }
        }),
    );
    lines.push(...perNode);
    return lines;
  } finally {
    signal?.removeEventListener('abort', stop);
    client.close();
  }
}

// ---- the certificate -----------------------------------------------------------------------

/** The SHA-256 fingerprint of the certificate the server presents (not verified: it is looked at). */
export function presentedFingerprint(endpoint: string, timeoutMs: number, signal?: AbortSignal): Promise<string> {
  const url = normalizeEndpoint(endpoint);
  const port = Number(url.port || 443);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false, ...(/^[\d.:]+$/.test(host) ? {} : { servername: host }) });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)));
    const abort = (): void => {
      socket.destroy(new Error('given up'));
    };
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    socket.once('close', () => signal?.removeEventListener('abort', abort));
    socket.once('secureConnect', () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      socket.end();
      if (fp) resolve(fp);
      else reject(new Error('the server presented no certificate'));
    });
    socket.once('error', reject);
  });
}

export async function checkCertificate(settings: ConnectionSettings, timeoutMs: number, signal?: AbortSignal): Promise<HealthLine[]> {
  const url = normalizeEndpoint(settings.endpoint);
  if (url.protocol === 'http:') return [{ check: 'tls', status: 'warn', message: 'plain http://: nothing is encrypted or verified' }];
  let presented: string;
  try {
    presented = await presentedFingerprint(settings.endpoint, timeoutMs, signal);
  } catch (error) {
    return [{ check: 'tls', status: 'fail', message: `no certificate read: ${errorText(error)}` }];
  }
  if (settings.fingerprint !== undefined) {
    if (fingerprintsEqual(settings.fingerprint, presented)) return [{ check: 'tls', status: 'ok', message: 'the certificate matches the pinned fingerprint' }];
    return [
      {
        check: 'tls',
        status: 'fail',
        message: `MISMATCH: the server presents ${presented}, the pin is ${normalizeFingerprint(settings.fingerprint)}; if the certificate was renewed on purpose, pin the new one with --fingerprint`,
      },
    ];
  }
  const how = settings.insecure ? 'not verified (--insecure)' : 'not pinned (checked against the system CAs)';
  return [{ check: 'tls', status: 'warn', message: `${how}: pin it with --fingerprint ${presented}` }];
}

// ---- the cache and the last sync -----------------------------------------------------------

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.max(1, Math.round(bytes / 1024))} KiB`;
}

function age(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

export function syncLine(lastSyncAt: number | undefined, now: number, lastError?: string): HealthLine {
  if (lastSyncAt === undefined) return { check: 'sync', status: 'fail', message: `never synced${lastError ? ` (the last attempt failed: ${lastError})` : ''}: run proxmox-mpc sync` };
  const ago = now - lastSyncAt;
  const when = `last sync ${age(Math.max(0, ago))} ago (${new Date(lastSyncAt).toISOString().replace(/\.\d+Z$/, 'Z')})`;
  const failed = lastError ? `; the last attempt failed: ${lastError}` : '';
  if (ago > SYNC_FAIL_AFTER_MS) return { check: 'sync', status: 'fail', message: `${when}${failed}: run proxmox-mpc sync` };
  if (ago > SYNC_WARN_AFTER_MS) return { check: 'sync', status: 'warn', message: `${when}${failed}` };
  return { check: 'sync', status: lastError ? 'warn' : 'ok', message: `${when}${failed}` };
}

/** The problems integrity_check finds, computed in this thread. */
function integrityInThread(db: Database.Database): string[] {
  const result = db.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>;
  return result.map((r) => r.integrity_check).filter((r) => r !== 'ok');
}

/**
 * checkCache with the integrity check (which reads every page) in a worker thread, so that the
 * thread calling it (the console's) stays free for keys and redraws; the rest (a few small
 * queries) runs here. Falls back to checkCache when no worker can run.
 */
export async function checkCacheOffThread(cachePath: string, profile: string, now: number, migrationsFolder?: string): Promise<HealthLine[]> {
  if (!existsSync(cachePath)) return checkCache(cachePath, profile, now, migrationsFolder);
  const { integrityCheckOffThread, IntegrityWorkerUnavailable } = await import('./integrityCheck.js');
  let integrity: (db: Database.Database) => string[];
  try {
    const problems = await integrityCheckOffThread(cachePath);
    integrity = () => problems;
  } catch (error) {
    if (error instanceof IntegrityWorkerUnavailable) return checkCache(cachePath, profile, now, migrationsFolder);
    integrity = () => {
      throw error; // SQLite could not read it: the same red line as in-thread
    };
  }
  return checkCache(cachePath, profile, now, migrationsFolder, integrity);
}

export function checkCache(
  cachePath: string,
  profile: string,
  now: number,
  migrationsFolder: string = resolveMigrationsFolder(),
  integrity: (db: Database.Database) => string[] = integrityInThread,
): HealthLine[] {
  if (!existsSync(cachePath)) {
    return [
      { check: 'cache', subject: cachePath, status: 'warn', message: 'no cache yet: run proxmox-mpc sync' },
      syncLine(undefined, now),
    ];
  }
  const size = fileSize(cachePath) + fileSize(`${cachePath}-wal`);
  let db: Database.Database | undefined;
  try {
    db = new Database(cachePath, { readonly: true, fileMustExist: true });
    const problems = integrity(db);
    if (problems.length > 0) {
      return [
        { check: 'cache', subject: cachePath, status: 'fail', message: `damaged (${problems[0]}${problems.length > 1 ? `, and ${problems.length - 1} more` : ''}): run proxmox-mpc sync --reset-cache` },
        { check: 'sync', status: 'fail', message: 'unknown: the cache is damaged' },
      ];
    }
    const known = readMigrationFiles({ migrationsFolder }).length;
    let applied = 0;
    try {
      applied = Number(db.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get());
    } catch {
      applied = 0;
    }
    const schema =
      applied === known
        ? { status: 'ok' as const, text: `schema ${applied} (current)` }
        : applied < known
          ? { status: 'warn' as const, text: `schema ${applied} of ${known}: the next sync upgrades it` }
          : { status: 'fail' as const, text: `schema ${applied}, newer than this version knows (${known}): upgrade proxmox-mpc` };
    const lines: HealthLine[] = [{ check: 'cache', subject: cachePath, status: schema.status, message: `integrity ok, ${mib(size)}, ${schema.text}` }];
    let lastSyncAt: number | undefined;
    let lastError: string | undefined;
    try {
      const row = db.prepare('SELECT id, verified_at AS verifiedAt FROM profiles WHERE name = ?').get(profile) as { id: number; verifiedAt: number | null } | undefined;
      if (row !== undefined) {
        const lastOk = db.prepare("SELECT max(coalesce(finished_at, started_at)) FROM sync_runs WHERE profile_id = ? AND outcome = 'ok'").pluck().get(row.id) as number | null;
        const at = Math.max(lastOk ?? 0, row.verifiedAt ?? 0);
        if (at > 0) lastSyncAt = at;
        const newest = db.prepare('SELECT outcome, error, coalesce(finished_at, started_at) AS at FROM sync_runs WHERE profile_id = ? ORDER BY id DESC LIMIT 1').get(row.id) as
          | { outcome: string | null; error: string | null; at: number }
          | undefined;
        if (newest !== undefined && newest.outcome !== 'ok' && newest.error !== null && newest.at >= (lastSyncAt ?? 0)) lastError = newest.error;
      }
    } catch (error) {
      lines.push({ check: 'sync', status: 'fail', message: `unknown: ${errorText(error)}` });
      return lines;
    }
    lines.push(syncLine(lastSyncAt, now, lastError));
    return lines;
  } catch (error) {
    return [
      { check: 'cache', subject: cachePath, status: 'fail', message: `unreadable (${errorText(error)}): run proxmox-mpc sync --reset-cache` },
      { check: 'sync', status: 'fail', message: 'unknown: the cache cannot be read' },
    ];
  } finally {
    db?.close();
  }
}

// ---- tools and the workspace ---------------------------------------------------------------

function firstLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return (text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').split('\n').find((l) => l.trim() !== '') ?? '').trim();
}

export function checkTool(tool: ToolSpec, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<HealthLine> {
  return new Promise((resolve) => {
    const quiet = { ...env, NO_COLOR: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', TF_CLI_ARGS: '' };
    execFile(tool.name, tool.args, { timeout: timeoutMs, env: quiet, windowsHide: true }, (error, stdout, stderr) => {
      const failure = error as (NodeJS.ErrnoException & { killed?: boolean }) | null;
      if (failure?.code === 'ENOENT') {
        resolve({ check: 'tool', subject: tool.name, status: 'warn', message: 'not found on PATH' });
        return;
      }
      if (failure?.killed) {
        resolve({ check: 'tool', subject: tool.name, status: 'warn', message: `found, but \`${tool.name} ${tool.args.join(' ')}\` gave no answer within ${timeoutMs / 1000} s` });
        return;
      }
      const first = firstLine(`${stdout}`) || firstLine(`${stderr}`);
      if (failure) {
        resolve({ check: 'tool', subject: tool.name, status: 'warn', message: `found, but \`${tool.name} ${tool.args.join(' ')}\` failed${first ? `: ${first}` : ''}` });
        return;
      }
      resolve({ check: 'tool', subject: tool.name, status: 'ok', message: first || 'found' });
    });
  });
}

export function checkWorkspace(root: string): HealthLine {
  const dir = join(root, '.proxmox-mpc');
  try {
    const probe = mkdtempSync(join(dir, '.health-'));
    rmSync(probe, { recursive: true, force: true });
    return { check: 'workspace', subject: root, status: 'ok', message: 'writable' };
  } catch (error) {
    return { check: 'workspace', subject: root, status: 'fail', message: `not writable (${(error as NodeJS.ErrnoException).code ?? errorText(error)}): generate and run cannot write there` };
  }
}

// ---- all of them -----------------------------------------------------------------------------

export async function runHealthChecks(options: HealthOptions): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const now = options.now ?? Date.now;
  const env = options.env ?? process.env;
  const seconds = `${(timeoutMs / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  const groups: Array<Promise<HealthLine[]>> = [];
  const settings = options.settings;
  if (settings) {
    groups.push(limited(timeoutMs + 500, (signal) => checkApi(settings, timeoutMs, now, signal), () => [{ check: 'api', subject: settings.endpoint, status: 'fail', message: `no answer within ${seconds}` }]));
    groups.push(limited(timeoutMs + 500, (signal) => checkCertificate(settings, timeoutMs, signal), () => [{ check: 'tls', status: 'fail', message: `no TLS handshake within ${seconds}` }]));
  } else {
    groups.push(Promise.resolve([{ check: 'config', status: 'fail', message: options.settingsError ?? 'no connection settings' }]));
  }
  // Python tools take seconds to start on a busy machine: at least TOOL_TIMEOUT_MS for them.
  const toolMs = Math.max(timeoutMs, TOOL_TIMEOUT_MS);
  for (const tool of options.tools ?? TOOLS) groups.push(checkTool(tool, toolMs, env).then((line) => [line]));
  // The cache's integrity check reads the whole file: in a worker thread, while the network
  // checks wait and (in the console) keys are handled.
  const cache =
    options.cachePath !== undefined && options.profile !== undefined
      ? checkCacheOffThread(options.cachePath, options.profile, now())
      : Promise.resolve<HealthLine[]>([{ check: 'cache', status: 'warn', message: 'no profile: no cache to check' }]);
  const local: HealthLine[] = [];
  if (options.workspaceRoot !== undefined) local.push(checkWorkspace(options.workspaceRoot));
  local.unshift(...(await cache));
  const all = (await Promise.all(groups)).flat();
  const lines = [...all.filter((l) => l.check === 'config' || l.check === 'api' || l.check === 'auth' || l.check === 'tls'), ...local, ...all.filter((l) => l.check === 'tool')];
  return { status: overallStatus(lines), lines };
}
