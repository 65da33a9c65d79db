// `proxmox-mpc report-issue`: a diagnostic bundle (one JSON file to attach to an issue), redacted
// always, anonymised by default (the mapping saved apart, 0600), and a summary of what is in it.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defaultMappingDir } from '../../anonymize/command.js';
import { cachePathFor } from '../../db/paths.js';
import { runHealthChecks } from '../../observability/health.js';
import { logPath } from '../../observability/logger.js';
import {
  REPORT_OPERATIONS,
  anonymizeReport,
  assertRedacted,
  buildReport,
  reportFileName,
  reportMappingPath,
  summarizeInventory,
  type ReportInputs,
} from '../../observability/report.js';
import { operationRecord } from '../read/operationsView.js';
import { safeText } from '../../util/terminalText.js';
import { configPath, loadConfigFile } from '../../workspace/configFile.js';
import { registerSecret } from '../../util/redact.js';
import { writeFileAtomic } from '../../util/atomicWrite.js';
import type { ConnectionSettings } from '../../workspace/connection.js';
import type { GlobalOptions } from '../cli.js';
import { loadConnectionSettings } from '../settings.js';
import { ExitCode, UserError } from '../userError.js';
import { VERSION } from '../version.js';

export interface ReportIssueOptions extends GlobalOptions {
  /** Where to write the report (default: proxmox-mpc-report-<time>.json here). */
  out?: string;
  /** commander's --no-anonymize. */
  anonymize?: boolean;
  /** Seconds each health check may take (default 5). */
  timeout?: number;
}

export interface ReportIssueIo {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  now: () => Date;
  cwd: string;
}

export interface ReportIssueResult {
  path: string;
  mappingPath?: string;
  anonymized: boolean;
  replaced: number;
  lines: string[];
}

async function cacheView(profile: string, env: NodeJS.ProcessEnv, cwd: string): Promise<ReportInputs['cache'] | string> {
  const path = cachePathFor(profile, env, cwd);
  if (!existsSync(path)) return `no cache for profile ${profile} (run proxmox-mpc sync)`;
  const { openCache } = await import('../../db/client.js');
  const cache = openCache(path, { quickCheck: false });
  try {
    const ref = cache.findProfile(profile);
    if (!ref) return `profile ${profile} was never synced`;
    const nodes = cache.nodes(ref.id);
    const guests = cache.guests(ref.id);
    const fresh = cache.freshness(ref.id);
    const inventory = summarizeInventory(profile, {
      ...(ref.clusterName !== undefined ? { clusterName: ref.clusterName } : {}),
      ...(fresh.lastSyncAt !== undefined ? { lastSyncAt: fresh.lastSyncAt } : {}),
      nodes,
      guests,
      storage: cache.storage(ref.id).length,
      pools: cache.pools(ref.id).length,
    });
    return {
      ...(ref.pveVersion !== undefined ? { pveVersion: ref.pveVersion } : {}),
      inventory,
      operations: cache.operations(ref.id, { limit: REPORT_OPERATIONS }).map(operationRecord),
      nodeNames: nodes.map((n) => n.node),
      guestNames: guests.map((g) => g.name),
    };
  } finally {
    cache.close();
  }
}

/** Every profile's plaintext secret in the config file (not only the one in use) is registered
 * with the redactor: the file goes into the report, each of them as ***<profile>-...***. */
function registerConfigSecrets(env: NodeJS.ProcessEnv): void {
  try {
    const { config } = loadConfigFile(configPath(env));
    for (const [name, p] of Object.entries(config.profiles)) {
      registerSecret(`${name}-token-secret`, p.tokenSecret);
      registerSecret(`${name}-password`, p.password);
    }
  } catch {
    // An unreadable or invalid config file: the connection section says why; the redactor's
    // credential shapes still apply to the file's text.
  }
}

function writeReport(path: string, text: string): void {
  // 0600: even anonymised, a report says a lot about a cluster until the user shares it.
  writeFileAtomic(path, text, { mode: 0o600 });
}

