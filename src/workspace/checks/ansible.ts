// The Ansible checks of a workspace: `ansible-playbook --syntax-check` on every playbook of
// ansible/ (and the check playbook of tests/) against ansible/inventory.yml, `ansible-inventory
// --list` on the inventory (any source Ansible could not parse is a failure), and
// `ansible-lint --offline --strict` when it is installed (its codeclimate JSON mapped to
// file:line). Syntax-check catches YAML and structure errors and unknown modules; only
// ansible-lint checks module arguments. Paths in the results are relative to the workspace.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseDocument, isSeq } from 'yaml';
import { run } from './exec.js';
import type { CheckResult } from './types.js';

export const ANSIBLE_TOOL = 'ansible';
export const ANSIBLE_LINT_TOOL = 'ansible-lint';
export const INSTALL_ANSIBLE = 'install Ansible: apt-get install ansible ansible-lint (Debian/Ubuntu) or pipx install ansible-core ansible-lint';

export interface CheckAnsibleOptions {
  /** Executables (default PMC_ANSIBLE_PLAYBOOK / PMC_ANSIBLE_INVENTORY / PMC_ANSIBLE_LINT, else on PATH). */
  ansiblePlaybook?: string;
  ansibleInventory?: string;
  ansibleLint?: string;
  /** The environment the tools run with (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** The environment for the checks: no colour, no cowsay, no retry files, nothing read from a
 * config the user's shell points at by accident, an inventory Ansible cannot parse is a failure. */
function checkEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_NOCOWS: '1',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
    ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true',
    ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: 'true',
    // inventory.yml is YAML: only that plugin, so that its error is the one reported.
    ANSIBLE_INVENTORY_ENABLED: 'yaml',
    NO_COLOR: '1',
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** A YAML file whose document is a list: a playbook (the inventory and vars files are maps). A
 * file that does not parse counts as one, so that syntax-check says what is wrong with it. */
function isPlaybook(path: string): boolean {
  try {
    const doc = parseDocument(readFileSync(path, 'utf8'));
    return doc.errors.length > 0 || isSeq(doc.contents);
  } catch {
    return false;
  }
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

/** The playbooks the checks cover: ansible/*.yml and tests/*.yml that are playbooks. */
export function ansiblePlaybooks(workspaceRoot: string): string[] {
  const inventory = join(workspaceRoot, 'ansible', 'inventory.yml');
  return [...yamlFiles(join(workspaceRoot, 'ansible')), ...yamlFiles(join(workspaceRoot, 'tests'))].filter((p) => p !== inventory && isPlaybook(p));
}

/** Where Ansible says an error is: `The error appears to be in '/x/site.yml': line 5, column 7`. */
export function ansibleErrorLocation(text: string): { message: string; file?: string; line?: number; column?: number } {
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  const error = /ERROR! ([\s\S]*?)(?:\n\n|$)/.exec(plain);
  const where = /The (?:error|offending line) appears\s+to\s+be\s+in\s+'([^']+)':\s+line\s+(\d+),\s+column\s+(\d+)/.exec(plain);
  const message = oneLine(error?.[1] ?? plain) || 'failed with no message';
  return where ? { message, file: where[1]!, line: Number(where[2]), column: Number(where[3]) } : { message };
}

/** What to do about a module Ansible cannot resolve, when it is one of the Proxmox modules the
 * playbooks use and its collection is not installed (community.proxmox is not in Debian 12's
 * ansible; community.general 11 no longer has them). */
export function moduleHint(message: string): string {
  const m = /couldn't resolve module\/action '(community\.(?:proxmox|general))\.(?:proxmox|proxmox_kvm|proxmox_snap)'/.exec(message);
  if (!m) return message;
  return m[1] === 'community.proxmox'
    ? `${message} (install the collection: ansible-galaxy collection install community.proxmox, or set generate.ansibleNamespace: community.general in .proxmox-mpc/config.yml)`
    : `${message} (community.general carries the Proxmox modules up to version 10; with a newer one, set generate.ansibleNamespace: community.proxmox)`;
}

function missingTool(tool: string, command: string, check: string, error: NodeJS.ErrnoException): CheckResult {
  const what = error.code === 'ENOENT' ? `${command} not found` : `${command} could not be started (${error.code ?? error.message})`;
  return { tool, check, ok: false, severity: 'error', message: `${what}: ${INSTALL_ANSIBLE}` };
}

