// `proxmox-mpc health`: one line per check, green/yellow/red, and an exit code for scripts
// (0: nothing red, yellow included; 1: something red).
import { toJson } from '../output/serialize.js';
import { type HealthLine, type HealthReport, type HealthStatus, runHealthChecks } from '../../observability/health.js';
import { log } from '../../observability/log.js';
import { cachePathFor } from '../../db/paths.js';
import { safeText } from '../../util/terminalText.js';
import type { GlobalOptions } from '../cli.js';
import { loadConnectionSettings } from '../settings.js';
import { ExitCode } from '../userError.js';
import type { ConnectionSettings } from '../../workspace/connection.js';

export interface HealthCommandOptions extends GlobalOptions {
  /** Seconds each check may take. */
  timeout?: number;
  color?: boolean;
  icons?: boolean;
}

const ICONS: Record<HealthStatus, string> = { ok: '✓', warn: '!', fail: '✗' };
const ASCII: Record<HealthStatus, string> = { ok: 'OK  ', warn: 'WARN', fail: 'FAIL' };
const COLORS: Record<HealthStatus, string> = { ok: '\u001b[32m', warn: '\u001b[33m', fail: '\u001b[31m' };

export function formatHealth(report: HealthReport, style: { icons: boolean; color: boolean }): string {
  const width = Math.max(...report.lines.map((l) => l.check.length));
  const row = (l: HealthLine): string => {
    const mark = style.icons ? ICONS[l.status] : ASCII[l.status];
    const painted = style.color ? `${COLORS[l.status]}${mark}\u001b[0m` : mark;
    return `${painted} ${l.check.padEnd(width)}  ${l.subject !== undefined ? `${safeText(l.subject)}: ` : ''}${safeText(l.message)}`;
  };
  const counts = (s: HealthStatus): number => report.lines.filter((l) => l.status === s).length;
  const summary =
    report.status === 'ok' ? 'Healthy.' : report.status === 'warn' ? `Healthy, with ${counts('warn')} warning(s).` : `Unhealthy: ${counts('fail')} problem(s)${counts('warn') > 0 ? `, ${counts('warn')} warning(s)` : ''}.`;
  return `${report.lines.map(row).join('\n')}\n${summary}\n`;
}

export async function runHealth(opts: HealthCommandOptions): Promise<void> {
  let settings: ConnectionSettings | undefined;
  let settingsError: string | undefined;
  try {
    settings = loadConnectionSettings(opts);
  } catch (error) {
    settingsError = error instanceof Error ? error.message : String(error);
  }
  const profile = settings?.profile ?? opts.profile ?? process.env.PMC_PROFILE;
  let workspaceRoot: string | undefined;
  try {
    const { findWorkspaceRoot } = await import('../../workspace/project.js');
    workspaceRoot = findWorkspaceRoot();
  } catch {
    workspaceRoot = undefined;
  }
  const report = await runHealthChecks({
    ...(settings ? { settings } : {}),
    ...(settingsError !== undefined ? { settingsError } : {}),
    ...(profile !== undefined ? { profile, cachePath: cachePathFor(profile) } : {}),
    ...(workspaceRoot !== undefined ? { workspaceRoot } : {}),
    timeoutMs: (opts.timeout ?? 5) * 1000,
  });
  for (const l of report.lines) if (l.status !== 'ok') log[l.status === 'fail' ? 'error' : 'warn']('health check', { check: l.check, subject: l.subject, status: l.status, message: l.message });
  if (opts.output === 'json') process.stdout.write(toJson(report));
  else {
    const tty = process.stdout.isTTY === true;
    const color = tty && opts.color !== false && process.env.NO_COLOR === undefined;
    process.stdout.write(formatHealth(report, { icons: tty && opts.icons !== false, color }));
  }
  process.exitCode = report.status === 'fail' ? ExitCode.failure : ExitCode.ok;
}
