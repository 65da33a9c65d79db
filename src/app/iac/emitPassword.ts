// `create vm|ct --password-env VAR --emit-code`: the code reads the password from a sensitive
// variable at plan and apply, so the value in VAR is never read here. When VAR holds a
// `$vault.NAME` reference, the entry must be in the vault (looked up by name: no passphrase is
// needed), and the output says to set TF_VAR_... from `proxmox-mpc vault get NAME --reveal`.
import { existsSync } from 'node:fs';
import { listVaultEntries, vaultPath, vaultRefName } from '../../workspace/vault.js';
import type { EmitPassword } from './emitCode.js';

/** The password `value` gives (the content of the variable `where`), or what is wrong with it. */
export function emitPasswordOf(value: string, where: string, env: NodeJS.ProcessEnv = process.env): EmitPassword | { problem: string } {
  if (!value.startsWith('$vault.')) return {};
  const name = vaultRefName(value);
  if (name === undefined) return { problem: `${where}: '${value}' is not a vault reference: write $vault.<name> with letters, digits, '-', '_' and '.'` };
  const path = vaultPath(env);
  if (!existsSync(path)) return { problem: `${where} refers to $vault.${name}, but there is no vault at ${path}: add the secret with proxmox-mpc vault set ${name}` };
  if (!listVaultEntries(path).some((e) => e.name === name)) {
    return { problem: `${where} refers to $vault.${name}, which is not in the vault ${path}: add it with proxmox-mpc vault set ${name} (proxmox-mpc vault list shows the entries)` };
  }
  return { vault: name };
}