async function syntaxCheck(playbook: string, playbooks: string[], root: string, inventory: string, env: NodeJS.ProcessEnv, rel: (f: string) => string): Promise<CheckResult[]> {
  const base = { tool: ANSIBLE_TOOL, check: 'syntax-check' } as const;
  const one = async (path: string): Promise<CheckResult> => {
    const out = await run(playbook, ['-i', inventory, '--syntax-check', path], root, env);
    if (out.spawnError) return missingTool(ANSIBLE_TOOL, playbook, 'syntax-check', out.spawnError);
    if (out.code === 0) return { ...base, ok: true, severity: 'info', message: 'syntax ok', file: rel(path) };
    const where = ansibleErrorLocation(out.stderr || out.stdout);
    return {
      ...base,
      ok: false,
      severity: 'error',
      message: moduleHint(where.message),
      file: rel(where.file ?? path),
      ...(where.line !== undefined ? { line: where.line, column: where.column } : {}),
    };
  };
  // One run for all of them (each ansible-playbook start costs about a second); only when it
  // fails, one run per playbook to say which ones and where.
  const all = await run(playbook, ['-i', inventory, '--syntax-check', ...playbooks], root, env);
  if (all.spawnError) return [missingTool(ANSIBLE_TOOL, playbook, 'syntax-check', all.spawnError)];
  if (all.code === 0) return playbooks.map((p) => ({ ...base, ok: true, severity: 'info' as const, message: 'syntax ok', file: rel(p) }));
  const results: CheckResult[] = [];
  for (const p of playbooks) results.push(await one(p));
  return results;
}

async function inventoryCheck(command: string, root: string, inventory: string, env: NodeJS.ProcessEnv, rel: (f: string) => string): Promise<CheckResult> {
  const base = { tool: ANSIBLE_TOOL, check: 'inventory', file: rel(inventory) } as const;
  const out = await run(command, ['-i', inventory, '--list'], root, env);
  if (out.spawnError) return missingTool(ANSIBLE_TOOL, command, 'inventory', out.spawnError);
  if (out.code !== 0) {
    // The yaml plugin's warning (wrapped at 80 columns whatever the terminal): its reason and
    // the line and column it gives.
    const flat = out.stderr.replace(/\u001b\[[0-9;]*m/g, '').replace(/\s+/g, ' ');
    let reason = /with yaml plugin: (.*?)(?: The error appears| \[WARNING\]| ERROR!|$)/.exec(flat)?.[1];
    const yamlError = reason?.indexOf('Syntax Error while loading YAML.') ?? -1;
    if (reason !== undefined && yamlError > 0) reason = reason.slice(yamlError);
    const where = /appears to be in '[^']*': line (\d+), column (\d+)/.exec(flat);
    return {
      ...base,
      ok: false,
      severity: 'error',
      message: reason !== undefined ? `not a valid inventory: ${reason.trim()}` : ansibleErrorLocation(out.stderr || out.stdout).message,
      ...(where ? { line: Number(where[1]), column: Number(where[2]) } : {}),
    };
  }
  try {
    const parsed = JSON.parse(out.stdout) as { _meta?: { hostvars?: Record<string, unknown> } };
    const hosts = Object.keys(parsed._meta?.hostvars ?? {}).length;
    return { ...base, ok: true, severity: 'info', message: `${hosts} host${hosts === 1 ? '' : 's'}` };
  } catch {
    return { ...base, ok: false, severity: 'error', message: 'ansible-inventory --list did not print JSON' };
  }
}

interface CodeClimateIssue {
  check_name: string;
  description: string;
  severity?: string;
  location: { path: string; lines?: { begin: number | { line: number; column?: number } }; positions?: { begin: { line: number; column?: number } } };
}

