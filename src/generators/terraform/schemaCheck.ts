// checkTerraformSchema: the .tf files of a workspace walked against the bpg/proxmox schema the
// product ships (bpg-schema.json): unknown arguments and blocks, required ones missing, too
// many blocks, values of the wrong type, and the provider's own value checks (allowed values,
// ranges, patterns) on literal values; expressions (`${...}`) are not evaluated. Pure Node, no
// Terraform needed: the offline `terraform validate` (through the schema-only provider) checks
// structure too but not the provider's value validators, which only this check covers.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from '@cdktn/hcl2json';
import type { CheckResult } from '../../workspace/checks/types.js';
import type { GeneratedFile } from '../types.js';
import schemaJson from './bpg-schema.json' with { type: 'json' };
import { childBlock, locateBlocks, type LocatedBlock } from './hclLocate.js';

type CtyType = string | [string, unknown];

interface XBpg {
  default?: unknown;
  deprecation_message?: string;
  validation?: {
    one_of?: string[];
    pattern?: string[];
    IntBetween?: [number, number];
    FloatBetween?: [number, number];
    IntAtLeast?: [number];
    StringLenBetween?: [number, number];
    also_allowed?: unknown[];
    checks?: string[];
  };
  elem_attributes?: SchemaBlock;
}

interface SchemaAttribute {
  type: CtyType;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  deprecated?: boolean;
  x_bpg?: XBpg;
}

interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, { nesting_mode: string; min_items?: number; max_items?: number; block: SchemaBlock }>;
}

const PROVIDER_KEY = 'registry.terraform.io/bpg/proxmox';
const providerSchemas = (schemaJson as unknown as { provider_schemas: Record<string, { provider: { block: SchemaBlock }; resource_schemas: Record<string, { block: SchemaBlock }> }> })
  .provider_schemas[PROVIDER_KEY]!;

/** Resource meta-arguments Terraform itself handles. */
const META_ARGS = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'connection', 'provisioner', 'dynamic']);

const TOOL = 'schema';
const CHECK = 'bpg/proxmox schema';

interface Ctx {
  file: string;
  results: CheckResult[];
}

function finding(ctx: Ctx, severity: 'error' | 'warning', message: string, line: number | undefined): void {
  const r: CheckResult = { tool: TOOL, check: CHECK, ok: false, severity, message, file: ctx.file };
  if (line !== undefined && line > 0) r.line = line;
  ctx.results.push(r);
}

const isExpression = (v: unknown): boolean => typeof v === 'string' && /\$\{[\s\S]*\}/.test(v) && v.startsWith('${') && v.endsWith('}');

/** A Go (RE2) pattern as a JavaScript RegExp: an inline `(?i)` becomes the i flag; a pattern
 * JavaScript cannot read matches everything (the check then says nothing rather than wrong). */
function goRegex(pattern: string): RegExp {
  const flags = pattern.includes('(?i)') ? 'i' : '';
  try {
    return new RegExp(pattern.replaceAll('(?i)', '').replace(/\\z/g, '$'), flags);
  } catch {
    return /[\s\S]*/;
  }
}

function typeName(t: CtyType): string {
  return typeof t === 'string' ? t : `${t[0]}(${typeName(t[1] as CtyType)})`;
}

function describe(v: unknown): string {
  return JSON.stringify(v);
}

/** Terraform's conversion: is this literal acceptable for the type? */
function typeOk(t: CtyType, v: unknown): boolean {
  if (isExpression(v) || v === null) return true;
  if (typeof t === 'string') {
    switch (t) {
      case 'string':
        return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
      case 'number':
        return typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
      case 'bool':
        return typeof v === 'boolean' || v === 'true' || v === 'false';
      default:
        return true;
    }
  }
  const [kind, elem] = t;
  if (kind === 'list' || kind === 'set') return Array.isArray(v) && v.every((e) => typeOk(elem as CtyType, e));
  if (kind === 'map') return typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every((e) => typeOk(elem as CtyType, e));
  return true;
}

