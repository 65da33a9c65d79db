// The Terraform checks of a directory: `terraform fmt -check -recursive` (every file not
// formatted) and `terraform validate -json` run offline through the schema-only bpg/proxmox
// provider (stubProvider/), its diagnostics mapped to file:line:column. Nothing is written to
// the checked directory (TF_DATA_DIR points into the provider's temporary directory).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { JsonProvidersSchema } from './stubProvider/schema.js';
import { prepareSchemaProvider } from './stubProvider/schemaProvider.js';
import { run } from './exec.js';
import type { CheckResult } from './types.js';

export const TERRAFORM_TOOL = 'terraform';
export const INSTALL_TERRAFORM = 'install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install) or set PMC_TERRAFORM to its path';

export interface CheckTerraformOptions {
  /** The terraform executable (default PMC_TERRAFORM, else `terraform` on PATH). */
  terraform?: string;
  /** The provider schema served to `terraform validate` (default: the project's bpg schema). */
  schema?: JsonProvidersSchema;
  /** A directory of Terraform test files (`*.tftest.hcl`) outside `dir` (the workspace's
   * tests/): checked by fmt, and by validate as its -test-directory. */
  testsDir?: string;
  /** Paths in the results are relative to this directory (default: the checked one). */
  relativeTo?: string;
  /** The environment terraform runs with (default process.env; TF_CLI_ARGS* are dropped). */
  env?: NodeJS.ProcessEnv;
}

/** The environment without what would change terraform's arguments or output behind our back. */
function cleanEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (key === 'TF_CLI_ARGS' || key.startsWith('TF_CLI_ARGS_') || key === 'TF_WORKSPACE') continue;
    out[key] = value;
  }
  return out;
}

/** Terraform's configuration and test files under `dir` (hidden directories skipped, as
 * `terraform fmt -recursive` does). */
export function terraformFiles(dir: string): string[] {
  const found: string[] = [];
  if (!existsSync(dir)) return found;
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(tf|tfvars|tftest\.hcl|tfmock\.hcl)$/.test(entry.name)) found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}

/** One line of a multi-line message. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The first `Error: ...` of terraform's human output, with its `on FILE line N` when given. */
function firstError(stderr: string): { message: string; file?: string; line?: number } {
  const plain = stderr.replace(/\u001b\[[0-9;]*m/g, '').replace(/^[│╷╵] ?/gm, '');
  const error = /Error: (.+)/.exec(plain);
  const where = /on (\S+) line (\d+)/.exec(plain);
  const message = error?.[1]?.trim() ?? (oneLine(plain) || 'terraform failed with no message');
  return where ? { message, file: where[1], line: Number(where[2]) } : { message };
}

async function checkFmt(terraform: string, dir: string, rel: (file: string) => string, env: NodeJS.ProcessEnv, testsDir: string | undefined): Promise<CheckResult[]> {
  const base = { tool: TERRAFORM_TOOL, check: 'fmt' } as const;
  const targets = testsDir !== undefined ? ['.', testsDir] : [];
  const out = await run(terraform, ['fmt', '-check', '-recursive', '-list=true', '-no-color', ...targets], dir, env);
  if (out.spawnError) return [missingTerraform(terraform, out.spawnError, 'fmt')];
  if (out.code === 0) return [{ ...base, ok: true, severity: 'info', message: 'every file is formatted' }];
  const files = out.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (out.code === 3 && files.length > 0) {
    return files.map((file) => ({
      ...base,
      ok: false,
      severity: 'error' as const,
      message: 'not formatted as terraform fmt would: run terraform fmt (or proxmox-mpc generate again)',
      file: rel(file),
    }));
  }
  // rc 2: a file that cannot be parsed (terraform validate says where and why too).
  const error = firstError(out.stderr);
  return [
    {
      ...base,
      ok: false,
      severity: 'error',
      message: `cannot check the formatting: ${error.message}`,
      ...(error.file !== undefined ? { file: rel(error.file) } : {}),
      ...(error.line !== undefined ? { line: error.line } : {}),
    },
  ];
}

interface ValidateDiagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  range?: { filename: string; start: { line: number; column: number } };
}

interface ValidateOutput {
  valid: boolean;
  error_count: number;
  warning_count: number;
  diagnostics: ValidateDiagnostic[];
}

/** The warning every run through dev_overrides prints: it is about our own set-up. */
const OVERRIDES_WARNING = 'Provider development overrides are in effect';

