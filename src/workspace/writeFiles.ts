// Writing generated files into a workspace without ever losing anything:
// - every write is atomic: a temp file in the same directory, fsynced, renamed over the target
//   (a crash leaves the old file or the new one, never half of one), then the directory fsynced;
// - every file replaced or removed is first copied to `.proxmox-mpc/backups/<timestamp>/`;
// - a file the user has taken over is never written nor removed. A generated file starts with
//   the marker line `# proxmox-mpc: managed ...`; deleting that line (or listing the path under
//   `keep:` in `.proxmox-mpc/config.yml`) makes the file the user's;
// - a managed file that generation no longer produces (its guest is gone) is moved to the backup;
//   an unmanaged one is left in place and reported as kept.
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import type { GeneratedFile } from '../generators/types.js';
import { isManaged } from '../generators/marker.js';
export { isManaged, MANAGED_MARKER, withMarker } from '../generators/marker.js';
import { WORKSPACE_DIR } from './project.js';
import { fsyncDir, writeFileAtomic } from '../util/atomicWrite.js';

/** Directories (relative to the workspace root) that generation owns files in. */
export const GENERATED_DIRS = ['terraform', 'ansible', 'tests'] as const;

/** Temp files of an interrupted write carry this in their name (never `.tf`/`.yml` at the end,
 * so no tool loads one); the next write removes them. */
export const TEMP_INFIX = '.pmc-tmp-';

export type FileStatus = 'new' | 'changed' | 'unchanged' | 'kept' | 'removed';

export interface FileChange {
  /** Relative to the workspace root, POSIX separators. */
  path: string;
  status: FileStatus;
  /** For kept: why (`marker removed`, `listed under keep`, `no longer generated`). */
  reason?: string;
  /** The text on disk before (new: absent). */
  before?: string;
  /** The text generation wants (removed/kept-orphan: absent). */
  after?: string;
}

export interface WritePlan {
  root: string;
  changes: FileChange[];
}

export interface PlanOptions {
  /** Paths the user listed under `keep:` (relative to root). */
  keep?: readonly string[];
}

/** Compares what generation wants with what is on disk. Reads only. */
export function planWrite(root: string, files: readonly GeneratedFile[], opts: PlanOptions = {}): WritePlan {
  const keep = new Set((opts.keep ?? []).map(normalise));
  const changes: FileChange[] = [];
  const wanted = new Set<string>();
  for (const file of files) {
    const path = normalise(file.path);
    checkRelative(path);
    wanted.add(path);
    const before = readIfFile(join(root, path));
    if (before === undefined) {
      if (keep.has(path)) changes.push({ path, status: 'kept', reason: 'listed under keep', after: file.content });
      else changes.push({ path, status: 'new', after: file.content });
    } else if (keep.has(path)) {
      changes.push({ path, status: 'kept', reason: 'listed under keep', before, after: file.content });
    } else if (!isManaged(before)) {
      changes.push({ path, status: 'kept', reason: 'marker removed', before, after: file.content });
    } else if (before === file.content) {
      changes.push({ path, status: 'unchanged', before, after: file.content });
    } else {
      changes.push({ path, status: 'changed', before, after: file.content });
    }
  }
  for (const path of listGeneratedDirs(root)) {
    if (wanted.has(path)) continue;
    const before = readIfFile(join(root, path));
    if (before === undefined) continue;
    if (isManaged(before) && !keep.has(path)) changes.push({ path, status: 'removed', before });
    else if (looksLikeGuestFile(path)) changes.push({ path, status: 'kept', reason: 'not generated (yours: a guest that is gone or not created yet)', before });
  }
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root, changes };
}

export interface ApplyResult {
  /** Where the replaced and removed files were copied, when any were (relative to root). */
  backupDir?: string;
  written: number;
  removed: number;
}

