// Drift between the live cluster (as the cache knows it) and the workspace's Terraform code.
// Both sides go through the same HCL parser (@cdktn/hcl2json): the code as it is on disk, and
// the code the generator would write for the cluster now. Resources are matched on their type
// and vm_id (unique in a cluster; node_name is compared like any attribute, so a migrated guest
// shows as a node_name change). Only the attributes the generator writes are compared: what the
// user added (lifecycle, extra arguments) is theirs. A value that is an expression (`${var.x}`)
// cannot be evaluated here and is skipped.
import { parse } from '@cdktn/hcl2json';
import type { GeneratedFile } from '../../generators/types.js';

export const GUEST_RESOURCE_TYPES = ['proxmox_virtual_environment_vm', 'proxmox_virtual_environment_container'] as const;

export interface CodeResource {
  type: string;
  name: string;
  address: string;
  file: string;
  line?: number;
  vmid?: number;
  node?: string;
  body: Record<string, unknown>;
}

export interface AttributeDiff {
  name: string;
  code: unknown;
  live: unknown;
}

export interface DriftReport {
  drift: boolean;
  /** Guests the generator would write that no resource in the code stands for. */
  notInCode: Array<{ type: string; vmid: number; node?: string; address: string }>;
  /** Resources in the code with no such guest in the cluster. */
  noGuest: Array<{ address: string; file: string; line?: number; vmid?: number; node?: string }>;
  changed: Array<{ address: string; file: string; line?: number; vmid: number; node?: string; attributes: AttributeDiff[] }>;
  /** Files that could not be parsed (reported, not fatal). */
  unreadable: Array<{ file: string; error: string }>;
  /** Resources matched and equal. */
  matching: number;
}

/** The guest resources of a set of .tf files (paths as given, e.g. `terraform/vm-101.tf`). */
export async function readGuestResources(files: readonly GeneratedFile[]): Promise<{ resources: CodeResource[]; unreadable: DriftReport['unreadable'] }> {
  const resources: CodeResource[] = [];
  const unreadable: DriftReport['unreadable'] = [];
  for (const file of files) {
    let json: Record<string, unknown>;
    try {
      json = (await parse(file.path, file.content)) as Record<string, unknown>;
    } catch (error) {
      unreadable.push({ file: file.path, error: firstLine(error) });
      continue;
    }
    const byType = (json.resource ?? {}) as Record<string, Record<string, unknown[]>>;
    for (const type of GUEST_RESOURCE_TYPES) {
      for (const [name, bodies] of Object.entries(byType[type] ?? {})) {
        const body = (Array.isArray(bodies) ? bodies[0] : bodies) as Record<string, unknown> | undefined;
        if (!body) continue;
        const r: CodeResource = { type, name, address: `${type}.${name}`, file: file.path, body };
        const line = lineOf(file.content, type, name);
        if (line !== undefined) r.line = line;
        const vmid = typeof body.vm_id === 'number' ? body.vm_id : typeof body.vm_id === 'string' && /^\d+$/.test(body.vm_id) ? Number(body.vm_id) : undefined;
        if (vmid !== undefined) r.vmid = vmid;
        if (typeof body.node_name === 'string') r.node = body.node_name;
        resources.push(r);
      }
    }
  }
  return { resources, unreadable };
}

