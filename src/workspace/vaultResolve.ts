// Resolving a `$vault.<name>` reference when a secret is about to be used (an ansible -e
// variable, a container's root password): from the CLI, which may ask for the passphrase on the
// terminal, or from the console, which cannot (it owns the terminal).
import { existsSync } from 'node:fs';
import { ExitCode, UserError } from '../app/userError.js';
import { resolveSecret, vaultPath, vaultRefName } from './vault.js';

/** Resolves a `$vault.<name>` reference (other values come back as they are); `where` names it
 * in the message when it cannot. */
export type SecretResolver = (reference: string, where: string) => string;

/** The CLI's resolver: the vault unlocked with PMC_VAULT_PASSPHRASE or a prompt on the terminal. */
export function cliResolver(env: NodeJS.ProcessEnv = process.env): SecretResolver {
  return (reference, where) => resolveSecret(reference, where, env);
}

/**
 * The console's resolver: the console cannot prompt (it owns the terminal), so the passphrase
 * must be in its environment; each failure says which it is and how to fix it.
 */
export function consoleResolver(env: NodeJS.ProcessEnv = process.env): SecretResolver {
  return (reference, where) => {
    const passphrase = env.PMC_VAULT_PASSPHRASE;
    // Without a vault file the reference's own message (no vault: vault set NAME) says more.
    if ((passphrase === undefined || passphrase === '') && vaultRefName(reference) !== undefined && existsSync(vaultPath(env))) {
      throw new UserError(
        `${where} refers to ${reference}, but the vault is locked: the console cannot ask for its passphrase; quit, export PMC_VAULT_PASSPHRASE=... and start the console again (or run the command in a shell, which asks)`,
        ExitCode.usage,
      );
    }
    return resolveSecret(reference, where, env);
  };
}
