// The mapping between originals and pseudonyms: one per session, or loaded from a file to
// extend it (the same value gets the same pseudonym across files). Injective by construction:
// a pseudonym is handed out once, and a candidate already taken is skipped.
import { readFileSync, statSync } from 'node:fs';
import * as z from 'zod/mini';
import { UserError, ExitCode } from '../app/userError.js';
import { familyFor, KINDS, SECRET_KINDS, type Kind } from './rules.js';
import { writeFileAtomic } from '../util/atomicWrite.js';

const MAPPING_FORMAT = 'proxmox-mpc-anonymize-mapping';

const mappingFileSchema = z.object({
  format: z.literal(MAPPING_FORMAT),
  version: z.literal(1),
  createdAt: z.string(),
  /** Next number per pseudonym family. */
  counters: z.record(z.string(), z.number().check(z.int(), z.gte(0))),
  entries: z.array(z.object({ kind: z.enum(KINDS), original: z.string(), pseudonym: z.string() })),
});
export type MappingFile = z.infer<typeof mappingFileSchema>;

/** One kind's entries both ways, and how many replacements of it were made. */
interface KindTable {
  forward: Map<string, string>;
  reverse: Map<string, string>;
  count: number;
}

export class PseudonymMap {
  // One lookup per replacement finds all of a kind's state (a large file makes ~100k).
  private readonly tables = new Map<Kind, KindTable>(KINDS.map((k) => [k, { forward: new Map(), reverse: new Map(), count: 0 }]));
  private readonly counters = new Map<string, number>();
  private readonly createdAt: string;

  /** Replacements made (occurrences, not distinct values) per kind, for the summary. */
  get counts(): Map<Kind, number> {
    return new Map([...this.tables].filter(([, t]) => t.count > 0).map(([kind, t]) => [kind, t.count]));
  }

  constructor(file?: MappingFile) {
    this.createdAt = file?.createdAt ?? new Date().toISOString();
    if (!file) return;
    for (const [family, n] of Object.entries(file.counters)) this.counters.set(family, n);
    for (const e of file.entries) {
      const { forward, reverse } = this.tables.get(e.kind)!;
      if (reverse.has(e.pseudonym) && reverse.get(e.pseudonym) !== e.original) {
        throw new UserError(`the mapping file gives the pseudonym '${e.pseudonym}' to two values: it was edited or damaged`, ExitCode.usage);
      }
      forward.set(e.original, e.pseudonym);
      reverse.set(e.pseudonym, e.original);
    }
  }

  get size(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.forward.size;
    return n;
  }

  /** Grows with every new entry (a cache of restored text is stale once it changed). */
  get generation(): number {
    return this.added;
  }
  private added = 0;

  /** Counts one more replacement of `kind` (for a result the engine had already worked out). */
  count(kind: Kind): void {
    this.tables.get(kind)!.count++;
  }

  /** The pseudonym of `original` (the same one every time), handing out a new one if needed. */
  pseudonymFor(kind: Kind, original: string): string {
    const table = this.tables.get(kind)!;
    const { forward, reverse } = table;
    let pseudonym = forward.get(original);
    if (pseudonym === undefined) {
      const { family, make } = familyFor(kind, original);
      let n = this.counters.get(family) ?? 1;
      do {
        pseudonym = make(n++);
      } while (reverse.has(pseudonym));
      this.counters.set(family, n);
      forward.set(original, pseudonym);
      reverse.set(pseudonym, original);
      this.added++;
    }
    table.count++;
    return pseudonym;
  }

  /** The original behind a pseudonym, or undefined when this mapping did not hand it out. */
  originalOf(kind: Kind, pseudonym: string): string | undefined {
    const table = this.tables.get(kind)!;
    const original = table.reverse.get(pseudonym);
    if (original !== undefined) table.count++;
    return original;
  }

  toFile(options: { dropSecrets?: boolean } = {}): MappingFile {
    const entries: MappingFile['entries'] = [];
    for (const [kind, { forward }] of this.tables) {
      if (options.dropSecrets && SECRET_KINDS.has(kind)) continue;
      for (const [original, pseudonym] of forward) entries.push({ kind, original, pseudonym });
    }
    return { format: MAPPING_FORMAT, version: 1, createdAt: this.createdAt, counters: Object.fromEntries(this.counters), entries };
  }
}

/** Reads a mapping file (a usage error, one line, when it is not one). */
export function loadMapping(path: string): PseudonymMap {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `mapping file ${path} does not exist: pass the file anonymize wrote` : `cannot read mapping file ${path}: ${code ?? String(error)}`,
      code === 'ENOENT' ? ExitCode.notFound : ExitCode.failure,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UserError(`${path} is not a mapping file (not JSON): pass the file anonymize wrote`, ExitCode.usage);
  }
  const parsed = mappingFileSchema.safeParse(data);
  if (!parsed.success) throw new UserError(`${path} is not a proxmox-mpc anonymize mapping file: pass the file anonymize wrote`, ExitCode.usage);
  return new PseudonymMap(parsed.data);
}

/** Writes the mapping with mode 0600 (it holds the originals), atomically (temp + rename);
 * returns how many entries it holds. */
export function saveMapping(path: string, map: PseudonymMap, options: { dropSecrets?: boolean } = {}): number {
  const file = map.toFile(options);
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  return file.entries.length;
}

export function fileMode(path: string): number {
  return statSync(path).mode & 0o777;
}
