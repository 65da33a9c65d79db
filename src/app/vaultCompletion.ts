// `$vault.<name>` in the palette: a word being typed that starts with `$` (alone, or after
// `key=` as in `pw=$vault.db`) completes to the vault's entry names. Names and dates are read
// without the passphrase (listVaultEntries); a value is never read here.
import { statSync } from 'node:fs';
import { listVaultEntries, vaultPath, type VaultEntryInfo } from '../workspace/vault.js';
import type { Completion } from './commands.js';
import { fuzzyFilter } from './fuzzy.js';

/** How long a reading of the vault's names is used without looking at the file again. */
const CACHE_MS = 2000;
const LIMIT = 20;

interface Cached {
  path: string;
  readAt: number;
  /** The file as it was read (ino, mtime, size), to tell a change; undefined: no file. */
  stamp?: string;
  entries: readonly VaultEntryInfo[];
}
let cache: Cached | undefined;

function stampOf(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.mtimeMs}:${st.size}`;
  } catch {
    return undefined;
  }
}

/**
 * The vault's entries (names and dates) for completion: read at most every 2 s, and again only
 * when the file changed. No vault file, or one that cannot be read: no entries, no error (the
 * palette is not the place to report it: `:vault` and `proxmox-mpc vault list` do).
 */
export function cachedVaultEntries(env: NodeJS.ProcessEnv = process.env, now: number = Date.now()): readonly VaultEntryInfo[] {
  const path = vaultPath(env);
  if (cache?.path === path && now - cache.readAt < CACHE_MS) return cache.entries;
  const stamp = stampOf(path);
  if (cache?.path === path && cache.stamp === stamp) {
    cache.readAt = now;
    return cache.entries;
  }
  let entries: readonly VaultEntryInfo[] = [];
  if (stamp !== undefined) {
    try {
      entries = listVaultEntries(path);
    } catch {
      entries = [];
    }
  }
  cache = { path, readAt: now, ...(stamp !== undefined ? { stamp } : {}), entries };
  return entries;
}

/** Forgets the cached names (tests). */
export function forgetVaultEntries(): void {
  cache = undefined;
}

/** `2025-03-01 14:05 UTC` from an ISO time (the text itself when it is not one). */
export function shortTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

// The last word of the line: `$...`, or `key=$...` (an ansible -e variable, a flag's value).
const VAULT_WORD = /(?:^|\s)((?:[^\s=$]+=)?)(\$\S*)$/;

/**
 * Completions of the `$` word at the end of `text` (the palette line without its `:`), or
 * undefined when the line does not end in one: each vault entry as `$vault.<name>`, matched
 * fuzzily against what is typed (`$`, `$v`, `$vault.` list them all).
 */
export function vaultCompletions(text: string, entries: () => readonly VaultEntryInfo[]): Completion[] | undefined {
  const m = VAULT_WORD.exec(text);
  if (!m) return undefined;
  const word = m[2]!;
  const head = text.slice(0, text.length - word.length);
  // `$`, `$v` ... `$vault.`: every entry; past that, the rest is matched against the name.
  const query = 'vault.'.startsWith(word.slice(1)) ? '' : word;
  return fuzzyFilter(query, entries(), (e) => `$vault.${e.name}`, { limit: LIMIT }).map((match) => ({
    value: `${head}$vault.${match.item.name}`,
    label: `$vault.${match.item.name}`,
    description: `vault entry, updated ${shortTime(match.item.updatedAt)}`,
    positions: match.positions,
  }));
}
