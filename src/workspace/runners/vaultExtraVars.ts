// ansible-playbook's extra variables whose value is a `$vault.<name>` reference (`pw=$vault.db`):
// resolved only when the run starts, and handed over in files (`-e @file`), each 0600 in a
// directory only we can read (0700), removed when the run ends, so that the secret is never on
// ansible-playbook's command line (ps shows argv to every user) nor in the run's log (which
// records the arguments). Resolving registers the value with the redactor: a line that echoes
// it shows `***<name>***`. The CLI (`proxmox-mpc ansible`) and the console (`:ansible`) share it.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretResolver } from '../vaultResolve.js';

export { cliResolver, consoleResolver, type SecretResolver } from '../vaultResolve.js';

/** Signals whose default action ends the process at once. */
const ENDING_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];

/** `key=$vault.<...>`: the value is a reference (checked by resolveSecret). */
const VAULT_VAR = /^([A-Za-z_][A-Za-z0-9_]*)=(\$vault\..*)$/s;

export interface ExtraVars {
  /** ansible-playbook's arguments: `-e k=v` as given, `-e @file` for each vault reference. */
  args: string[];
  /** The files written (none when no value was a reference). */
  files: string[];
  /** Removes the files (and the directory made for them); safe to call more than once. */
  cleanup(): void;
}

export interface ExtraVarsOptions {
  /** A private directory to write in (removed by its owner); default a new one, removed by cleanup. */
  dir?: string;
  env?: NodeJS.ProcessEnv;
}

/** Where the private directory goes: $XDG_RUNTIME_DIR (a per-user tmpfs) when there is one. */
function baseDir(env: NodeJS.ProcessEnv): string {
  const runtime = env.XDG_RUNTIME_DIR;
  try {
    if (runtime && statSync(runtime).isDirectory()) return runtime;
  } catch {
    // Not there: the system's temporary directory.
  }
  return tmpdir();
}

/**
 * `vars` (each `key=value` of -e) as ansible-playbook arguments, every `key=$vault.<name>`
 * resolved with `resolve` and written to its own file (in the order given, so that a later -e
 * still wins as ansible has it). Throws what `resolve` throws, having written nothing.
 */
export function prepareExtraVars(vars: readonly string[], resolve: SecretResolver, options: ExtraVarsOptions = {}): ExtraVars {
  const env = options.env ?? process.env;
  // Every reference first: a run that cannot have all its secrets writes none of them.
  const values = vars.map((v) => {
    const m = VAULT_VAR.exec(v);
    return m ? { key: m[1]!, secret: resolve(m[2]!, `-e ${m[1]}`) } : undefined;
  });
  if (values.every((v) => v === undefined)) return { args: vars.flatMap((v) => ['-e', v]), files: [], cleanup: () => {} };

  const own = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(baseDir(env), 'pmc-vars-'));
  const files: string[] = [];
  const cleanup = (): void => {
    process.off('exit', cleanup);
    for (const signal of ENDING_SIGNALS) process.off(signal, onSignal);
    for (const f of files) rmSync(f, { force: true });
    if (own) rmSync(dir, { recursive: true, force: true });
  };
  // A signal that no one else handles ends the process without 'exit' (the CLI on SIGTERM or
  // SIGHUP): the files go first, then the signal is raised again to end it as it would have.
  // Where another handler decides (the console's, the CLI's Ctrl-C), 'exit' removes them.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return;
    cleanup();
    process.kill(process.pid, signal);
  };
  // A process that ends mid-run (the console quit, an error) still removes them.
  process.on('exit', cleanup);
  for (const signal of ENDING_SIGNALS) process.on(signal, onSignal);
  const args: string[] = [];
  try {
    vars.forEach((v, i) => {
      const resolved = values[i];
      if (resolved === undefined) {
        args.push('-e', v);
        return;
      }
      const file = join(dir, `vars-${i + 1}.json`);
      files.push(file);
      // JSON: the value reaches the playbook as the same string `-e key=value` would give.
      writeFileSync(file, `${JSON.stringify({ [resolved.key]: resolved.secret })}\n`, { mode: 0o600, flag: 'wx' });
      args.push('-e', `@${file}`);
    });
  } catch (error) {
    cleanup();
    throw error;
  }
  return { args, files, cleanup };
}
