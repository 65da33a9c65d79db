// Derives the PVE API data the project ships from ../shared/pve-api (which users do not have):
//  - test/fixtures/pve/apidata.json       the official schema, verbatim (contract tests)
//  - test/fixtures/pve/samples/*           real captured responses + SOURCES.md (contract tests)
//  - src/simulator/schema/pve-schema.json  the served endpoints' parameters and returns, without
//                                          prose, which the simulator validates requests against
// Re-run with `npm run derive:pve` when the shared data or the served endpoint list changes.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVED_ENDPOINTS } from '../src/simulator/servedEndpoints.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, process.argv[2] ?? '../shared/pve-api');

const fixtures = join(root, 'test/fixtures/pve');
mkdirSync(join(fixtures, 'samples'), { recursive: true });
copyFileSync(join(shared, 'apidata.json'), join(fixtures, 'apidata.json'));
for (const f of readdirSync(join(shared, 'samples'))) {
  copyFileSync(join(shared, 'samples', f), join(fixtures, 'samples', f));
}

const schema = JSON.parse(readFileSync(join(shared, 'apidata.json'), 'utf8'));
type SchemaNode = { path: string; children?: SchemaNode[]; info?: Record<string, { parameters?: unknown; returns?: unknown; permissions?: unknown; allowtoken?: number; protected?: number }> };
const byPath = new Map<string, SchemaNode>();
(function walk(nodes: SchemaNode[]) {
  for (const n of nodes) {
    byPath.set(n.path, n);
    if (n.children) walk(n.children);
  }
})(schema as SchemaNode[]);

const PROSE = new Set(['description', 'verbose_description', 'format_description', 'text']);
function stripProse(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripProse);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!PROSE.has(k)) out[k] = stripProse(v);
    return out;
  }
  return value;
}

const subset: Record<string, unknown> = {};
for (const { method, path } of SERVED_ENDPOINTS) {
  const info = byPath.get(path)?.info?.[method];
  if (!info) throw new Error(`${method} ${path} is not in the official schema`);
  subset[`${method} ${path}`] = {
    parameters: stripProse(info.parameters ?? { properties: {} }),
    returns: stripProse(info.returns ?? {}),
    permissions: info.permissions ?? null,
    allowtoken: info.allowtoken ?? 1,
    protected: info.protected ?? 0,
  };
}
// The property-string formats the client parses into typed objects (the simulator validates
// every format straight from pve-schema.json).
const PROPERTY_FORMATS: Record<string, [string, string]> = {
  qemuNet: ['POST /nodes/{node}/qemu', 'net[n]'],
  qemuScsi: ['POST /nodes/{node}/qemu', 'scsi[n]'],
  qemuVirtio: ['POST /nodes/{node}/qemu', 'virtio[n]'],
  qemuSata: ['POST /nodes/{node}/qemu', 'sata[n]'],
  qemuIde: ['POST /nodes/{node}/qemu', 'ide[n]'],
  qemuEfidisk: ['POST /nodes/{node}/qemu', 'efidisk0'],
  qemuTpmstate: ['POST /nodes/{node}/qemu', 'tpmstate0'],
  qemuAgent: ['POST /nodes/{node}/qemu', 'agent'],
  qemuMemory: ['POST /nodes/{node}/qemu', 'memory'],
  lxcNet: ['POST /nodes/{node}/lxc', 'net[n]'],
  lxcRootfs: ['POST /nodes/{node}/lxc', 'rootfs'],
  lxcMountpoint: ['POST /nodes/{node}/lxc', 'mp[n]'],
  lxcFeatures: ['POST /nodes/{node}/lxc', 'features'],
};
const formats: Record<string, unknown> = {};
for (const [name, [endpoint, param]] of Object.entries(PROPERTY_FORMATS)) {
  const entry = subset[endpoint] as { parameters: { properties: Record<string, { format?: unknown }> } };
  const format = entry.parameters.properties[param]?.format;
  if (!format || typeof format !== 'object') throw new Error(`${endpoint} ${param} has no property-string format`);
  formats[name] = format;
}
mkdirSync(join(root, 'src/proxmox/schema'), { recursive: true });
writeFileSync(join(root, 'src/proxmox/schema/property-formats.json'), JSON.stringify(formats, null, 1) + '\n');

mkdirSync(join(root, 'src/simulator/schema'), { recursive: true });
writeFileSync(join(root, 'src/simulator/schema/pve-schema.json'), JSON.stringify(subset, null, 1) + '\n');
console.log(`derived ${Object.keys(subset).length} endpoints; copied apidata.json and samples`);
