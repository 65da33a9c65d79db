// Derives src/generators/terraform/bpg-schema.json, the bpg/proxmox schema the product ships
// (the TypeScript schema check of generated .tf files, and the schema-only provider behind the
// offline `terraform validate`), from the collected ground truth: a schema in the shape of
// `terraform providers schema -json` with `x_bpg` extras (defaults, validation), extracted from
// bpg/terraform-provider-proxmox @ d6bd1ffe (v0.111.1-16).
//
//   node scripts/derive-bpg-schema.mjs [/path/to/bpg-schema.json]   (default /work/shared/iac/bpg-schema.json)
//
// Kept: the provider block and the proxmox_virtual_environment_vm / _container resources, with
// types, required/optional/computed, deprecation, nesting and item limits, descriptions, and
// x_bpg default / validation / elem_attributes / deprecation_message. Dropped: the other x_bpg
// notes (force_new, conflicts, raw Go). Changed: VM initialization.ip_config max_items 32 -> 8,
// the limit of the released 0.111.1 (the source commit is 16 commits later and raised it).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const source = process.argv[2] ?? '/work/shared/iac/bpg-schema.json';
const out = resolve(import.meta.dirname, '../src/generators/terraform/bpg-schema.json');
const PROVIDER = 'registry.terraform.io/bpg/proxmox';
const RESOURCES = ['proxmox_virtual_environment_vm', 'proxmox_virtual_environment_container'];
const X_KEEP = ['default', 'validation', 'elem_attributes', 'deprecation_message', 'env'];
const VALIDATION_KEEP = ['one_of', 'pattern', 'IntBetween', 'FloatBetween', 'IntAtLeast', 'StringLenBetween', 'also_allowed', 'checks'];

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  return value;
}

function xbpg(x) {
  if (!x) return undefined;
  const kept = {};
  for (const k of X_KEEP) {
    if (x[k] === undefined) continue;
    if (k === 'validation') {
      const v = Object.fromEntries(VALIDATION_KEEP.filter((n) => x.validation[n] !== undefined).map((n) => [n, x.validation[n]]));
      if (Object.keys(v).length) kept.validation = v;
    } else if (k === 'elem_attributes') kept.elem_attributes = block(x.elem_attributes);
    else kept[k] = x[k];
  }
  return Object.keys(kept).length ? kept : undefined;
}

function attribute(a) {
  const { x_bpg, ...rest } = a;
  const x = xbpg(x_bpg);
  return x ? { ...rest, x_bpg: x } : rest;
}

function block(b) {
  const out = { ...b };
  if (b.attributes) out.attributes = Object.fromEntries(Object.entries(b.attributes).map(([k, a]) => [k, attribute(a)]));
  if (b.block_types) out.block_types = Object.fromEntries(Object.entries(b.block_types).map(([k, nb]) => [k, { ...nb, block: block(nb.block) }]));
  delete out.x_bpg;
  return out;
}

const full = JSON.parse(readFileSync(source, 'utf8'));
const ps = full.provider_schemas[PROVIDER];
const resources = Object.fromEntries(RESOURCES.map((r) => [r, { ...ps.resource_schemas[r], block: block(ps.resource_schemas[r].block) }]));
const ipConfig = resources.proxmox_virtual_environment_vm.block.block_types.initialization.block.block_types.ip_config;
if (ipConfig.max_items !== 32 && ipConfig.max_items !== 8) throw new Error(`unexpected ip_config max_items ${ipConfig.max_items}: check the source`);
ipConfig.max_items = 8;

const derived = {
  format_version: full.format_version,
  x_meta: {
    derived_by: 'scripts/derive-bpg-schema.mjs',
    source_repo: full.x_meta.source_repo,
    source_commit: full.x_meta.source_commit,
    source_describe: full.x_meta.source_describe,
    provider_version: '0.111.1',
    changes: ['vm initialization.ip_config max_items 32 -> 8 (released 0.111.1)'],
    import: full.x_meta.import,
  },
  provider_schemas: { [PROVIDER]: { provider: { ...ps.provider, block: block(ps.provider.block) }, resource_schemas: resources } },
};
writeFileSync(out, `${JSON.stringify(sortKeys(derived), null, 1)}\n`);
console.log(`wrote ${out}`);