/** Compares the code on disk with what the generator writes now. */
export async function computeDrift(generated: readonly GeneratedFile[], code: readonly GeneratedFile[]): Promise<DriftReport> {
  const live = await readGuestResources(generated.filter((f) => isTopLevelTf(f.path)));
  const disk = await readGuestResources(code.filter((f) => isTopLevelTf(f.path)));
  const key = (type: string, vmid: number) => `${type}/${vmid}`;
  const liveByKey = new Map<string, CodeResource>();
  for (const r of live.resources) if (r.vmid !== undefined) liveByKey.set(key(r.type, r.vmid), r);
  const report: DriftReport = { drift: false, notInCode: [], noGuest: [], changed: [], unreadable: disk.unreadable, matching: 0 };
  const seen = new Set<string>();
  for (const r of disk.resources) {
    const l = r.vmid !== undefined ? liveByKey.get(key(r.type, r.vmid)) : undefined;
    if (!l) {
      // a vm_id given as an expression cannot be matched: not reported as orphaned either
      if (r.vmid === undefined) continue;
      report.noGuest.push({ address: r.address, file: r.file, ...(r.line !== undefined ? { line: r.line } : {}), vmid: r.vmid, ...(r.node ? { node: r.node } : {}) });
      continue;
    }
    seen.add(key(r.type, r.vmid!));
    const attributes = compareBodies(l.body, r.body);
    if (attributes.length === 0) report.matching++;
    else report.changed.push({ address: r.address, file: r.file, ...(r.line !== undefined ? { line: r.line } : {}), vmid: r.vmid!, ...(l.node ? { node: l.node } : {}), attributes });
  }
  for (const l of live.resources) {
    if (l.vmid === undefined || seen.has(key(l.type, l.vmid))) continue;
    report.notInCode.push({ type: l.type, vmid: l.vmid, ...(l.node ? { node: l.node } : {}), address: l.address });
  }
  report.notInCode.sort((a, b) => a.vmid - b.vmid);
  report.noGuest.sort((a, b) => (a.vmid ?? 0) - (b.vmid ?? 0) || a.address.localeCompare(b.address));
  report.changed.sort((a, b) => a.vmid - b.vmid);
  report.drift = report.notInCode.length + report.noGuest.length + report.changed.length > 0;
  return report;
}

/** Attributes the provider fills in when the code leaves them out (a NIC's MAC address). */
const COMPUTED_WHEN_UNSET = /^(network_device|network_interface)\[\d+\]\.mac_address$/;

/** The differing leaves under the generator's top-level keys (blocks compared whole, so an extra
 * or missing disk shows too). */
export function compareBodies(live: Record<string, unknown>, code: Record<string, unknown>): AttributeDiff[] {
  const out: AttributeDiff[] = [];
  // A VM made by a clone {} block takes what its code leaves out from the template, and the
  // provider keeps it so (--emit-code writes such code): only what the code sets can drift.
  const cloned = code.clone !== undefined;
  for (const k of Object.keys(live).sort()) {
    const a = flatten(live[k], k);
    const b = flatten(code[k], k);
    const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
    for (const p of paths) {
      const lv = a.get(p);
      const cv = b.get(p);
      if (isExpression(lv) || isExpression(cv)) continue;
      if (cv === undefined && (cloned || COMPUTED_WHEN_UNSET.test(p))) continue;
      if (!sameValue(lv, cv)) out.push({ name: displayName(p, paths), code: cv ?? null, live: lv ?? null });
    }
  }
  return out;
}

function flatten(value: unknown, path: string, out = new Map<string, unknown>()): Map<string, unknown> {
  if (value === undefined) return out;
  if (Array.isArray(value)) {
    // a list of scalars (tags) is one value; a list of blocks is walked
    if (value.every((v) => v === null || typeof v !== 'object')) {
      out.set(path, value);
      return out;
    }
    value.forEach((v, i) => flatten(v, `${path}[${i}]`, out));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) out.set(path, {});
    for (const [k, v] of entries) flatten(v, `${path}.${k}`, out);
    return out;
  }
  out.set(path, value);
  return out;
}

/** `memory[0].dedicated` reads `memory.dedicated` when neither side has a second memory block. */
function displayName(path: string, all: readonly string[]): string {
  return path.replace(/\[0\]/g, (match, offset: number) => {
    const prefix = path.slice(0, offset);
    return all.some((p) => p.startsWith(`${prefix}[1]`)) ? match : '';
  });
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isExpression(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('${');
  if (Array.isArray(v)) return v.some(isExpression);
  return false;
}

function isTopLevelTf(path: string): boolean {
  return /^terraform\/[^/]+\.tf$/.test(path);
}

function lineOf(text: string, type: string, name: string): number | undefined {
  const re = new RegExp(`^[ \\t]*resource\\s+"${type}"\\s+"${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`, 'm');
  const m = re.exec(text);
  if (!m) return undefined;
  let line = 1;
  for (let i = 0; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
