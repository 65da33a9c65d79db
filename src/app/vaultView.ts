// `:vault`: the vault's entries in a dialog (name, created, updated), read without the
// passphrase; a value is never read or shown. How to add one is said, since the console does not
// ask for secrets itself.
import type { ModalState } from '../store/types.js';
import { listVaultEntries, looseModeWarning, vaultPath, type VaultEntryInfo } from '../workspace/vault.js';
import { shortTime } from './vaultCompletion.js';

/** Entries listed in the dialog; the rest are counted (`proxmox-mpc vault list` has them all). */
const MAX_ROWS = 15;

const ADD_HINT = 'Add or change one: proxmox-mpc vault set NAME (in a shell; it asks for the value)';
const USE_HINT = 'Use one as $vault.NAME: in the config file, --token, PROXMOX_VE_*, :ansible PLAYBOOK var=$vault.NAME';

/** The dialog's lines for the entries. */
export function vaultLines(path: string, entries: readonly VaultEntryInfo[]): string[] {
  if (entries.length === 0) return [`The vault ${path} has no entries yet.`, '', ADD_HINT, USE_HINT];
  const width = Math.min(32, Math.max(4, ...entries.map((e) => e.name.length)));
  const row = (name: string, created: string, updated: string): string => `${name.padEnd(width)}  ${created.padEnd(20)}  ${updated}`;
  const shown = entries.slice(0, MAX_ROWS);
  return [
    path,
    '',
    row('NAME', 'CREATED', 'UPDATED'),
    ...shown.map((e) => row(e.name, shortTime(e.createdAt), shortTime(e.updatedAt))),
    ...(entries.length > shown.length ? [`... and ${entries.length - shown.length} more: proxmox-mpc vault list shows them all`] : []),
    '',
    ADD_HINT,
    USE_HINT,
  ];
}

/** The `:vault` dialog for the vault at vaultPath(env): its entries, or why it cannot be read. */
export function vaultModal(env: NodeJS.ProcessEnv = process.env): ModalState {
  const path = vaultPath(env);
  let entries: VaultEntryInfo[];
  try {
    entries = listVaultEntries(path);
  } catch (error) {
    return { title: 'Vault: cannot be read', body: [error instanceof Error ? error.message : String(error), '', 'proxmox-mpc vault list says the same; move the file away to start a new vault.'] };
  }
  const warning = looseModeWarning(path);
  return {
    title: `Vault: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (values are never shown)`,
    body: [...vaultLines(path, entries), ...(warning ? ['', `Warning: ${warning}`] : [])],
  };
}
