// `proxmox-mpc validate` (registered in validateCommand.ts): every check of the workspace's code (terraform fmt, the offline
// terraform validate, the TypeScript schema check, the Ansible checks) as a checklist grouped
// by tool, each finding with its file:line; a summary; `-o json` for scripts.
// Exit 0 when nothing failed (warnings allowed), 1 when a check failed, 2 outside a workspace.
import { performance } from 'node:perf_hooks';
import { location, runValidation, summarize, type ValidationSummary } from '../../workspace/checks/runValidation.js';
import type { CheckResult } from '../../workspace/checks/types.js';
import { requireWorkspace } from '../../workspace/project.js';
import { safeText } from '../../util/terminalText.js';
import type { GlobalOptions } from '../cli.js';
import { serialize } from '../output/serialize.js';
import { ExitCode, UserError } from '../userError.js';

export interface ValidateOptions extends GlobalOptions {
  /** Where to look for the workspace (default: the current directory), walking up. */
  dir?: string;
  /** commander's --no-icons (a program option). */
  icons?: boolean;
}

export interface ValidateIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  /** Results as they come (default: none; the checklist is printed at the end). */
  onResult?: (result: CheckResult) => void;
}

export interface ValidateReport extends ValidationSummary {
  workspace: string;
  results: CheckResult[];
  durationMs: number;
  /** Milliseconds per tool (they run side by side). */
  toolDurationsMs: Record<string, number>;
}

interface Marks {
  pass: string;
  fail: string;
  warn: string;
}

const ICONS: Marks = { pass: '✓', fail: '✗', warn: '!' };
const ASCII: Marks = { pass: 'PASS', fail: 'FAIL', warn: 'WARN' };

const TOOL_TITLES: Record<string, string> = {
  terraform: 'Terraform',
  schema: 'Schema check (TypeScript)',
  ansible: 'Ansible',
};

function mark(result: CheckResult, marks: Marks): string {
  const m = result.ok ? marks.pass : result.severity === 'error' ? marks.fail : marks.warn;
  return m.padEnd(Math.max(marks.pass.length, marks.fail.length, marks.warn.length));
}

/** One tool's part of the checklist: its title, then a line per result. */
export function formatGroup(tool: string, group: readonly CheckResult[], icons: boolean): string {
  const marks = icons ? ICONS : ASCII;
  const width = Math.max(0, ...group.map((r) => safeText(r.check).length));
  const lines = [TOOL_TITLES[tool] ?? tool];
  for (const r of group) {
    const where = location(r);
    lines.push(`  ${mark(r, marks)} ${safeText(r.check).padEnd(width)}  ${where !== undefined ? `${safeText(where)}  ` : ''}${safeText(r.message)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The summary line: valid or not, the counts, how long it took (and each tool). */
export function formatSummary(results: readonly CheckResult[], options: { icons: boolean; durationMs?: number; toolDurationsMs?: Record<string, number> }): string {
  const marks = options.icons ? ICONS : ASCII;
  const s = summarize(results);
  const counts = [`${s.failed} failed`, ...(s.warnings > 0 ? [`${s.warnings} ${s.warnings === 1 ? 'warning' : 'warnings'}`] : []), `${s.passed} passed`].join(', ');
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const perTool = Object.entries(options.toolDurationsMs ?? {}).map(([tool, ms]) => `${tool} ${seconds(ms)}`);
  const took = options.durationMs !== undefined ? ` in ${seconds(options.durationMs)}${perTool.length > 0 ? ` (${perTool.join(', ')})` : ''}` : '';
  return `\n${s.ok ? `${marks.pass} valid` : `${marks.fail} not valid`}: ${counts}${took}\n`;
}

/** The checklist: one group per tool (in the order of the results), then the summary. */
export function formatChecklist(results: readonly CheckResult[], options: { icons: boolean; durationMs?: number; toolDurationsMs?: Record<string, number> }): string {
  const tools = [...new Set(results.map((r) => r.tool))];
  return (
    tools.map((tool) => formatGroup(tool, results.filter((r) => r.tool === tool), options.icons)).join('') + formatSummary(results, options)
  );
}

export async function runValidateCommand(opts: ValidateOptions, io: ValidateIo = { stdout: process.stdout }): Promise<number> {
  const format = opts.output === undefined || opts.output === 'text' ? 'text' : opts.output;
  if (format !== 'text' && format !== 'json' && format !== 'yaml') {
    throw new UserError(`-o ${format} is not available for validate: use text, json or yaml`, ExitCode.usage);
  }
  const workspace = requireWorkspace(opts.dir, 'validate');
  const started = performance.now();
  const toolDurationsMs: Record<string, number> = {};
  const icons = opts.icons !== false && io.stdout.isTTY === true;
  const results = await runValidation(workspace, io.onResult, {
    onToolDone: (tool, ms) => (toolDurationsMs[tool] = ms),
    // The text checklist comes tool by tool, as each is done (ansible-lint takes seconds).
    // A tool's results can span tools (ansible and ansible-lint): one group each.
    ...(format === 'text'
      ? {
          onToolResults: (_tool: string, done: CheckResult[]) => {
            for (const tool of new Set(done.map((r) => r.tool))) {
              io.stdout.write(formatGroup(tool, done.filter((r) => r.tool === tool), icons));
            }
          },
        }
      : {}),
  });
  const durationMs = Math.round(performance.now() - started);
  const summary = summarize(results);
  if (format === 'text') {
    io.stdout.write(formatSummary(results, { icons, durationMs, toolDurationsMs }));
  } else {
    const report: ValidateReport = { workspace: workspace.root, ...summary, results, durationMs, toolDurationsMs };
    io.stdout.write(serialize(report, format));
  }
  const code = summary.ok ? ExitCode.ok : ExitCode.failure;
  process.exitCode = code;
  return code;
}
