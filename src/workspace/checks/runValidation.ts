// Every check of a workspace, the one entry point for `proxmox-mpc validate` and the console's
// /validate and /test: terraform fmt and the offline terraform validate of terraform/ (with the
// tests/ directory's .tftest.hcl files), the TypeScript schema check, the Ansible checks. The
// tools run side by side; each tool's results arrive together, in a fixed order of tools.
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkTerraformSchema } from '../../generators/terraform/schemaCheck.js';
import type { Workspace } from '../project.js';
import { checkAnsible, type CheckAnsibleOptions } from './ansible.js';
import { checkTerraform, type CheckTerraformOptions, terraformFiles } from './terraform.js';
import type { CheckResult } from './types.js';

/** The checkers, in the order their results are listed. */
export const VALIDATION_TOOLS = ['terraform', 'schema', 'ansible'] as const;

export type ValidationWorkspace = Pick<Workspace, 'root' | 'terraformDir' | 'ansibleDir' | 'testsDir'>;

export interface RunValidationOptions {
  terraform?: CheckTerraformOptions;
  ansible?: CheckAnsibleOptions;
  /** Told when each tool is done, with how long it took. */
  onToolDone?: (tool: string, ms: number) => void;
  /** Each tool's results together, after onResult heard them (tools in order). */
  onToolResults?: (tool: string, results: CheckResult[]) => void;
}

export interface ValidationSummary {
  ok: boolean;
  passed: number;
  failed: number;
  warnings: number;
}

/** ok: no error (warnings do not fail a validation). */
export function summarize(results: readonly CheckResult[]): ValidationSummary {
  let passed = 0;
  let failed = 0;
  let warnings = 0;
  for (const r of results) {
    if (r.ok) passed++;
    else if (r.severity === 'error') failed++;
    else warnings++;
  }
  return { ok: failed === 0, passed, failed, warnings };
}

type Checker = () => Promise<CheckResult[]>;

/** The TypeScript schema check of terraform/'s files (values Terraform's validate does not
 * check: allowed values, ranges); nothing when there is no .tf file (the terraform check says
 * so). Paths from the workspace root. */
async function checkSchema(workspace: ValidationWorkspace): Promise<CheckResult[]> {
  if (!terraformFiles(workspace.terraformDir).some((f) => f.endsWith('.tf'))) return [];
  const results = await checkTerraformSchema(workspace.terraformDir);
  return results.map((r) => (r.file !== undefined ? { ...r, file: displayPath(workspace.root, join(workspace.terraformDir, r.file)) } : r));
}

/** Passed checks first, then the findings by file, line and column (stable otherwise). */
export function ordered(results: readonly CheckResult[]): CheckResult[] {
  const passed = results.filter((r) => r.ok);
  const findings = results
    .filter((r) => !r.ok)
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.file ?? '').localeCompare(b.r.file ?? '') || (a.r.line ?? 0) - (b.r.line ?? 0) || (a.r.column ?? 0) - (b.r.column ?? 0) || a.i - b.i)
    .map(({ r }) => r);
  return [...passed, ...findings];
}

/** A checker that throws is a failed check of its tool, not a failed validation. */
async function settle(tool: string, checker: Checker, onDone?: (tool: string, ms: number) => void): Promise<CheckResult[]> {
  const started = performance.now();
  try {
    return ordered(await checker());
  } catch (error) {
    return [{ tool, check: 'run', ok: false, severity: 'error', message: `the ${tool} check could not run: ${error instanceof Error ? error.message : String(error)}` }];
  } finally {
    onDone?.(tool, Math.round(performance.now() - started));
  }
}

/** Runs every check of `workspace`; `onResult` hears each result as soon as its tool is done
 * (all of a tool's results together, tools in VALIDATION_TOOLS order). Resolves to every
 * result, in that same order. */
export async function runValidation(workspace: ValidationWorkspace, onResult?: (result: CheckResult) => void, options: RunValidationOptions = {}): Promise<CheckResult[]> {
  const checkers: Record<(typeof VALIDATION_TOOLS)[number], Checker | undefined> = {
    terraform: () => checkTerraform(workspace.terraformDir, { relativeTo: workspace.root, testsDir: workspace.testsDir, ...options.terraform }),
    schema: () => checkSchema(workspace),
    ansible: () => checkAnsible(workspace.root, options.ansible),
  };
  const running = VALIDATION_TOOLS.filter((tool) => checkers[tool] !== undefined).map((tool) => ({ tool, results: settle(tool, checkers[tool]!, options.onToolDone) }));
  const all: CheckResult[] = [];
  // Delivered in tool order: a fast tool's results wait for the slower ones listed before it.
  for (const { tool, results } of running) {
    const done = await results;
    for (const result of done) {
      all.push(result);
      onResult?.(result);
    }
    options.onToolResults?.(tool, done);
  }
  return all;
}

/** `file:line:column` of a result (the parts it has), or undefined. */
export function location(result: CheckResult): string | undefined {
  if (result.file === undefined) return undefined;
  return [result.file, result.line, result.line !== undefined ? result.column : undefined].filter((p) => p !== undefined).join(':');
}

/** A path for messages: relative to the workspace root when inside it. */
export function displayPath(root: string, path: string): string {
  const rel = relative(root, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}
