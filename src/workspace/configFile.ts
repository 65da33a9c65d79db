// The user's connection profiles: $XDG_CONFIG_HOME/proxmox-mpc/config.yml, mode 0600.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
// zod/mini, not the classic `z`: every command reads this file, and the classic API bundles
// ~700 KB that Node would parse on each start; the mini API with the English messages is ~40 KB.
import en from 'zod/v4/locales/en.js';
import * as z from 'zod/mini';
import { UserError } from '../app/userError.js';
import { visibleControls } from '../util/terminalText.js';
import { writeFileAtomic } from '../util/atomicWrite.js';

z.config(en());

export const profileSchema = z.strictObject({
  endpoint: z.string().check(z.minLength(1)),
  tokenId: z.optional(z.string()),
  tokenSecret: z.optional(z.string()),
  username: z.optional(z.string()),
  password: z.optional(z.string()),
  insecure: z.optional(z.boolean()),
  fingerprint: z.optional(z.string()),
  timeoutMs: z.optional(z.number().check(z.int(), z.positive())),
});

/** The console's settings and key overrides (`console:` in the config file). */
export const consoleConfigSchema = z.strictObject({
  theme: z.optional(z.enum(['dark', 'light', 'mono'])),
  icons: z.optional(z.boolean()),
  refreshMs: z.optional(z.number().check(z.int(), z.gte(1000))),
  readOnly: z.optional(z.boolean()),
  startScreen: z.optional(z.enum(['overview', 'guests', 'nodes', 'storage', 'tasks', 'snapshots'])),
  /** Action id -> key name(s), e.g. `cursor.down: [j, down]`. */
  keys: z.optional(z.record(z.string(), z.union([z.string(), z.array(z.string())]))),
});

export const configFileSchema = z.strictObject({
  defaultProfile: z.optional(z.string()),
  profiles: z._default(z.record(z.string(), profileSchema), {}),
  console: z.optional(consoleConfigSchema),
});

export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;

export type ProfileConfig = z.infer<typeof profileSchema>;
export type ConfigFile = z.infer<typeof configFileSchema>;

/** `$PMC_CONFIG`, else `$XDG_CONFIG_HOME/proxmox-mpc/config.yml` (XDG default ~/.config). */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PMC_CONFIG) return env.PMC_CONFIG;
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'proxmox-mpc', 'config.yml');
}

export interface LoadedConfig {
  path: string;
  exists: boolean;
  config: ConfigFile;
  warnings: string[];
}

export function loadConfigFile(path: string): LoadedConfig {
  if (!existsSync(path)) return { path, exists: false, config: { profiles: {} }, warnings: [] };
  const warnings: string[] = [];
  let text: string;
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) warnings.push(`${path} is readable by others (mode ${mode.toString(8)}): run chmod 600 ${path}`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UserError(`${path}: cannot read the config file: ${why}`);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = syntax.linePos?.[0];
    const where = line ? `${path}:${line.line}:${line.col}` : path;
    throw new UserError(`${where}: YAML syntax error: ${syntax.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  let value: unknown;
  try {
    value = doc.toJS() ?? {};
  } catch (error) {
    throw new UserError(`${path}: cannot read the config file: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = configFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.');
    const lineNo = lineOfKeyPath(doc, issue.path, text);
    throw new UserError(`${path}${lineNo ? `:${lineNo}` : ''}: ${visibleControls(`${key ? `'${key}': ` : ''}${issue.message}`)}`);
  }
  return { path, exists: true, config: parsed.data, warnings };
}

function lineOfKeyPath(doc: ReturnType<typeof parseDocument>, keyPath: PropertyKey[], text: string): number | undefined {
  const strPath = keyPath.filter((k): k is string | number => typeof k === 'string' || typeof k === 'number');
  for (let n = strPath.length; n > 0; n--) {
    const node = doc.getIn(strPath.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) return lineAt(text, offset);
  }
  return undefined;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Writes atomically (util/atomicWrite.ts) with mode 0600, in a 0700 directory. */
export function saveConfigFile(path: string, config: ConfigFile): void {
  writeFileAtomic(path, stringify(config), { mode: 0o600, dirMode: 0o700 });
}
