// A project workspace: a directory holding `.proxmox-mpc/config.yml`, found by walking up from
// the current directory like git finds `.git`. The config names a connection profile (never a
// secret) and the generators' options; `terraform/`, `ansible/` and `tests/` hold the code.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import en from 'zod/v4/locales/en.js';
import * as z from 'zod/mini';
import { ExitCode, UserError } from '../app/userError.js';
import { visibleControls } from '../util/terminalText.js';
import { MANAGED_MARKER_TEXT } from '../generators/marker.js';
import { DEFAULT_GENERATOR_OPTIONS, type GeneratorOptions } from '../generators/types.js';

z.config(en());

export const WORKSPACE_DIR = '.proxmox-mpc';
export const WORKSPACE_CONFIG = 'config.yml';

const generateSchema = z.strictObject({
  providerVersion: z.optional(z.string().check(z.regex(/^\S.*$/, 'expected a version constraint such as "~> 0.111.0"'))),
  ansibleNamespace: z.optional(z.enum(['community.general', 'community.proxmox'])),
  includeTemplates: z.optional(z.boolean()),
});

export const workspaceConfigSchema = z.strictObject({
  /** The connection profile (a name in the user's config file; the secret stays there). */
  profile: z.optional(z.string().check(z.minLength(1))),
  generate: z.optional(generateSchema),
  /** Paths (relative to the workspace root) that `generate` never writes nor removes. */
  keep: z.optional(z.array(z.string().check(z.minLength(1)))),
});

export type WorkspaceConfigFile = z.infer<typeof workspaceConfigSchema>;

export interface WorkspaceConfig {
  profile?: string;
  generate: GeneratorOptions;
  keep: string[];
}

export interface Workspace {
  root: string;
  configPath: string;
  terraformDir: string;
  ansibleDir: string;
  testsDir: string;
  logsDir: string;
  backupsDir: string;
  config: WorkspaceConfig;
}

/** The directory holding `.proxmox-mpc/config.yml`, from `from` (default cwd) up to `/`. */
export function findWorkspaceRoot(from: string = process.cwd()): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, WORKSPACE_DIR, WORKSPACE_CONFIG);
    if (isFile(candidate)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The workspace around `from` (default cwd), or undefined outside one. A config that is there
 * but invalid throws a UserError (one line naming the file, line and key). */
export function findWorkspace(from?: string): Workspace | undefined {
  const root = findWorkspaceRoot(from);
  return root === undefined ? undefined : openWorkspace(root);
}

/** findWorkspace, or a UserError telling how to make one. */
export function requireWorkspace(from?: string, command = 'this command'): Workspace {
  const ws = findWorkspace(from);
  if (!ws) {
    throw new UserError(
      `${command} works inside a workspace and none was found from ${resolve(from ?? process.cwd())} up: run proxmox-mpc init first (or cd into one)`,
      ExitCode.usage,
    );
  }
  return ws;
}

export function workspacePaths(root: string): Omit<Workspace, 'config'> {
  const abs = resolve(root);
  return {
    root: abs,
    configPath: join(abs, WORKSPACE_DIR, WORKSPACE_CONFIG),
    terraformDir: join(abs, 'terraform'),
    ansibleDir: join(abs, 'ansible'),
    testsDir: join(abs, 'tests'),
    logsDir: join(abs, WORKSPACE_DIR, 'logs'),
    backupsDir: join(abs, WORKSPACE_DIR, 'backups'),
  };
}

export function openWorkspace(root: string): Workspace {
  const paths = workspacePaths(root);
  return { ...paths, config: loadWorkspaceConfig(paths.configPath) };
}

export function loadWorkspaceConfig(path: string): WorkspaceConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(`${path}: cannot read the workspace config: ${(error as Error).message}`, ExitCode.usage);
  }
  return parseWorkspaceConfig(text, path);
}

/** Parses and validates the text of a workspace config; errors name file:line and the key. */
export function parseWorkspaceConfig(text: string, path = WORKSPACE_CONFIG): WorkspaceConfig {
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
    throw new UserError(`${path}: cannot read the workspace config: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = workspaceConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keyPath = issue.path.filter((k): k is string | number => typeof k === 'string' || typeof k === 'number');
    const key = keyPath.join('.');
    const line = lineOfKeyPath(doc, keyPath, text);
    throw new UserError(`${path}${line ? `:${line}` : ''}: ${visibleControls(`${key ? `'${key}': ` : ''}${issue.message}`)}`, ExitCode.usage);
  }
  const data = parsed.data;
  return {
    ...(data.profile !== undefined ? { profile: data.profile } : {}),
    generate: {
      providerVersion: data.generate?.providerVersion ?? DEFAULT_GENERATOR_OPTIONS.providerVersion,
      ansibleNamespace: data.generate?.ansibleNamespace ?? DEFAULT_GENERATOR_OPTIONS.ansibleNamespace,
      includeTemplates: data.generate?.includeTemplates ?? DEFAULT_GENERATOR_OPTIONS.includeTemplates,
    },
    keep: [...(data.keep ?? [])].map((p) => p.replace(/\\/g, '/').replace(/^\.\//, '')),
  };
}

function lineOfKeyPath(doc: ReturnType<typeof parseDocument>, keyPath: (string | number)[], text: string): number | undefined {
  for (let n = keyPath.length; n > 0; n--) {
    const node = doc.getIn(keyPath.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) {
      let line = 1;
      for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
      return line;
    }
  }
  return undefined;
}

/** The text of a new workspace config: commented, every generator option spelled out. */
export function renderWorkspaceConfig(config: { profile?: string; generate?: Partial<GeneratorOptions>; keep?: string[] }): string {
  const g = { ...DEFAULT_GENERATOR_OPTIONS, ...config.generate };
  const lines = [
    '# proxmox-mpc workspace. No secrets here: the profile names an entry of your',
    '# proxmox-mpc config file ($XDG_CONFIG_HOME/proxmox-mpc/config.yml), which holds them.',
    config.profile !== undefined ? `profile: ${JSON.stringify(config.profile)}` : '# profile: home',
    '',
    '# Options of `proxmox-mpc generate`.',
    'generate:',
    '  # bpg/proxmox version constraint written to terraform/versions.tf',
    `  providerVersion: ${JSON.stringify(g.providerVersion)}`,
    '  # community.general (Debian 12 ships it) or community.proxmox',
    `  ansibleNamespace: ${g.ansibleNamespace}`,
    '  # generate templates too (as resources with template = true)',
    `  includeTemplates: ${g.includeTemplates}`,
    '',
    '# Files `generate` never overwrites nor removes (paths from the workspace root). A generated',
    `# file whose first line "${MANAGED_MARKER_TEXT}" you delete is kept the same way.`,
  ];
  const keep = config.keep ?? [];
  if (keep.length === 0) lines.push('keep: []');
  else lines.push('keep:', ...keep.map((p) => `  - ${JSON.stringify(p)}`));
  return lines.join('\n') + '\n';
}

