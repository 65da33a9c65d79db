// The credentials vault: $XDG_CONFIG_HOME/proxmox-mpc/vault.json, mode 0600, written atomically.
//
// Each entry is sealed on its own with AES-256-GCM (a random 12-byte IV per encryption, the
// 16-byte auth tag checked on every read, the entry's name and time as additional data so that
// entries cannot be swapped or re-dated). The key is derived from a passphrase with scrypt; the
// salt and the scrypt parameters (N, r, p) are recorded in the file. A sealed constant (`check`)
// tells a wrong passphrase (exit 2) from a damaged entry. Names and times are not secret: `vault
// list` and completion read them without the passphrase.
//
// The passphrase comes from PMC_VAULT_PASSPHRASE or, on a terminal, a prompt without echo.
//
// Two processes may change the vault at once (`vault set` in two shells, the first of which
// creates it): each change is a read-modify-write under `vault.json.lock`, and a new vault file
// is created with link(2), which fails when the file exists: the process that loses the race
// adopts the winner's salt and key (same passphrase) and adds its entry to it.
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import en from 'zod/v4/locales/en.js';
import * as z from 'zod/mini';
import { ExitCode, UserError } from '../app/userError.js';
import { registerSecret } from '../util/redact.js';
import { fsyncDir, tempPathFor, writeFileAtomic } from '../util/atomicWrite.js';
import { FileLockTimeout, withFileLockSync } from '../util/fileLock.js';

z.config(en());

export const VAULT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** `$vault.<name>`: a reference to a vault entry, usable wherever a secret is expected. */
export const VAULT_REF = /^\$vault\.([A-Za-z0-9][A-Za-z0-9_.-]*)$/;

/** scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, ~0.1 s), OWASP's minimum is 2^17 with r 8 p 1
 * for password *storage*; a vault unlocked once per command trades a little for start-up time. */
export const DEFAULT_KDF = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const CHECK_TEXT = 'proxmox-mpc vault v1';

const b64 = z.string().check(z.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const sealedSchema = { iv: b64, tag: b64, data: b64 };
const vaultSchema = z.strictObject({
  version: z.literal(1),
  kdf: z.strictObject({
    name: z.literal('scrypt'),
    salt: b64,
    // Bounded, so that a crafted file cannot make us allocate gigabytes.
    N: z.number().check(z.int(), z.gte(2 ** 10), z.lte(2 ** 20), z.refine((n) => (n & (n - 1)) === 0, 'N must be a power of 2')),
    r: z.number().check(z.int(), z.gte(1), z.lte(32)),
    p: z.number().check(z.int(), z.gte(1), z.lte(16)),
  }),
  cipher: z.literal('aes-256-gcm'),
  check: z.strictObject(sealedSchema),
  entries: z.record(z.string().check(z.regex(VAULT_NAME)), z.strictObject({ ...sealedSchema, createdAt: z.string(), updatedAt: z.string() })),
});

export type VaultFile = z.infer<typeof vaultSchema>;
interface Sealed {
  iv: string;
  tag: string;
  data: string;
}

export interface VaultEntryInfo {
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface KdfParams {
  N: number;
  r: number;
  p: number;
}

/** `$PMC_VAULT`, else `$XDG_CONFIG_HOME/proxmox-mpc/vault.json` (XDG default ~/.config). */
export function vaultPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PMC_VAULT) return env.PMC_VAULT;
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'proxmox-mpc', 'vault.json');
}

/** The one-line warning for a secrets file that group or others can read, or undefined. */
export function looseModeWarning(path: string): string | undefined {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
  return mode & 0o077 ? `${path} is readable by others (mode ${mode.toString(8).padStart(3, '0')}): run chmod 600 ${path}` : undefined;
}

function readVaultFile(path: string): VaultFile | undefined {
  if (!existsSync(path)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : 'it is not valid JSON';
    throw new UserError(`${path}: cannot read the vault: ${why}`, ExitCode.usage);
  }
  const parsed = vaultSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.');
    throw new UserError(`${path}: not a proxmox-mpc vault: ${key ? `'${key}': ` : ''}${issue.message}`, ExitCode.usage);
  }
  return parsed.data;
}