function parseValidate(stdout: string): ValidateOutput | undefined {
  try {
    const parsed = JSON.parse(stdout) as ValidateOutput;
    return typeof parsed.valid === 'boolean' && Array.isArray(parsed.diagnostics) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** What to do about a provider the offline validation cannot serve. */
function missingProviderHint(d: ValidateDiagnostic): string {
  if (d.summary !== 'Missing required provider') return '';
  const provider = /requires provider (\S+?),/.exec(d.detail ?? '')?.[1];
  if (provider === 'registry.terraform.io/hashicorp/proxmox') {
    return ' (a proxmox_* resource with no required_providers entry: declare proxmox = { source = "bpg/proxmox" } in terraform { required_providers { ... } })';
  }
  return ' (proxmox-mpc validates offline, with the bpg/proxmox schema only: other providers cannot be checked)';
}

/** Validate's diagnostics as results, sorted by file, line and column. */
export function validateResults(output: ValidateOutput, rel: (file: string) => string): CheckResult[] {
  const findings = output.diagnostics
    .filter((d) => d.summary !== OVERRIDES_WARNING)
    .map((d): CheckResult => {
      const detail = d.detail ? oneLine(d.detail) : '';
      return {
        tool: TERRAFORM_TOOL,
        check: 'validate',
        ok: false,
        severity: d.severity === 'warning' ? 'warning' : 'error',
        message: (detail ? `${d.summary}: ${detail}` : d.summary) + missingProviderHint(d),
        ...(d.range ? { file: rel(d.range.filename), line: d.range.start.line, column: d.range.start.column } : {}),
      };
    })
    .sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  if (output.valid && !findings.some((f) => f.severity === 'error')) {
    return [{ tool: TERRAFORM_TOOL, check: 'validate', ok: true, severity: 'info', message: 'the configuration is valid (offline, against the bpg/proxmox schema)' }, ...findings];
  }
  return findings;
}

async function checkValidate(terraform: string, dir: string, rel: (file: string) => string, env: NodeJS.ProcessEnv, schema: JsonProvidersSchema, testsDir: string | undefined): Promise<CheckResult[]> {
  const provider = prepareSchemaProvider(schema);
  try {
    const tests = testsDir !== undefined ? [`-test-directory=${testsDir}`] : [];
    const out = await run(terraform, ['validate', '-json', '-no-color', ...tests], dir, { ...env, ...provider.env });
    if (out.spawnError) return [missingTerraform(terraform, out.spawnError, 'validate')];
    const parsed = parseValidate(out.stdout);
    if (parsed === undefined) {
      const error = firstError(out.stderr || out.stdout);
      return [{ tool: TERRAFORM_TOOL, check: 'validate', ok: false, severity: 'error', message: `terraform validate failed: ${error.message}` }];
    }
    return validateResults(parsed, rel);
  } finally {
    provider.dispose();
  }
}

function missingTerraform(terraform: string, error: NodeJS.ErrnoException, check: string): CheckResult {
  const what = error.code === 'ENOENT' ? `${terraform} not found` : `${terraform} could not be started (${error.code ?? error.message})`;
  return { tool: TERRAFORM_TOOL, check, ok: false, severity: 'error', message: `${what}: ${INSTALL_TERRAFORM}` };
}

let defaultSchema: Promise<JsonProvidersSchema> | undefined;

/** The project's bpg/proxmox schema (loaded once, on first use). */
export function bpgSchema(): Promise<JsonProvidersSchema> {
  defaultSchema ??= import('./stubProvider/bpgSchema.js').then((m) => m.BPG_SCHEMA);
  return defaultSchema;
}

/** `terraform fmt -check` and the offline `terraform validate` of `dir`. A missing terraform
 * is a failed check saying what to install; a directory with no Terraform file, a warning. */
export async function checkTerraform(dir: string, options: CheckTerraformOptions = {}): Promise<CheckResult[]> {
  const root = resolve(dir);
  const relativeTo = resolve(options.relativeTo ?? root);
  const rel = (file: string): string => {
    const path = relative(relativeTo, isAbsolute(file) ? file : join(root, file));
    return path === '' ? '.' : path;
  };
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    return [{ tool: TERRAFORM_TOOL, check: 'files', ok: false, severity: 'error', message: `no directory ${rel(root)}: run proxmox-mpc generate first` }];
  }
  if (!terraformFiles(root).some((f) => f.endsWith('.tf'))) {
    return [{ tool: TERRAFORM_TOOL, check: 'files', ok: false, severity: 'warning', message: `no .tf file in ${rel(root)}: nothing to check (run proxmox-mpc generate)`, file: rel(root) }];
  }
  const terraform = options.terraform ?? process.env.PMC_TERRAFORM ?? 'terraform';
  const env = cleanEnv(options.env ?? process.env);
  const schema = options.schema ?? (await bpgSchema());
  // fmt needs no provider; a CLI config of our own keeps the user's (or a broken one) out.
  const fmtEnv = { ...env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' };
  // Terraform takes the tests directory relative to the configuration's.
  const testsRel = options.testsDir !== undefined ? relative(root, resolve(options.testsDir)) : undefined;
  const testsDir = testsRel !== undefined && testsRel.startsWith('..') && terraformFiles(resolve(options.testsDir!)).some((f) => f.endsWith('.tftest.hcl')) ? testsRel : undefined;
  const version = await run(terraform, ['version', '-json'], root, fmtEnv);
  if (version.spawnError) return [missingTerraform(terraform, version.spawnError, 'installed')];
  const [fmt, validate] = await Promise.all([checkFmt(terraform, root, rel, fmtEnv, testsDir), checkValidate(terraform, root, rel, env, schema, testsDir)]);
  return [...fmt, ...validate];
}
