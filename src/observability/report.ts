// `report-issue`'s bundle: one JSON document a user can attach to an issue. Versions, the health
// checks, the recent log lines, the recent operations, an inventory summary (counts, never
// configs), the workspace and user config files. Everything goes through the redactor; by
// default the whole document then goes through the anonymiser, its mapping saved apart (0600).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join } from 'node:path';
import { redact, redactValue, registerSecret } from '../util/redact.js';
import type { ConnectionSettings } from '../workspace/connection.js';
import { loadConfigFile } from '../workspace/configFile.js';
import { stringify } from 'yaml';
import type { HealthReport } from './health.js';
import { type LogRecord, readLogs } from './logReader.js';

export const REPORT_FORMAT = 'proxmox-mpc-report';
/** The log lines of the last day, at most this many (the newest). */
export const REPORT_LOG_LINES = 500;
export const REPORT_LOG_WINDOW_MS = 24 * 3_600_000;
/** The newest operations. */
export const REPORT_OPERATIONS = 50;

export interface InventorySummary {
  profile: string;
  clusterName: string | null;
  lastSyncAt: string | null;
  nodes: Array<{ node: string; status: string; guests: Record<string, number> }>;
  guests: { total: number; byType: Record<string, number>; byStatus: Record<string, number>; templates: number };
  storage: number;
  pools: number;
}

export interface ReportInputs {
  version: string;
  now: Date;
  settings?: ConnectionSettings;
  settingsError?: string;
  health?: HealthReport;
  logPath: string;
  /** The cache's view (none when there is no cache for the profile). */
  cache?: {
    pveVersion?: string;
    inventory: InventorySummary;
    operations: unknown[];
    nodeNames: string[];
    guestNames: string[];
  };
  cacheError?: string;
  workspaceRoot?: string;
  workspaceConfigPath?: string;
  userConfigPath?: string;
}

export interface ReportSection {
  name: string;
  /** `12 lines`, `missing: no cache`: for the printed summary. */
  summary: string;
}

export interface BuiltReport {
  /** The redacted (not yet anonymised) document. */
  document: Record<string, unknown>;
  sections: ReportSection[];
}