/** The provider's validator on a literal value: undefined when fine, else why not. */
function validationError(x: XBpg | undefined, v: unknown): string | undefined {
  const val = x?.validation;
  if (!val || isExpression(v) || v === null) return undefined;
  if (val.also_allowed?.some((a) => a === v || String(a) === String(v))) return undefined;
  if (typeof v === 'string' || typeof v === 'number') {
    const s = String(v);
    const n = Number(v);
    if (val.IntBetween) {
      const [lo, hi] = val.IntBetween;
      if (!Number.isInteger(n) || n < lo || n > hi) return `expected an integer between ${lo} and ${hi}, got ${describe(v)}`;
    }
    if (val.FloatBetween) {
      const [lo, hi] = val.FloatBetween;
      if (!Number.isFinite(n) || n < lo || n > hi) return `expected a number between ${lo} and ${hi}, got ${describe(v)}`;
    }
    if (val.IntAtLeast && (!Number.isInteger(n) || n < val.IntAtLeast[0])) return `expected an integer of at least ${val.IntAtLeast[0]}, got ${describe(v)}`;
    if (val.StringLenBetween && (s.length < val.StringLenBetween[0] || s.length > val.StringLenBetween[1])) {
      return `expected a length between ${val.StringLenBetween[0]} and ${val.StringLenBetween[1]}, got ${s.length}`;
    }
    if (val.checks?.includes('StringIsNotEmpty') && s === '') return 'expected a non-empty value';
    if (val.one_of || val.pattern) {
      const emptyOk = val.checks?.includes('StringIsEmpty') && s === '';
      const inList = val.one_of?.includes(s) ?? false;
      const matches = val.pattern?.some((p) => goRegex(p).test(s)) ?? false;
      if (!emptyOk && !inList && !matches) {
        const allowed = val.one_of ? `one of ${val.one_of.map((o) => JSON.stringify(o)).join(', ')}` : '';
        const pats = val.pattern ? `matching ${val.pattern.join(' or ')}` : '';
        return `expected ${[allowed, pats].filter(Boolean).join(', or ')}; got ${describe(v)}`;
      }
    }
  }
  return undefined;
}

function checkAttribute(ctx: Ctx, where: string, name: string, a: SchemaAttribute, v: unknown, line: number | undefined, loc: LocatedBlock | undefined): void {
  if (a.deprecated) finding(ctx, 'warning', `${where}: "${name}" is deprecated${a.x_bpg?.deprecation_message ? `: ${a.x_bpg.deprecation_message}` : ''}`, line);
  if (a.computed && !a.optional && !a.required) {
    finding(ctx, 'error', `${where}: "${name}" is read-only (computed by the provider) and cannot be set`, line);
    return;
  }
  // list(object) attributes (network_device) also take block syntax: walk the elements.
  if (Array.isArray(a.type) && a.type[0] === 'list' && Array.isArray(a.type[1]) && a.type[1][0] === 'object' && Array.isArray(v) && a.x_bpg?.elem_attributes) {
    v.forEach((elem, k) => {
      if (elem === null || typeof elem !== 'object' || Array.isArray(elem)) return;
      const childLoc = childBlock(loc, name, k);
      walkBlock(ctx, `${where}.${name}[${k}]`, a.x_bpg!.elem_attributes!, elem as Record<string, unknown>, childLoc, childLoc?.line ?? line, false);
    });
    return;
  }
  if (!typeOk(a.type, v)) {
    finding(ctx, 'error', `${where}: inappropriate value for "${name}": ${typeName(a.type)} required, got ${describe(v)}`, line);
    return;
  }
  const values = Array.isArray(v) ? v : [v];
  for (const one of values) {
    const why = validationError(a.x_bpg, one);
    if (why) finding(ctx, 'error', `${where}: invalid value for "${name}": ${why}`, line);
  }
}

