// A wizard's password field that takes a `$vault.<name>` reference: checked against the vault's
// names as it is typed (read without the passphrase), resolved only when the create runs, so
// that the secret is never in the wizard's values, its review or the store.
import { cachedVaultEntries } from '../../app/vaultCompletion.js';
import type { OperationPlan, Refusal } from '../../operations/types.js';
import { newGuestTarget } from '../../operations/create.js';
import type { VaultEntryInfo } from '../../workspace/vault.js';
import { vaultRefName } from '../../workspace/vault.js';
import { consoleResolver, type SecretResolver } from '../../workspace/vaultResolve.js';

export const isVaultReference = (value: string): boolean => value.startsWith('$vault.');

/** What is wrong with a `$vault.` reference typed in a password field (undefined: fine, or not
 * a reference). */
export function vaultReferenceProblem(value: string, entries: () => readonly VaultEntryInfo[] = cachedVaultEntries): string | undefined {
  if (!isVaultReference(value)) return undefined;
  const name = vaultRefName(value);
  if (name === undefined) return `'${value}' is not a vault reference: $vault.NAME, the name with letters, digits, '-', '_' and '.'`;
  if (!entries().some((e) => e.name === name)) return `the vault has no entry '${name}': add it with proxmox-mpc vault set ${name} (:vault lists the entries)`;
  return undefined;
}

/**
 * The plan for `spec` with its password resolved when it is a `$vault.<name>` reference (the
 * vault unlocked with the console's PMC_VAULT_PASSPHRASE); a vault that cannot be unlocked is a
 * refusal saying why and how to fix it, and nothing is created.
 */
export function planWithVaultPassword<S extends { node: string; vmid: number; password?: string }>(
  type: 'qemu' | 'lxc',
  spec: S,
  name: string,
  plan: (spec: S) => OperationPlan | Refusal,
  resolve: SecretResolver = consoleResolver(),
): OperationPlan | Refusal {
  if (spec.password === undefined || !isVaultReference(spec.password)) return plan(spec);
  let password: string;
  try {
    password = resolve(spec.password, 'the root password');
  } catch (error) {
    return { action: 'create', target: newGuestTarget(type, spec, name), reason: 'blocked', message: error instanceof Error ? error.message : String(error) };
  }
  return plan({ ...spec, password });
}
