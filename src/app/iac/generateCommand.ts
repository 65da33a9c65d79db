// `proxmox-mpc generate`: the workspace's terraform/, ansible/ and tests/ from the profile's
// cache. Writes atomically, backs up what it replaces, never touches a file the user took over,
// and says what it did: one line per file that is not unchanged, then
// `N new, N changed, N unchanged, N kept, N removed`. --dry-run/--diff write nothing.
import { toJson } from '../output/serialize.js';
import type { GeneratedFile, GeneratorOptions, IacInput } from '../../generators/types.js';
import { requireWorkspace, type Workspace } from '../../workspace/project.js';
import { applyWrite, planWrite, summarise, summaryLine, unifiedDiff, type FileChange, type WritePlan, type WriteSummary } from '../../workspace/writeFiles.js';
import { safeText } from '../../util/terminalText.js';
import type { ReadOptions } from '../read/context.js';
import { ExitCode, UserError } from '../userError.js';

export interface GenerateOptions extends ReadOptions {
  dryRun?: boolean;
  diff?: boolean;
}

export interface GenerateDeps {
  cwd: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  load: (opts: ReadOptions) => Promise<IacInput>;
  generate: (input: IacInput, options: GeneratorOptions) => GeneratedFile[] | Promise<GeneratedFile[]>;
}

export interface GenerateReport {
  root: string;
  dryRun: boolean;
  files: Array<{ path: string; status: FileChange['status']; reason?: string }>;
  summary: WriteSummary;
  backupDir?: string;
}

/** The workspace's profile applies unless --profile (or PMC_PROFILE) names another. */
export function workspaceReadOptions<T extends ReadOptions>(opts: T, ws: Workspace, env: NodeJS.ProcessEnv): T {
  if (opts.profile !== undefined || env.PMC_PROFILE !== undefined || ws.config.profile === undefined) return opts;
  return { ...opts, profile: ws.config.profile };
}

async function defaultDeps(): Promise<GenerateDeps> {
  const [{ loadIacInput }, { generateAll }] = await Promise.all([import('./loadInput.js'), import('../../generators/index.js')]);
  return {
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    load: (opts) => loadIacInput(opts),
    generate: generateAll,
  };
}

export async function runGenerate(opts: GenerateOptions, deps?: Partial<GenerateDeps>): Promise<GenerateReport> {
  const d: GenerateDeps = { ...(await defaultDeps()), ...deps };
  if (opts.output !== undefined && !['text', 'json'].includes(opts.output)) {
    throw new UserError(`-o ${opts.output} is not available for generate: use text or json`, ExitCode.usage);
  }
  const ws = requireWorkspace(d.cwd, 'generate');
  const input = await d.load(workspaceReadOptions(opts, ws, d.env));
  const files = await d.generate(input, ws.config.generate);
  const plan = planWrite(ws.root, files, { keep: ws.config.keep });
  const dryRun = opts.dryRun === true || opts.diff === true;
  const report: GenerateReport = {
    root: ws.root,
    dryRun,
    files: plan.changes.map((c) => ({ path: c.path, status: c.status, ...(c.reason ? { reason: c.reason } : {}) })),
    summary: summarise(plan),
  };
  if (!dryRun) {
    const applied = applyWrite(plan);
    if (applied.backupDir) report.backupDir = applied.backupDir;
  }
  if (opts.output === 'json') {
    d.stdout.write(toJson(report));
  } else {
    d.stdout.write(formatGenerate(plan, report, opts.diff === true));
  }
  return report;
}

const VERB: Record<FileChange['status'], string> = { new: 'new', changed: 'changed', unchanged: 'unchanged', kept: 'kept', removed: 'removed' };

export function formatGenerate(plan: WritePlan, report: GenerateReport, diff: boolean): string {
  const out: string[] = [];
  for (const c of plan.changes) {
    if (c.status === 'unchanged') continue;
    const why = c.reason ? ` (${c.reason}${c.status === 'kept' && c.after !== undefined ? ': not overwritten' : ''})` : '';
    out.push(`${VERB[c.status].padEnd(9)} ${safeText(c.path)}${why}`);
    if (diff && (c.status === 'new' || c.status === 'changed' || c.status === 'removed')) {
      out.push(...splitDiff(unifiedDiff(c.path, c.before, c.status === 'removed' ? undefined : c.after)).map(safeText));
    }
  }
  const where = report.backupDir ? ` (replaced files backed up in ${report.backupDir})` : '';
  out.push(`${report.dryRun ? 'would generate' : 'generated'}: ${summaryLine(report.summary)}${where}`);
  return `${out.join('\n')}\n`;
}

function splitDiff(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