export interface ApplyOptions {
  /** The backup directory's name (default: the time now, ISO, `:` replaced). */
  timestamp?: string;
  /** Test hook: called before each file's rename (after its temp file is complete). */
  beforeRename?: (path: string) => void;
}

/** Carries out a plan: new and changed files written atomically, replaced and removed files
 * backed up first. Kept and unchanged files are not touched. */
export function applyWrite(plan: WritePlan, opts: ApplyOptions = {}): ApplyResult {
  const { root } = plan;
  removeStaleTemps(root);
  let backupRoot: string | undefined;
  const backupDir = (): string => {
    if (backupRoot) return backupRoot;
    const stamp = opts.timestamp ?? new Date().toISOString().replace(/:/g, '-');
    const base = join(root, WORKSPACE_DIR, 'backups');
    let candidate = join(base, stamp);
    for (let n = 1; existsSync(candidate); n++) candidate = join(base, `${stamp}-${n}`);
    mkdirSync(candidate, { recursive: true });
    backupRoot = candidate;
    return candidate;
  };
  let written = 0;
  let removed = 0;
  for (const change of plan.changes) {
    const target = join(root, change.path);
    if (change.status === 'new' || change.status === 'changed') {
      if (change.status === 'changed') backupFile(target, join(backupDir(), change.path));
      atomicWrite(target, change.after ?? '', opts.beforeRename ? () => opts.beforeRename!(change.path) : undefined);
      written++;
    } else if (change.status === 'removed') {
      const dest = join(backupDir(), change.path);
      mkdirSync(dirname(dest), { recursive: true });
      try {
        renameSync(target, dest);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
        backupFile(target, dest);
        unlinkSync(target);
      }
      fsyncDir(dirname(target));
      removed++;
    }
  }
  if (backupRoot) fsyncDir(backupRoot);
  return { ...(backupRoot ? { backupDir: backupRoot.slice(root.length + 1).split('\\').join('/') } : {}), written, removed };
}

/** Writes a generated file atomically (util/atomicWrite.ts): a replaced file keeps its mode, a
 * new one is 0644 less the umask; the temp file carries TEMP_INFIX (removeStaleTemps). */
export function atomicWrite(path: string, content: string, beforeRename?: () => void): void {
  writeFileAtomic(path, content, { dirMode: 0o777, keepMode: true, createMode: 0o644, tempInfix: TEMP_INFIX, ...(beforeRename ? { beforeRename } : {}) });
}

/** Removes temp files an interrupted write left in the generated directories. */
export function removeStaleTemps(root: string): string[] {
  const gone: string[] = [];
  for (const dir of GENERATED_DIRS) {
    for (const rel of walk(join(root, dir), dir, true)) {
      if (posix.basename(rel).includes(TEMP_INFIX)) {
        try {
          unlinkSync(join(root, rel));
          gone.push(rel);
        } catch {
          // raced with someone else
        }
      }
    }
  }
  return gone;
}

export interface WriteSummary {
  new: number;
  changed: number;
  unchanged: number;
  kept: number;
  removed: number;
}

export function summarise(plan: WritePlan): WriteSummary {
  const s: WriteSummary = { new: 0, changed: 0, unchanged: 0, kept: 0, removed: 0 };
  for (const c of plan.changes) s[c.status]++;
  return s;
}

export function summaryLine(s: WriteSummary): string {
  return `${s.new} new, ${s.changed} changed, ${s.unchanged} unchanged, ${s.kept} kept, ${s.removed} removed`;
}