export async function createIssueReport(opts: ReportIssueOptions, partial: Partial<ReportIssueIo> = {}): Promise<ReportIssueResult> {
  const io: ReportIssueIo = { env: process.env, stdout: process.stdout, now: () => new Date(), cwd: process.cwd(), ...partial };
  const now = io.now();
  const out = resolve(io.cwd, opts.out ?? reportFileName(now));
  if (existsSync(out) && statSync(out).isDirectory()) throw new UserError(`--out ${opts.out} is a directory: pass a file name (e.g. ${join(opts.out ?? '.', reportFileName(now))})`, ExitCode.usage);
  if (!existsSync(dirname(out))) throw new UserError(`cannot write ${out}: ${dirname(out)} does not exist: create it or pass another --out`, ExitCode.usage);

  let settings: ConnectionSettings | undefined;
  let settingsError: string | undefined;
  try {
    settings = loadConnectionSettings(opts, io.env);
  } catch (error) {
    settingsError = error instanceof Error ? error.message : String(error);
  }
  registerConfigSecrets(io.env);
  const profile = settings?.profile ?? opts.profile ?? io.env.PMC_PROFILE;
  let workspaceRoot: string | undefined;
  try {
    const { findWorkspaceRoot } = await import('../../workspace/project.js');
    workspaceRoot = findWorkspaceRoot(io.cwd);
  } catch {
    workspaceRoot = undefined;
  }

  const health = await runHealthChecks({
    ...(settings ? { settings } : {}),
    ...(settingsError !== undefined ? { settingsError } : {}),
    ...(profile !== undefined ? { profile, cachePath: cachePathFor(profile, io.env, io.cwd) } : {}),
    ...(workspaceRoot !== undefined ? { workspaceRoot } : {}),
    timeoutMs: (opts.timeout ?? 5) * 1000,
    env: io.env,
  });

  let cache: ReportInputs['cache'];
  let cacheError: string | undefined;
  if (profile === undefined) cacheError = 'no profile';
  else {
    try {
      const view = await cacheView(profile, io.env, io.cwd);
      if (typeof view === 'string') cacheError = view;
      else cache = view;
    } catch (error) {
      cacheError = error instanceof Error ? error.message : String(error);
    }
  }

  const { workspacePaths } = await import('../../workspace/project.js');
  const built = buildReport({
    version: VERSION,
    now,
    ...(settings ? { settings } : {}),
    ...(settingsError !== undefined ? { settingsError } : {}),
    health,
    logPath: logPath(io.env),
    ...(cache ? { cache } : {}),
    ...(cacheError !== undefined ? { cacheError } : {}),
    ...(workspaceRoot !== undefined ? { workspaceRoot, workspaceConfigPath: workspacePaths(workspaceRoot).configPath } : {}),
    userConfigPath: configPath(io.env),
  });
  const redacted = `${JSON.stringify(built.document, null, 2)}\n`;
  assertRedacted(redacted);

  const anonymize = opts.anonymize !== false;
  let text = redacted;
  let mappingPath: string | undefined;
  let replaced = 0;
  if (anonymize) {
    const target = reportMappingPath(defaultMappingDir(io.env), out);
    try {
      const result = await anonymizeReport(redacted, { nodes: cache?.nodeNames ?? [], guests: cache?.guestNames ?? [] }, target);
      text = result.text;
      mappingPath = result.mappingPath;
      replaced = result.replaced;
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(`cannot write the mapping to ${target}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; check that directory, or pass --no-anonymize`, ExitCode.failure);
    }
  }
  try {
    writeReport(out, text);
  } catch (error) {
    throw new UserError(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}: pass another --out`, ExitCode.failure);
  }

  const lines = [
    `Report written to ${out} (${Buffer.byteLength(text)} bytes, mode 0600).`,
    ...built.sections.map((s) => `  ${s.name.padEnd(11)}${s.summary}`),
    anonymize
      ? `Anonymised: ${replaced} value(s) replaced (addresses, host, node and guest names, credentials); secrets redacted.`
      : 'Not anonymised (--no-anonymize): addresses and names are as they are; secrets redacted.',
    ...(mappingPath !== undefined ? [`Mapping: ${mappingPath} (mode 0600; it holds the originals: keep it, do not attach it).`] : []),
  ];
  return { path: out, ...(mappingPath !== undefined ? { mappingPath } : {}), anonymized: anonymize, replaced, lines };
}

export async function runReportIssue(opts: ReportIssueOptions, io: Partial<ReportIssueIo> = {}): Promise<void> {
  const stdout = io.stdout ?? process.stdout;
  const result = await createIssueReport(opts, io);
  stdout.write(`${result.lines.map((l) => safeText(l)).join('\n')}\n`);
}
