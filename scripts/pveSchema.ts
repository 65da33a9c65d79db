// Derivation of the schema data the project ships, from the official PVE API schema. Used by
// scripts/derive-pve-fixtures.ts (writes it) and the contract tests (checks it has not drifted).
import type { EndpointKey } from '../src/simulator/servedEndpoints.js';

export interface SchemaMethodInfo {
  parameters?: { properties?: Record<string, unknown>; additionalProperties?: number };
  returns?: unknown;
  permissions?: unknown;
  allowtoken?: number;
  protected?: number;
}

export interface SchemaNode {
  path: string;
  children?: SchemaNode[];
  info?: Partial<Record<EndpointKey['method'], SchemaMethodInfo>>;
}

export function indexSchema(apidata: SchemaNode[]): Map<string, SchemaNode> {
  const byPath = new Map<string, SchemaNode>();
  (function walk(nodes: SchemaNode[]) {
    for (const n of nodes) {
      byPath.set(n.path, n);
      if (n.children) walk(n.children);
    }
  })(apidata);
  return byPath;
}

const PROSE = new Set(['description', 'verbose_description', 'format_description', 'text']);

/** Removes prose keywords from a schema. Inside `properties` and property-string `format`
 * objects the keys are names (a parameter may be called `description`), so those are kept. */
function stripProse(value: unknown, keysAreNames = false): unknown {
  if (Array.isArray(value)) return value.map((v) => stripProse(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (!keysAreNames && PROSE.has(k)) continue;
      const childKeysAreNames = !keysAreNames && (k === 'properties' || (k === 'format' && typeof v === 'object'));
      out[k] = stripProse(v, childKeysAreNames);
    }
    return out;
  }
  return value;
}

export function deriveEndpointSchemas(byPath: Map<string, SchemaNode>, served: EndpointKey[]): Record<string, unknown> {
  const subset: Record<string, unknown> = {};
  for (const { method, path } of served) {
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
  return subset;
}

// The property-string formats the client parses into typed objects (the simulator validates
// every format straight from the endpoint schemas).
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

export function derivePropertyFormats(endpointSchemas: Record<string, unknown>): Record<string, unknown> {
  const formats: Record<string, unknown> = {};
  for (const [name, [endpoint, param]] of Object.entries(PROPERTY_FORMATS)) {
    const entry = endpointSchemas[endpoint] as { parameters: { properties: Record<string, { format?: unknown }> } } | undefined;
    const format = entry?.parameters.properties[param]?.format;
    if (!format || typeof format !== 'object') throw new Error(`${endpoint} ${param} has no property-string format`);
    formats[name] = format;
  }
  return formats;
}

export function toJsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 1)}\n`;
}