function readText(path: string | undefined): string | null {
  if (path === undefined || !existsSync(path)) return null;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function count<K extends string>(into: Record<K, number>, key: K): void {
  into[key] = (into[key] ?? 0) + 1;
}

/** Counts per node, type and status from the cache's rows: no names of guests, no configs. */
export function summarizeInventory(
  profile: string,
  rows: {
    clusterName?: string;
    lastSyncAt?: number;
    nodes: Array<{ node: string; status: string }>;
    guests: Array<{ node: string; type: string; status: string; template: boolean }>;
    storage: number;
    pools: number;
  },
): InventorySummary {
  const perNode = new Map<string, Record<string, number>>();
  for (const n of rows.nodes) perNode.set(n.node, {});
  const byType: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  let templates = 0;
  for (const g of rows.guests) {
    count(byType, g.type);
    count(byStatus, g.status);
    if (g.template) templates++;
    const node = perNode.get(g.node) ?? {};
    count(node, `${g.type}/${g.status}`);
    perNode.set(g.node, node);
  }
  const status = new Map(rows.nodes.map((n) => [n.node, n.status]));
  return {
    profile,
    clusterName: rows.clusterName ?? null,
    lastSyncAt: rows.lastSyncAt !== undefined ? new Date(rows.lastSyncAt).toISOString() : null,
    nodes: [...perNode.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([node, guests]) => ({ node, status: status.get(node) ?? 'unknown', guests })),
    guests: { total: rows.guests.length, byType, byStatus, templates },
    storage: rows.storage,
    pools: rows.pools,
  };
}

function logRecordJson(r: LogRecord): unknown {
  try {
    return JSON.parse(r.raw) as unknown;
  } catch {
    return r.raw;
  }
}

/** The bundle, redacted. The connection's secret (if any) is registered with the redactor first,
 * so that it can only ever appear as `***token-secret***` / `***password***`. */
export function buildReport(inputs: ReportInputs): BuiltReport {
  const s = inputs.settings;
  if (s?.auth.kind === 'token') registerSecret('token-secret', s.auth.secret);
  if (s?.auth.kind === 'password') registerSecret('password', s.auth.password);
  const sections: ReportSection[] = [];

  const versions = {
    proxmoxMpc: inputs.version,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    pve: inputs.cache?.pveVersion ?? null,
  };
  sections.push({ name: 'versions', summary: `proxmox-mpc ${versions.proxmoxMpc}, node ${versions.node}, ${versions.os}, PVE ${versions.pve ?? 'unknown (no cache)'}` });

  const connection = s
    ? {
        profile: s.profile,
        endpoint: s.endpoint,
        insecure: s.insecure,
        fingerprintPinned: s.fingerprint !== undefined,
        auth: s.auth.kind === 'token' ? { kind: 'token', tokenId: s.auth.tokenId, secret: s.auth.secret } : { kind: 'password', username: s.auth.username, password: s.auth.password },
      }
    : { error: inputs.settingsError ?? 'no connection settings' };
  sections.push({ name: 'connection', summary: s ? `profile ${s.profile}, ${s.auth.kind} auth (secret redacted)` : 'none' });

  const health = inputs.health ?? null;
  sections.push({ name: 'health', summary: health ? `${health.status}, ${health.lines.length} checks` : 'not run' });
  const tools = (health?.lines ?? []).filter((l) => l.check === 'tool').map((l) => ({ tool: l.subject ?? '', status: l.status, version: l.message }));
  sections.push({ name: 'tools', summary: tools.map((t) => `${t.tool} ${t.status === 'ok' ? 'found' : 'missing'}`).join(', ') || 'not checked' });

  const since = inputs.now.getTime() - REPORT_LOG_WINDOW_MS;
  let logs: unknown;
  let logCount = 0;
  try {
    const records = readLogs(inputs.logPath, { since }, REPORT_LOG_LINES);
    logCount = records.length;
    logs = records.map(logRecordJson);
  } catch (error) {
    logs = { error: error instanceof Error ? error.message : String(error) };
  }
  sections.push({ name: 'logs', summary: `${logCount} line(s) of the last 24 h (at most ${REPORT_LOG_LINES})` });

  sections.push({ name: 'operations', summary: inputs.cache ? `${inputs.cache.operations.length} recent operation(s)` : `none (${inputs.cacheError ?? 'no cache'})` });
  const inv = inputs.cache?.inventory;
  sections.push({ name: 'inventory', summary: inv ? `${inv.nodes.length} node(s), ${inv.guests.total} guest(s), ${inv.storage} storage, ${inv.pools} pool(s)` : `none (${inputs.cacheError ?? 'no cache'})` });

  const workspaceConfig = readText(inputs.workspaceConfigPath);
  sections.push({ name: 'workspace', summary: inputs.workspaceRoot !== undefined ? `config.yml${workspaceConfig === null ? ' (unreadable)' : ''}` : 'not in a workspace' });
  const userConfig = maskedUserConfig(inputs.userConfigPath);
  sections.push({ name: 'config', summary: userConfig === null ? 'no config file' : 'config.yml (secrets redacted)' });

  const document: Record<string, unknown> = {
    format: REPORT_FORMAT,
    version: 1,
    createdAt: inputs.now.toISOString(),
    versions,
    connection,
    health,
    tools,
    logs,
    operations: inputs.cache?.operations ?? null,
    inventory: inv ?? null,
    cacheError: inputs.cacheError ?? null,
    workspace: inputs.workspaceRoot !== undefined ? { config: workspaceConfig } : null,
    config: userConfig,
  };
  return { document: redactValue(document), sections };
}

export interface AnonymizedReport {
  text: string;
  mappingPath: string;
  replaced: number;
}

/** The document's JSON anonymised (node and guest names from the cache included), the mapping
 * saved at `mappingPath` with mode 0600 before the caller writes the report. */
export async function anonymizeReport(text: string, names: { nodes: string[]; guests: string[] }, mappingPath: string): Promise<AnonymizedReport> {
  const [{ Anonymizer }, { PseudonymMap, saveMapping }, { processDocument }, { usableName }] = await Promise.all([
    import('../anonymize/engine.js'),
    import('../anonymize/mapping.js'),
    import('../anonymize/processors.js'),
    import('../anonymize/rules.js'),
  ]);
  const map = new PseudonymMap();
  const engine = new Anonymizer({ mapping: map, nodeNames: names.nodes.filter(usableName), guestNames: names.guests.filter(usableName) });
  const out = processDocument(text, 'json', engine, 'anonymize', 'report');
  mkdirSync(dirname(mappingPath), { recursive: true, mode: 0o700 });
  saveMapping(mappingPath, map);
  return { text: out, mappingPath, replaced: map.size };
}

/** `proxmox-mpc-report-2026-12-08T02-50-00Z.json` */
export function reportFileName(now: Date): string {
  return `proxmox-mpc-report-${now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.json`;
}

/** The mapping's default path: beside anonymize's, named after the report. */
export function reportMappingPath(mappingDir: string, reportPath: string): string {
  return join(mappingDir, basename(reportPath).replace(/\.json$/, '') + '.mapping.json');
}

/** Throws when a registered secret survived (it never should: the document was redacted). */
export function assertRedacted(text: string): void {
  if (redact(text) !== text) throw new Error('the report still held a secret after redaction: not written');
}

/** The user's config file as the report shows it: parsed, with every profile's token secret and
 * password replaced by a marker (a `$vault.` reference is kept: it is no secret). Not the raw
 * text: a secret YAML stores escaped, or one too short to register, would pass the redactor. */
export function maskedUserConfig(path: string | undefined): string | null {
  if (path === undefined || !existsSync(path)) return null;
  try {
    const { config } = loadConfigFile(path);
    const profiles = Object.fromEntries(
      Object.entries(config.profiles).map(([name, p]) => {
        const masked: Record<string, unknown> = { ...p };
        for (const [key, label] of [['tokenSecret', 'token-secret'], ['password', 'password']] as const) {
          const value = p[key];
          if (typeof value === 'string' && !value.startsWith('$vault.')) masked[key] = `***${name}-${label}***`;
        }
        return [name, masked];
      }),
    );
    return stringify({ ...config, profiles });
  } catch (error) {
    return `(left out: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}; its text could hold secrets)`;
  }
}