function walkBlock(ctx: Ctx, where: string, schema: SchemaBlock, body: Record<string, unknown>, loc: LocatedBlock | undefined, headLine: number | undefined, resourceLevel: boolean): void {
  const attrs = schema.attributes ?? {};
  const blocks = schema.block_types ?? {};
  for (const [key, value] of Object.entries(body)) {
    const line = loc?.attrs.get(key) ?? childBlock(loc, key, 0)?.line ?? headLine;
    if (resourceLevel && META_ARGS.has(key)) continue;
    const a = attrs[key];
    if (a) {
      checkAttribute(ctx, where, key, a, value, line, loc);
      continue;
    }
    const b = blocks[key];
    if (b) {
      if (!Array.isArray(value) || value.some((e) => e === null || typeof e !== 'object' || Array.isArray(e))) {
        if (loc?.attrs.has(key) || !Array.isArray(value)) {
          finding(ctx, 'error', `${where}: an argument named "${key}" is not expected here; did you mean to define a block of type "${key}"?`, line);
          continue;
        }
      }
      const items = value as Array<Record<string, unknown>>;
      if (b.max_items !== undefined && items.length > b.max_items) {
        finding(ctx, 'error', `${where}: too many ${key} blocks: no more than ${b.max_items} allowed, found ${items.length}`, childBlock(loc, key, b.max_items)?.line ?? line);
      }
      if (b.min_items !== undefined && items.length < b.min_items) finding(ctx, 'error', `${where}: at least ${b.min_items} ${key} blocks are required`, line);
      items.forEach((item, k) => {
        const childLoc = childBlock(loc, key, k);
        walkBlock(ctx, `${where}.${key}${b.max_items === 1 ? '' : `[${k}]`}`, b.block, item, childLoc, childLoc?.line ?? line, false);
      });
      continue;
    }
    const looksLikeBlock = Array.isArray(value) && value.length > 0 && value.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e)) && !loc?.attrs.has(key);
    if (looksLikeBlock) finding(ctx, 'error', `${where}: blocks of type "${key}" are not expected here`, line);
    else finding(ctx, 'error', `${where}: an argument named "${key}" is not expected here`, line);
  }
  for (const [name, a] of Object.entries(attrs)) {
    if (a.required && !(name in body)) finding(ctx, 'error', `${where}: the argument "${name}" is required, but no definition was found`, headLine);
  }
  for (const [name, b] of Object.entries(blocks)) {
    if ((b.min_items ?? 0) > 0 && !(name in body)) finding(ctx, 'error', `${where}: at least ${b.min_items} "${name}" block is required`, headLine);
  }
}

function parseErrorLine(message: string): number | undefined {
  const m = /:(\d+),\d+/.exec(message);
  return m ? Number(m[1]) : undefined;
}

async function checkFile(file: string, src: string, results: CheckResult[]): Promise<number> {
  const ctx: Ctx = { file, results };
  let json: Record<string, unknown>;
  try {
    json = (await parse(file, src)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    finding(ctx, 'error', `not valid HCL: ${message.replace(/\s+/g, ' ').trim()}`, parseErrorLine(message));
    return 0;
  }
  const located = locateBlocks(src);
  let resources = 0;
  const resourceTypes = (json.resource ?? {}) as Record<string, Record<string, unknown[]>>;
  for (const [type, byName] of Object.entries(resourceTypes)) {
    const schema = providerSchemas.resource_schemas[type];
    for (const [name, bodies] of Object.entries(byName)) {
      bodies.forEach((body, k) => {
        const loc = childBlock(located, 'resource', k, [type, name]) ?? childBlock(located, 'resource', 0, [type, name]);
        if (!schema) {
          if (type.startsWith('proxmox_')) finding(ctx, 'warning', `${type}.${name}: not checked (the shipped schema has the VM and container resources only)`, loc?.line);
          return;
        }
        resources++;
        walkBlock(ctx, `${type}.${name}`, schema.block, body as Record<string, unknown>, loc, loc?.line, true);
      });
    }
  }
  const providers = (json.provider ?? {}) as Record<string, unknown[]>;
  (providers.proxmox ?? []).forEach((body, k) => {
    const loc = childBlock(located, 'provider', k, ['proxmox']);
    const { alias: _alias, version: _version, ...rest } = body as Record<string, unknown>;
    walkBlock(ctx, 'provider.proxmox', providerSchemas.provider.block, rest, loc, loc?.line, false);
  });
  return resources;
}

/** Checks generated files (the .tf ones) or every .tf file of a directory. */
export async function checkTerraformSchema(files: readonly GeneratedFile[] | string): Promise<CheckResult[]> {
  let list: GeneratedFile[];
  if (typeof files === 'string') {
    const names = (await readdir(files)).filter((f) => f.endsWith('.tf')).sort();
    list = await Promise.all(names.map(async (f) => ({ path: f, content: await readFile(join(files, f), 'utf8') })));
  } else list = files.filter((f) => f.path.endsWith('.tf'));
  const results: CheckResult[] = [];
  let resources = 0;
  for (const f of list) resources += await checkFile(f.path, f.content, results);
  if (!results.some((r) => r.severity === 'error')) {
    results.unshift({ tool: TOOL, check: CHECK, ok: true, severity: 'info', message: `${list.length} files, ${resources} resources match the bpg/proxmox 0.111 schema` });
  }
  return results;
}
