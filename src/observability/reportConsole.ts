// The console's `:report-issue` and `:anonymize <file>`: the same work as the CLI commands, with
// the outcome as one message (where the report, the output and the mapping went) instead of
// lines on a terminal the console owns.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { HealthReport } from './health.js';
import type { ConnectionSettings } from '../workspace/connection.js';

export interface TrustHost {
  /** Writes the diagnostic report (anonymised); resolves to the message to show. */
  reportIssue(): Promise<string>;
  /** Anonymises `file` beside it (`name.anon.ext`); resolves to the message to show. */
  anonymize(file: string): Promise<string>;
  /** The health checks, as `proxmox-mpc health` runs them. */
  health(): Promise<HealthReport>;
}

export interface TrustHostOptions {
  profile?: string;
  /** The console's own connection and cache (the demo's in-process simulator is no profile of
   * the config file): health checks what the console uses. */
  connection?: ConnectionSettings;
  cachePath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  now?: () => Date;
}

/** `cluster.json` -> `cluster.anon.json`; `notes` -> `notes.anon`. */
export function anonymizedName(file: string): string {
  const ext = extname(file);
  return join(dirname(file), `${basename(file, ext)}.anon${ext}`);
}

export function createTrustHost(options: TrustHostOptions = {}): TrustHost {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const now = options.now ?? (() => new Date());
  /** The console's profile as --profile takes it: a profile made of the environment
   * (`env-host-8006`) is no profile of the config file; the same environment finds it again. */
  const namedProfile = async (): Promise<string | undefined> => {
    if (options.profile === undefined) return undefined;
    const { isEnvProfileName } = await import('../workspace/connection.js');
    return isEnvProfileName(options.profile) ? undefined : options.profile;
  };
  return {
    async reportIssue() {
      const { createIssueReport } = await import('../app/commands/reportIssue.js');
      const profile = await namedProfile();
      const result = await createIssueReport(
        { output: 'text', ...(profile !== undefined ? { profile } : {}) },
        { env, cwd, now, stdout: { write: () => true } as unknown as NodeJS.WritableStream },
      );
      return `report written to ${result.path}${result.mappingPath !== undefined ? `; mapping (keep it private): ${result.mappingPath}` : ' (not anonymised)'}`;
    },
    async health() {
      const [{ loadConnectionSettings }, { runHealthChecks }, { cachePathFor }, { findWorkspaceRoot }] = await Promise.all([
        import('../app/settings.js'),
        import('./health.js'),
        import('../db/paths.js'),
        import('../workspace/project.js'),
      ]);
      let settings: ConnectionSettings | undefined = options.connection;
      let settingsError: string | undefined;
      if (settings === undefined) {
        try {
          const named = await namedProfile();
          settings = loadConnectionSettings({ output: 'text', ...(named !== undefined ? { profile: named } : {}) }, env);
        } catch (error) {
          settingsError = error instanceof Error ? error.message : String(error);
        }
      }
      const profile = settings?.profile ?? options.profile;
      const workspaceRoot = findWorkspaceRoot(cwd);
      return runHealthChecks({
        ...(settings ? { settings } : {}),
        ...(settingsError !== undefined ? { settingsError } : {}),
        ...(profile !== undefined ? { profile, cachePath: options.cachePath ?? cachePathFor(profile, env, cwd) } : {}),
        ...(workspaceRoot !== undefined ? { workspaceRoot } : {}),
        env,
      });
    },
    async anonymize(file) {
      const name = file.trim();
      if (name === '') throw new Error('anonymize which file? :anonymize FILE');
      const input = resolve(cwd, name);
      if (!existsSync(input) || statSync(input).isDirectory()) throw new Error(`${name}: no such file`);
      const out = anonymizedName(input);
      const { runAnonymize, defaultMappingDir } = await import('../anonymize/command.js');
      mkdirSync(defaultMappingDir(env), { recursive: true, mode: 0o700 });
      const stamp = now().toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-');
      const mapping = join(defaultMappingDir(env), `${stamp}-${basename(input).replace(/[^A-Za-z0-9._-]/g, '_')}.mapping.json`);
      const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
      await runAnonymize(input, { output: 'text', out, mapping, ...(options.profile !== undefined ? { profile: options.profile } : {}) }, 'anonymize', { env, stdout: quiet, stderr: quiet, now });
      return `anonymized into ${out}; mapping (keep it private): ${mapping}`;
    },
  };
}

/** What the logs screen filters on (`:logs level=warn since=1h op=3f9c2a1b`). */
export interface LogsScreenFilter {
  level?: import('./log.js').LogLevel;
  since?: string;
  op?: string;
}

/** The logs screen's lines at most (the newest). */
export const LOGS_SCREEN_LINES = 1000;

/** Reads the log's matching lines, then follows new ones every `pollMs` until stopped; each
 * time `onLines` gets every line so far (formatted as `proxmox-mpc logs` prints them). The
 * files are read in chunks that give the loop back in between: keys and redraws go on while a
 * large log is read. */
export async function watchLogs(
  filter: LogsScreenFilter,
  onLines: (lines: string[], path: string) => void,
  options: { env?: NodeJS.ProcessEnv; pollMs?: number; now?: () => number } = {},
): Promise<() => void> {
  const env = options.env ?? process.env;
  const [{ readLogsAsync, followLog, formatRecord }, { logPath }, { parseSince }] = await Promise.all([
    import('./logReader.js'),
    import('./logger.js'),
    import('../app/commands/logs.js'),
  ]);
  const path = logPath(env);
  const f: import('./logReader.js').LogFilter = {};
  if (filter.level !== undefined) f.level = filter.level;
  if (filter.op !== undefined) f.op = filter.op;
  if (filter.since !== undefined) f.since = parseSince(filter.since, (options.now ?? Date.now)());
  const follower = followLog(path, f);
  let lines = (await readLogsAsync(path, f, LOGS_SCREEN_LINES)).map(formatRecord);
  onLines(lines, path);
  const timer = setInterval(() => {
    const more = follower.poll();
    if (more.length === 0) return;
    lines = [...lines, ...more.map(formatRecord)].slice(-LOGS_SCREEN_LINES);
    onLines(lines, path);
  }, options.pollMs ?? 500);
  return () => clearInterval(timer);
}
