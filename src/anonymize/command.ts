// What `anonymize` and `de-anonymize` do once their arguments are parsed: read the input
// (a file or stdin), process it, save the mapping (before any output: an anonymised file
// without its mapping could never be read back), write the result, and a summary on stderr.
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { AnonymizeOptions } from '../app/commands/anonymize.js';
import { ExitCode, UserError } from '../app/userError.js';
import { Anonymizer, type Direction } from './engine.js';
import { loadMapping, PseudonymMap, saveMapping } from './mapping.js';
import { detectFormat, processDocument } from './processors.js';
import { KINDS, usableName } from './rules.js';
import { writeFileAtomic } from '../util/atomicWrite.js';

export interface CommandIo {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  now: () => Date;
}

/** `$XDG_STATE_HOME/proxmox-mpc/anonymize` (XDG default ~/.local/state). */
export function defaultMappingDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME !== '' ? env.XDG_STATE_HOME : join(env.HOME ?? homedir(), '.local', 'state');
  return join(base, 'proxmox-mpc', 'anonymize');
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function readInput(file: string): string {
  try {
    if (statSync(file).isDirectory()) throw new UserError(`${file} is a directory: pass a file (or - for standard input)`, ExitCode.usage);
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${file} does not exist: pass an existing file (or - for standard input)`, ExitCode.notFound);
    throw new UserError(`cannot read ${file}: ${code ?? String(error)}`, ExitCode.failure);
  }
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : resolve(p));
  return real(a) === real(b);
}

async function knownNames(opts: AnonymizeOptions, env: NodeJS.ProcessEnv): Promise<{ nodes: string[]; guests: string[] }> {
  const nodes = [...(opts.node ?? [])];
  const guests = [...(opts.guest ?? [])];
  if (opts.namesFromCache) {
    const { openReadContext } = await import('../app/read/context.js');
    const ctx = await openReadContext(opts, { env });
    try {
      for (const n of ctx.cache.nodes(ctx.profile.id)) nodes.push(n.node);
      for (const g of ctx.cache.guests(ctx.profile.id)) guests.push(g.name);
    } finally {
      ctx.close();
    }
  }
  return { nodes: nodes.filter(usableName), guests: guests.filter(usableName) };
}

function summary(map: PseudonymMap): string {
  const parts: string[] = [];
  let total = 0;
  for (const kind of KINDS) {
    const n = map.counts.get(kind) ?? 0;
    if (n > 0) parts.push(`${n} ${kind}`);
    total += n;
  }
  return `${total} value${total === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

export async function runAnonymize(file: string, opts: AnonymizeOptions, direction: Direction, io: Partial<CommandIo> = {}): Promise<void> {
  const d: CommandIo = { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, now: () => new Date(), ...io };
  const fromStdin = file === '-';
  if (opts.inPlace && fromStdin) throw new UserError('--in-place needs a file, not standard input: pass a file or use --out', ExitCode.usage);
  if (opts.inPlace && opts.out) throw new UserError('--in-place and --out both say where to write: drop one of them', ExitCode.usage);
  if (!fromStdin && opts.out && !opts.inPlace && samePath(opts.out, file)) {
    throw new UserError(`--out ${opts.out} is the input file: pass --in-place to replace it, or another --out`, ExitCode.usage);
  }
  if (opts.mapping && !fromStdin && samePath(opts.mapping, file)) throw new UserError('--mapping is the input file: pass the mapping file anonymize wrote', ExitCode.usage);

  const input = fromStdin ? await readAll(d.stdin) : readInput(file);
  const format = opts.format ?? (fromStdin ? 'text' : detectFormat(file));
  const source = fromStdin ? 'standard input' : file;

  let mappingPath: string;
  let map: PseudonymMap;
  if (direction === 'deanonymize') {
    mappingPath = opts.mapping!;
    map = loadMapping(mappingPath);
  } else if (opts.mapping && existsSync(opts.mapping)) {
    mappingPath = opts.mapping;
    map = loadMapping(mappingPath);
  } else {
    const stamp = d.now().toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-');
    const name = fromStdin ? 'stdin' : basename(file).replace(/[^A-Za-z0-9._-]/g, '_');
    mappingPath = opts.mapping ?? join(defaultMappingDir(d.env), `${stamp}-${name}.mapping.json`);
    map = new PseudonymMap();
  }

  const names = direction === 'anonymize' ? await knownNames(opts, d.env) : { nodes: [], guests: [] };
  const engine = new Anonymizer({ mapping: map, nodeNames: names.nodes, guestNames: names.guests, domains: opts.domain ?? [] });
  const output = processDocument(input, format, engine, direction, source);

  let saved = 0;
  if (direction === 'anonymize') {
    // The mapping first: output without it could never be read back.
    if (!opts.mapping) mkdirSync(dirname(mappingPath), { recursive: true, mode: 0o700 });
    try {
      saved = saveMapping(mappingPath, map, { dropSecrets: opts.keepSecrets !== true });
    } catch (error) {
      throw new UserError(`cannot write the mapping to ${mappingPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}: pass a writable --mapping path`, ExitCode.failure);
    }
  }

  const target = opts.inPlace ? file : opts.out;
  if (target) {
    try {
      // Restored text holds the originals: private (0600, or the file's own mode without group
      // and other bits). Anonymized text is meant to be shared: the umask, or the file's mode.
      const restoring = direction === 'deanonymize';
      const mode = opts.inPlace ? statSync(file).mode & (restoring ? 0o700 : 0o777) : restoring ? 0o600 : undefined;
      writeFileAtomic(target, output, mode !== undefined ? { mode } : {});
    } catch (error) {
      throw new UserError(`cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, ExitCode.failure);
    }
  } else {
    d.stdout.write(output);
  }

  if (direction === 'anonymize') {
    d.stderr.write(`anonymized ${summary(map)}${target ? ` into ${target}` : ''}\n`);
    d.stderr.write(`mapping: ${mappingPath} (${saved} entries, mode 0600, ${opts.keepSecrets ? 'credentials included' : 'credentials left out'}; it holds the originals: keep it private)\n`);
  } else {
    d.stderr.write(`restored ${summary(map)}${target ? ` into ${target}` : ''}\n`);
  }
}