export const WORKSPACE_GITIGNORE = [
  '# proxmox-mpc workspace',
  '# Terraform state holds secrets and the live cluster: keep it out of git.',
  '*.tfstate',
  '*.tfstate.*',
  '.terraform/',
  '*.tfplan',
  'crash.log',
  'crash.*.log',
  '# .terraform.lock.hcl is committed on purpose: it pins the provider build.',
  '# proxmox-mpc: the workspace\'s cache of the cluster, run logs, backups of replaced files',
  `${WORKSPACE_DIR}/cache.db*`,
  `${WORKSPACE_DIR}/logs/`,
  `${WORKSPACE_DIR}/backups/`,
  '*.db',
  '*.db-wal',
  '*.db-shm',
  '# Ansible',
  '*.retry',
  '',
].join('\n');

export interface InitOptions {
  profile?: string;
  generate?: Partial<GeneratorOptions>;
  /** Re-initialise: rewrite config.yml (keeping its `keep:` list and options unless given) and
   * add missing pieces; user files are never touched. Without it an existing workspace is an error. */
  force?: boolean;
}

export interface InitResult {
  workspace: Workspace;
  /** Paths (relative to root) created or rewritten. */
  created: string[];
  /** True when the directory already was a workspace (only with force). */
  reinitialised: boolean;
}

/** Creates (or with force, completes) a workspace in `dir`. Never touches generated or user
 * files: only the config, the .gitignore (created when missing, else missing lines appended)
 * and the directories. */
export function initWorkspace(dir: string, opts: InitOptions = {}): InitResult {
  const paths = workspacePaths(dir);
  if (existsSync(paths.root) && !statSync(paths.root).isDirectory()) {
    throw new UserError(`${paths.root} is not a directory: pick another place for the workspace`, ExitCode.usage);
  }
  const exists = isFile(paths.configPath);
  let previous: WorkspaceConfig | undefined;
  if (exists) {
    if (!opts.force) {
      throw new UserError(`${paths.root} is already a proxmox-mpc workspace: use --force to re-initialise it (your files are kept)`, ExitCode.usage);
    }
    try {
      previous = loadWorkspaceConfig(paths.configPath);
    } catch {
      previous = undefined; // an invalid config is replaced (force)
    }
  }
  const created: string[] = [];
  for (const d of [paths.root, join(paths.root, WORKSPACE_DIR), paths.terraformDir, paths.ansibleDir, paths.testsDir]) {
    if (!existsSync(d)) {
      mkdirSync(d, { recursive: true });
      if (d !== paths.root) created.push(relPath(paths.root, d) + '/');
    }
  }
  const profile = opts.profile ?? previous?.profile;
  const text = renderWorkspaceConfig({
    ...(profile !== undefined ? { profile } : {}),
    generate: { ...previous?.generate, ...opts.generate },
    keep: previous?.keep ?? [],
  });
  writeFileSync(paths.configPath, text);
  created.push(`${WORKSPACE_DIR}/${WORKSPACE_CONFIG}`);

  const gitignore = join(paths.root, '.gitignore');
  if (!existsSync(gitignore)) {
    writeFileSync(gitignore, WORKSPACE_GITIGNORE);
    created.push('.gitignore');
  } else {
    const have = new Set(readFileSync(gitignore, 'utf8').split(/\r?\n/).map((l) => l.trim()));
    const missing = WORKSPACE_GITIGNORE.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !have.has(l));
    if (missing.length > 0) {
      const current = readFileSync(gitignore, 'utf8');
      writeFileSync(gitignore, `${current}${current.endsWith('\n') || current === '' ? '' : '\n'}# proxmox-mpc workspace\n${missing.join('\n')}\n`);
      created.push('.gitignore');
    }
  }
  return { workspace: openWorkspace(paths.root), created, reinitialised: exists };
}

function relPath(root: string, abs: string): string {
  return abs.slice(root.length + 1).split('\\').join('/');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