/** Names and times of the entries, without the passphrase ([] when there is no vault). */
export function listVaultEntries(path: string): VaultEntryInfo[] {
  const file = readVaultFile(path);
  if (!file) return [];
  return Object.entries(file.entries)
    .map(([name, e]) => ({ name, createdAt: e.createdAt, updatedAt: e.updatedAt }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

// Derived keys by passphrase, salt and parameters: one scrypt per process and vault.
const keyCache = new Map<string, Buffer>();

function deriveKey(passphrase: string, salt: Buffer, kdf: KdfParams): Buffer {
  const id = `${kdf.N}:${kdf.r}:${kdf.p}:${salt.toString('base64')}:${passphrase}`;
  const cached = keyCache.get(id);
  if (cached) return cached;
  const key = scryptSync(passphrase.normalize('NFC'), salt, KEY_LENGTH, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 1024 * 1024 });
  keyCache.set(id, key);
  return key;
}

function seal(key: Buffer, plaintext: string, aad: string): Sealed {
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

/** The plaintext, or undefined when the auth tag does not match (wrong key or changed bytes). */
function open(key: Buffer, sealed: Sealed, aad: string): string | undefined {
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (iv.length !== IV_LENGTH || tag.length !== TAG_LENGTH) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

const entryAad = (name: string, createdAt: string, updatedAt: string): string => `${CHECK_TEXT} entry ${JSON.stringify([name, createdAt, updatedAt])}`;

export interface OpenVaultOptions {
  /** scrypt parameters for a new vault (default DEFAULT_KDF). */
  kdf?: KdfParams;
  now?: () => Date;
}

/** An unlocked vault: entries decrypted on demand, every change written at once. */
export class Vault {
  private constructor(
    readonly path: string,
    private file: VaultFile,
    private key: Buffer,
    private readonly now: () => Date,
    /** false until the first save of a new vault. */
    private stored: boolean,
    /** For a new vault: to open the one another process may create first. */
    private readonly passphrase: string,
  ) {}

  /** Opens the vault at `path` (or a new, empty one) with `passphrase`; a wrong passphrase is a
   * UserError (exit 2). */
  static open(path: string, passphrase: string, options: OpenVaultOptions = {}): Vault {
    if (passphrase === '') throw new UserError('the vault passphrase is empty: set PMC_VAULT_PASSPHRASE to a passphrase', ExitCode.usage);
    const now = options.now ?? (() => new Date());
    const existing = readVaultFile(path);
    if (existing) {
      const key = deriveKey(passphrase, Buffer.from(existing.kdf.salt, 'base64'), existing.kdf);
      const check = open(key, existing.check, CHECK_TEXT);
      if (check !== CHECK_TEXT) {
        throw new UserError(`wrong passphrase for the vault ${path} (or its file is damaged): check PMC_VAULT_PASSPHRASE`, ExitCode.usage);
      }
      return new Vault(path, existing, key, now, true, passphrase);
    }
    const kdf = options.kdf ?? DEFAULT_KDF;
    const salt = randomBytes(16);
    const key = deriveKey(passphrase, salt, kdf);
    const file: VaultFile = {
      version: 1,
      kdf: { name: 'scrypt', salt: salt.toString('base64'), N: kdf.N, r: kdf.r, p: kdf.p },
      cipher: 'aes-256-gcm',
      check: seal(key, CHECK_TEXT, CHECK_TEXT),
      entries: {},
    };
    return new Vault(path, file, key, now, false, passphrase);
  }

  /** Whether the file exists yet (a new vault is written by its first set). */
  get exists(): boolean {
    return this.stored;
  }

  list(): VaultEntryInfo[] {
    return Object.entries(this.file.entries)
      .map(([name, e]) => ({ name, createdAt: e.createdAt, updatedAt: e.updatedAt }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  has(name: string): boolean {
    return Object.hasOwn(this.file.entries, name);
  }

  /** The secret called `name` (registered with the redactor), undefined when there is none; a
   * changed or damaged entry is a UserError. */
  get(name: string): string | undefined {
    if (!this.has(name)) return undefined;
    const entry = this.file.entries[name]!;
    const value = open(this.key, entry, entryAad(name, entry.createdAt, entry.updatedAt));
    if (value === undefined) {
      throw new UserError(
        `vault entry '${name}' in ${this.path} failed its integrity check (the file was changed or damaged): set it again with proxmox-mpc vault set ${name}`,
        ExitCode.usage,
      );
    }
    registerSecret(name, value);
    return value;
  }

  set(name: string, value: string): void {
    if (!VAULT_NAME.test(name)) throw new UserError(`vault entry name '${name}' is not valid: use letters, digits, '-', '_' and '.'`, ExitCode.usage);
    if (value === '') throw new UserError(`the secret for vault entry '${name}' is empty`, ExitCode.usage);
    registerSecret(name, value);
    this.update(() => {
      const updatedAt = this.now().toISOString();
      const createdAt = this.file.entries[name]?.createdAt ?? updatedAt;
      // Sealed after the reload: the key is the file's (a vault another process created first).
      this.file.entries[name] = { ...seal(this.key, value, entryAad(name, createdAt, updatedAt)), createdAt, updatedAt };
      return true;
    });
  }

  /** Removes `name`; false when there was no such entry. */
  remove(name: string): boolean {
    return this.update(() => {
      if (!this.has(name)) return false;
      delete this.file.entries[name];
      return true;
    });
  }

  /**
   * The file as it is now, for a vault unlocked earlier in a process that runs on (the console):
   * entries set or changed since by another process are seen. False when the file was replaced
   * under another key, or removed: the vault must be opened again.
   */
  refresh(): boolean {
    const current = readVaultFile(this.path);
    if (!current) return !this.stored;
    if (current.kdf.salt !== this.file.kdf.salt || open(this.key, current.check, CHECK_TEXT) !== CHECK_TEXT) return false;
    this.file = current;
    this.stored = true;
    return true;
  }

  /** One change as a read-modify-write under the lock: the file as it is now, `change` applied
   * (false: nothing to write), written. A new vault that another process created meanwhile (a
   * process without the lock) is read again and the change applied to it. */
  private update(change: () => boolean): boolean {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    try {
      return withFileLockSync(`${this.path}.lock`, () => {
        for (;;) {
          this.reload();
          if (!change()) return false;
          if (this.save()) return true;
        }
      });
    } catch (error) {
      if (!(error instanceof FileLockTimeout)) throw error;
      throw new UserError(`the vault ${this.path} is being changed by another process${error.holder !== undefined ? ` (pid ${error.holder})` : ''}: try again, or remove ${error.lockPath} if no proxmox-mpc is running`, ExitCode.failure);
    }
  }

  /** The file as it is now, before a change: another process may have added an entry since we
   * read it (its entries are kept), or created the vault after we found none (its salt and key
   * are taken, when our passphrase opens it). A vault re-created under another key is not
   * overwritten. */
  private reload(): void {
    const current = readVaultFile(this.path);
    if (!current) return; // still none (or removed meanwhile: written again with what we hold)
    if (!this.stored) {
      const key = deriveKey(this.passphrase, Buffer.from(current.kdf.salt, 'base64'), current.kdf);
      if (open(key, current.check, CHECK_TEXT) !== CHECK_TEXT) {
        throw new UserError(`the vault ${this.path} was just created by another process with another passphrase: nothing was saved; check PMC_VAULT_PASSPHRASE`, ExitCode.usage);
      }
      this.key = key;
      this.file = current;
      this.stored = true;
      return;
    }
    if (current.kdf.salt !== this.file.kdf.salt || open(this.key, current.check, CHECK_TEXT) !== CHECK_TEXT) {
      throw new UserError(`the vault ${this.path} was replaced while this command ran (another key): run the command again`, ExitCode.failure);
    }
    this.file = current;
  }

  /** Writes the file; false when this was to create it and another process created it first. */
  private save(): boolean {
    const text = `${JSON.stringify(this.file, null, 2)}\n`;
    if (this.stored) {
      writeFileAtomic(this.path, text, { mode: 0o600, dirMode: 0o700 });
      return true;
    }
    // Created whole or not at all: the text is complete in a temp file, which link(2) puts in
    // place only when no vault exists (rename would replace one).
    const tmp = tempPathFor(this.path);
    writeFileAtomic(tmp, text, { mode: 0o600, dirMode: 0o700 });
    try {
      linkSync(tmp, this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      unlinkSync(tmp);
    }
    fsyncDir(dirname(this.path));
    this.stored = true;
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Passphrase

/** Reads a line from the terminal without echo (synchronously: the CLI has nothing else to do
 * while it waits, and callers that only know they need a secret when they connect are sync). */
export function promptSecret(question: string): string {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    throw new UserError('cannot open the terminal to ask for a secret: set PMC_VAULT_PASSPHRASE (or use --from-env / --stdin)', ExitCode.usage);
  }
  const stty = (args: string[]) => spawnSync('stty', args, { stdio: [fd, 'pipe', 'ignore'], encoding: 'utf8' });
  // The terminal's settings as they were (a readline prompt may have it in raw mode), restored after.
  const saved = stty(['-g']).stdout?.trim();
  try {
    // Echo off before the question shows: what is typed as soon as it appears is not echoed.
    // Non-canonical without signals: Ctrl-C comes here as a byte, so that the terminal's
    // settings are restored before we stop (a SIGINT would leave it without echo).
    stty(['-echo', '-icanon', '-isig', 'min', '1', 'time', '0']);
    try {
      writeSync(fd, question);
      const bytes: number[] = [];
      const one = Buffer.alloc(1);
      for (;;) {
        let n: number;
        try {
          n = readSync(fd, one, 0, 1, null);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
          throw error;
        }
        const byte = one[0]!;
        if (n === 0 || byte === 0x0a || byte === 0x0d || (byte === 0x04 && bytes.length === 0)) break;
        if (byte === 0x03) throw new UserError('cancelled: nothing was saved', ExitCode.failure); // Ctrl-C
        if (byte === 0x7f || byte === 0x08) {
          // Backspace: one character, i.e. a UTF-8 lead byte and its continuation bytes.
          while (bytes.length > 0 && (bytes.pop()! & 0xc0) === 0x80);
          continue;
        }
        if (byte === 0x15) {
          bytes.length = 0; // Ctrl-U
          continue;
        }
        bytes.push(byte);
      }
      return Buffer.from(bytes).toString('utf8');
    } finally {
      stty(saved ? [saved] : ['echo']);
      writeSync(fd, '\n');
    }
  } finally {
    closeSync(fd);
  }
}

export interface PassphraseSource {
  env?: NodeJS.ProcessEnv;
  /** Whether a terminal can be asked (default: stdin is a TTY). */
  interactive?: boolean;
  /** The prompt (default: /dev/tty without echo); for tests. */
  prompt?: (question: string) => string;
}

/** The passphrase for the vault at `path`: PMC_VAULT_PASSPHRASE, else asked on the terminal
 * (twice for a new vault), else a UserError saying how to give it. */
export function vaultPassphrase(path: string, source: PassphraseSource = {}): string {
  const env = source.env ?? process.env;
  const fromEnv = env.PMC_VAULT_PASSPHRASE;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const interactive = source.interactive ?? process.stdin.isTTY === true;
  if (!interactive) {
    throw new UserError(`the vault ${path} needs its passphrase: set PMC_VAULT_PASSPHRASE (there is no terminal to ask it on)`, ExitCode.usage);
  }
  const prompt = source.prompt ?? promptSecret;
  if (existsSync(path)) return prompt(`Vault passphrase (${path}): `);
  const first = prompt(`New vault passphrase (${path}): `);
  if (first === '') throw new UserError('the vault passphrase is empty: nothing was saved', ExitCode.usage);
  if (prompt('Repeat the passphrase: ') !== first) throw new UserError('the passphrases differ: nothing was saved', ExitCode.usage);
  return first;
}

// Vaults unlocked in this process, by path.
const unlocked = new Map<string, Vault>();
const warned = new Set<string>();

/** Prints the loose-mode warning for `path` once per process. */
export function warnLooseMode(path: string, stderr: NodeJS.WritableStream = process.stderr): void {
  const warning = looseModeWarning(path);
  if (warning && !warned.has(path)) {
    warned.add(path);
    stderr.write(`proxmox-mpc: warning: ${warning}\n`);
  }
}

/** The vault at vaultPath(env), unlocked once per process (its file read again on each call). */
export function unlockVault(env: NodeJS.ProcessEnv = process.env, source: Omit<PassphraseSource, 'env'> = {}): Vault {
  const path = vaultPath(env);
  const cached = unlocked.get(path);
  // Read again: another process may have changed it since (`vault set` while the console runs).
  if (cached?.refresh()) return cached;
  unlocked.delete(path);
  warnLooseMode(path);
  const passphrase = vaultPassphrase(path, { ...source, env });
  registerSecret('vault-passphrase', passphrase);
  const vault = Vault.open(path, passphrase);
  unlocked.set(path, vault);
  return vault;
}

/** Forgets unlocked vaults (tests). */
export function lockVaults(): void {
  unlocked.clear();
}

/** Whether `value` is a `$vault.<name>` reference (the name, or undefined). */
export function vaultRefName(value: string | undefined): string | undefined {
  return value === undefined ? undefined : VAULT_REF.exec(value)?.[1];
}

/**
 * `value` itself, or, when it is a `$vault.<name>` reference, the vault's secret of that name
 * (unlocking the vault: PMC_VAULT_PASSPHRASE or a prompt). `where` names the reference's place
 * for the message when the entry is missing.
 */
export function resolveSecret(value: string, where: string, env: NodeJS.ProcessEnv = process.env): string {
  if (value.startsWith('$vault.') && vaultRefName(value) === undefined) {
    throw new UserError(`${where}: '${value}' is not a vault reference: write $vault.<name> with letters, digits, '-', '_' and '.'`, ExitCode.usage);
  }
  const name = vaultRefName(value);
  if (name === undefined) return value;
  const path = vaultPath(env);
  if (!existsSync(path)) {
    throw new UserError(`${where} refers to $vault.${name}, but there is no vault at ${path}: add the secret with proxmox-mpc vault set ${name}`, ExitCode.usage);
  }
  const secret = unlockVault(env).get(name);
  if (secret === undefined) {
    throw new UserError(`${where} refers to $vault.${name}, which is not in the vault ${path}: add it with proxmox-mpc vault set ${name} (proxmox-mpc vault list shows the entries)`, ExitCode.usage);
  }
  return secret;
}