/** A unified diff of two texts (`---`/`+++` headers, hunks with 3 lines of context). */
export function unifiedDiff(path: string, before: string | undefined, after: string | undefined): string {
  const a = before === undefined ? [] : splitLines(before);
  const b = after === undefined ? [] : splitLines(after);
  const ops = diffLines(a, b);
  if (!ops) return `--- a/${path}\n+++ b/${path}\n@@ (${a.length} lines -> ${b.length} lines; too large to diff line by line) @@\n`;
  const out = [`--- ${before === undefined ? '/dev/null' : `a/${path}`}`, `+++ ${after === undefined ? '/dev/null' : `b/${path}`}`];
  const CONTEXT = 3;
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.op === ' ') {
      i++;
      continue;
    }
    let start = Math.max(0, i - CONTEXT);
    let end = i;
    // extend the hunk while changes are within 2*CONTEXT of each other
    for (;;) {
      while (end < ops.length && ops[end]!.op !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]!.op === ' ') next++;
      if (next < ops.length && next - end <= 2 * CONTEXT) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + CONTEXT);
    let aStart = 0;
    let bStart = 0;
    for (let k = 0; k < start; k++) {
      if (ops[k]!.op !== '+') aStart++;
      if (ops[k]!.op !== '-') bStart++;
    }
    let aLen = 0;
    let bLen = 0;
    const body: string[] = [];
    for (let k = start; k < stop; k++) {
      const o = ops[k]!;
      if (o.op !== '+') aLen++;
      if (o.op !== '-') bLen++;
      body.push(`${o.op}${o.line}`);
    }
    out.push(`@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@`, ...body);
    i = stop;
    start = stop;
  }
  return out.join('\n') + '\n';
}

interface DiffOp {
  op: ' ' | '-' | '+';
  line: string;
}

/** LCS line diff; undefined when the texts are too large for it. */
function diffLines(a: string[], b: string[]): DiffOp[] | undefined {
  // trim the common head and tail first: regeneration changes little
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  if (am.length * bm.length > 4_000_000) return undefined;
  const n = am.length;
  const m = bm.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let x = n - 1; x >= 0; x--) {
    for (let y = m - 1; y >= 0; y--) {
      lcs[x]![y] = am[x] === bm[y] ? lcs[x + 1]![y + 1]! + 1 : Math.max(lcs[x + 1]![y]!, lcs[x]![y + 1]!);
    }
  }
  const ops: DiffOp[] = a.slice(0, head).map((line) => ({ op: ' ', line }));
  let x = 0;
  let y = 0;
  while (x < n && y < m) {
    if (am[x] === bm[y]) {
      ops.push({ op: ' ', line: am[x]! });
      x++;
      y++;
    } else if (lcs[x + 1]![y]! >= lcs[x]![y + 1]!) ops.push({ op: '-', line: am[x++]! });
    else ops.push({ op: '+', line: bm[y++]! });
  }
  while (x < n) ops.push({ op: '-', line: am[x++]! });
  while (y < m) ops.push({ op: '+', line: bm[y++]! });
  for (const line of a.slice(a.length - tail)) ops.push({ op: ' ', line });
  return ops;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function backupFile(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  const fd = openSync(to, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}


function listGeneratedDirs(root: string): string[] {
  return GENERATED_DIRS.flatMap((dir) => walk(join(root, dir), dir, false));
}

/** Files under `abs` (relative paths prefixed with `rel`), skipping dot-directories such as
 * `.terraform`: the ordinary files, or (temps) only the temp files of interrupted writes. */
function walk(abs: string, rel: string, temps: boolean): string[] {
  let entries;
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const childRel = `${rel}/${e.name}`;
    if (e.isDirectory()) {
      if (!e.name.startsWith('.')) out.push(...walk(join(abs, e.name), childRel, temps));
    } else if (e.isFile()) {
      const isTemp = e.name.includes(TEMP_INFIX);
      if (isTemp === temps) out.push(childRel);
    }
  }
  return out;
}

function looksLikeGuestFile(path: string): boolean {
  return /(^|\/)(vm|ct)-\d+[-.]/.test(path);
}

function readIfFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function normalise(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '');
}

function checkRelative(path: string): void {
  if (path.startsWith('/') || path.split('/').includes('..') || path === '') {
    throw new Error(`generated file path ${JSON.stringify(path)} is not inside the workspace`);
  }
}