/** ansible-lint's `-f codeclimate` report as results (paths relative to `cwd` in the report). */
export function lintResults(stdout: string, cwd: string, rel: (f: string) => string): CheckResult[] | undefined {
  let issues: CodeClimateIssue[];
  try {
    issues = JSON.parse(stdout) as CodeClimateIssue[];
    if (!Array.isArray(issues)) return undefined;
  } catch {
    return undefined;
  }
  return issues
    .map((i): CheckResult => {
      const begin = i.location.positions?.begin ?? i.location.lines?.begin;
      const line = typeof begin === 'number' ? begin : begin?.line;
      const column = typeof begin === 'object' ? begin.column : undefined;
      return {
        tool: ANSIBLE_LINT_TOOL,
        check: i.check_name,
        ok: false,
        // --strict: ansible-lint fails on its warnings too (args[module], the argument check, is one).
        severity: 'error',
        message: oneLine(i.description),
        file: rel(resolve(cwd, i.location.path)),
        ...(line !== undefined ? { line } : {}),
        ...(column !== undefined ? { column } : {}),
      };
    })
    .sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

async function lintCheck(command: string, root: string, files: string[], env: NodeJS.ProcessEnv, rel: (f: string) => string): Promise<CheckResult[]> {
  const base = { tool: ANSIBLE_LINT_TOOL, check: 'lint' } as const;
  const out = await run(command, ['--offline', '--strict', '--nocolor', '-f', 'codeclimate', ...files.map((f) => relative(root, f))], root, env);
  if (out.spawnError) {
    if (out.spawnError.code === 'ENOENT') {
      return [{ ...base, ok: false, severity: 'warning', message: `${command} not found, so module arguments were not checked: apt-get install ansible-lint` }];
    }
    return [missingTool(ANSIBLE_LINT_TOOL, command, 'lint', out.spawnError)];
  }
  const findings = lintResults(out.stdout, root, rel);
  if (findings === undefined || (out.code !== 0 && out.code !== 2)) {
    const last = out.stderr.replace(/\u001b\[[0-9;]*m/g, '').trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' ');
    return [{ ...base, ok: false, severity: 'error', message: `ansible-lint failed (exit ${out.code}): ${oneLine(last) || 'no message'}` }];
  }
  if (out.code === 0 && findings.length === 0) return [{ ...base, ok: true, severity: 'info', message: 'no findings (--offline --strict)' }];
  return findings;
}

/** Every Ansible check of the workspace at `workspaceRoot` (its ansible/ and tests/ directories). */
export async function checkAnsible(workspaceRoot: string, options: CheckAnsibleOptions = {}): Promise<CheckResult[]> {
  const root = resolve(workspaceRoot);
  const baseEnv = options.env ?? process.env;
  const env = checkEnv(baseEnv);
  const playbookCmd = options.ansiblePlaybook ?? baseEnv.PMC_ANSIBLE_PLAYBOOK ?? 'ansible-playbook';
  const inventoryCmd = options.ansibleInventory ?? baseEnv.PMC_ANSIBLE_INVENTORY ?? 'ansible-inventory';
  const lintCmd = options.ansibleLint ?? baseEnv.PMC_ANSIBLE_LINT ?? 'ansible-lint';
  const rel = (file: string): string => {
    const abs = isAbsolute(file) ? file : resolve(root, file);
    const r = relative(root, abs);
    return r.startsWith('..') ? file : r.split('\\').join('/');
  };

  const inventory = join(root, 'ansible', 'inventory.yml');
  if (!existsSync(inventory)) {
    return [{ tool: ANSIBLE_TOOL, check: 'inventory', ok: false, severity: 'error', message: 'ansible/inventory.yml is missing: run proxmox-mpc generate', file: 'ansible/inventory.yml' }];
  }
  const playbooks = ansiblePlaybooks(root);
  const [inventoryResult, syntax] = await Promise.all([
    inventoryCheck(inventoryCmd, root, inventory, env, rel),
    playbooks.length > 0 ? syntaxCheck(playbookCmd, playbooks, root, inventory, env, rel) : Promise.resolve([]),
  ]);
  // Without ansible at all, one line says so (not one per playbook).
  if (!inventoryResult.ok && inventoryResult.message.includes(INSTALL_ANSIBLE)) return [inventoryResult];
  // ansible-lint stops at the first playbook that fails its syntax check, with nothing about
  // the others: it lints only those that passed ours (the failures are reported above).
  const failed = new Set(syntax.filter((r) => !r.ok).map((r) => r.file));
  const lintable = playbooks.filter((p) => !failed.has(rel(p)));
  // ansible-lint's own syntax check runs `ansible-playbook -i localhost,`: not with the
  // inventory settings above.
  const lintEnv: NodeJS.ProcessEnv = { ...baseEnv, NO_COLOR: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_NOCOWS: '1' };
  return [inventoryResult, ...syntax, ...(await lintCheck(lintCmd, root, [inventory, ...lintable], lintEnv, rel))];
}
