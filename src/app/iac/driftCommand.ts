// `proxmox-mpc drift`: the live cluster (the cache; --refresh syncs first) against the
// workspace's terraform/*.tf. Exit 0 when they agree, 1 when drift is found.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile, GeneratorOptions, IacInput } from '../../generators/types.js';
import { safeText } from '../../util/terminalText.js';
import { toJson } from '../output/serialize.js';
import { requireWorkspace } from '../../workspace/project.js';
import type { ReadOptions } from '../read/context.js';
import { ExitCode, UserError } from '../userError.js';
import { computeDrift, type DriftReport } from './drift.js';
import { driftValueText, kindOfResource } from './driftText.js';
import { workspaceReadOptions } from './generateCommand.js';

export interface DriftDeps {
  cwd: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  load: (opts: ReadOptions) => Promise<IacInput>;
  generate: (input: IacInput, options: GeneratorOptions) => GeneratedFile[] | Promise<GeneratedFile[]>;
}

async function defaultDeps(): Promise<DriftDeps> {
  const [{ loadIacInput }, { generateAll }] = await Promise.all([import('./loadInput.js'), import('../../generators/index.js')]);
  return { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, env: process.env, load: (opts) => loadIacInput(opts), generate: generateAll };
}

/** terraform/*.tf as they are (Terraform reads only the top level of its directory). */
export function readTerraformDir(root: string): GeneratedFile[] {
  const dir = join(root, 'terraform');
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.tf'))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
  return names.map((name) => ({ path: `terraform/${name}`, content: readFileSync(join(dir, name), 'utf8') }));
}

export async function runDrift(opts: ReadOptions, deps?: Partial<DriftDeps>): Promise<DriftReport> {
  const d: DriftDeps = { ...(await defaultDeps()), ...deps };
  if (opts.output !== undefined && !['text', 'json'].includes(opts.output)) {
    throw new UserError(`-o ${opts.output} is not available for drift: use text or json`, ExitCode.usage);
  }
  const ws = requireWorkspace(d.cwd, 'drift');
  const input = await d.load(workspaceReadOptions(opts, ws, d.env));
  const generated = await d.generate(input, ws.config.generate);
  const report = await computeDrift(generated, readTerraformDir(ws.root));
  const names = new Map(input.guests.map((g) => [g.vmid, g.name]));
  if (opts.output === 'json') d.stdout.write(toJson(report));
  else d.stdout.write(formatDrift(report, names));
  for (const u of report.unreadable) d.stderr.write(`proxmox-mpc: warning: ${safeText(u.file)}: not read: ${safeText(u.error)}\n`);
  process.exitCode = report.drift ? ExitCode.failure : ExitCode.ok;
  return report;
}

export function formatDrift(r: DriftReport, names: ReadonlyMap<number, string | undefined> = new Map()): string {
  const out: string[] = [];
  const where = (file: string, line?: number) => safeText(`${file}${line !== undefined ? `:${line}` : ''}`);
  for (const g of r.notInCode) {
    const kind = kindOfResource(g.type);
    const name = names.get(g.vmid);
    out.push(`not in code   ${kind} ${g.vmid}${name ? ` ${safeText(name)}` : ''}${g.node ? ` on ${safeText(g.node)}` : ''} (run proxmox-mpc generate to add it)`);
  }
  for (const c of r.noGuest) {
    out.push(`no guest      ${where(c.file, c.line)} ${safeText(c.address)}${c.vmid !== undefined ? ` (vm_id ${c.vmid}${c.node ? ` on ${safeText(c.node)}` : ''})` : ''}`);
  }
  for (const c of r.changed) {
    out.push(`changed       ${where(c.file, c.line)} ${safeText(c.address)} (vm_id ${c.vmid})`);
    for (const a of c.attributes) out.push(`                ${safeText(a.name)}: code ${driftValueText(a.code)}, live ${driftValueText(a.live)}`);
  }
  if (!r.drift) out.push(`no drift: ${r.matching} guest${r.matching === 1 ? '' : 's'} match the code`);
  else {
    out.push(
      `drift: ${r.notInCode.length} guest${r.notInCode.length === 1 ? '' : 's'} not in code, ${r.noGuest.length} resource${r.noGuest.length === 1 ? '' : 's'} with no guest, ${r.changed.length} with changed attributes, ${r.matching} matching`,
    );
  }
  return `${out.join('\n')}\n`;
}
