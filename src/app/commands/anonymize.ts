// `proxmox-mpc anonymize` and `de-anonymize`: pseudonymise a file (text, JSON or YAML) before
// sharing it, with the mapping kept apart (mode 0600) so that an answer can be read back in
// the original names. Registration only here; the engine is loaded when a command runs.
import { Option, type Command } from 'commander';
import type { GlobalOptions } from '../cli.js';

export interface AnonymizeFlags {
  out?: string;
  mapping?: string;
  inPlace?: boolean;
  format?: 'text' | 'json' | 'yaml';
  namesFromCache?: boolean;
  node?: string[];
  guest?: string[];
  domain?: string[];
  /** Keep credentials' originals in the mapping (they are left out by default). */
  keepSecrets?: boolean;
}

export type AnonymizeOptions = GlobalOptions & AnonymizeFlags;

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

export function registerAnonymizeCommands(program: Command): void {
  program
    .command('anonymize <file>')
    .description('replace addresses, host names, e-mail, credentials, keys and node/guest names by consistent pseudonyms (file or - for stdin)')
    .option('--out <file>', 'write the result here (default: standard output)')
    .option('--in-place', 'replace the input file with the result')
    .option('--mapping <file>', 'the mapping file to write, or to extend when it exists (default: a new one under $XDG_STATE_HOME/proxmox-mpc/anonymize/)')
    .addOption(new Option('--format <format>', 'how to read the input (default: by extension; stdin: text)').choices(['text', 'json', 'yaml']))
    .option('--names-from-cache', "also replace the profile's node and guest names, read from its cache")
    .option('--node <names>', 'node names to replace (comma-separated, repeatable)', collect)
    .option('--guest <names>', 'guest names to replace (comma-separated, repeatable)', collect)
    .option('--domain <suffix>', 'DNS suffix whose names are host names (comma-separated, repeatable), e.g. corp.acme', collect)
    .option('--keep-secrets', 'also keep the credentials (passwords, token secrets, tickets, keys) in the mapping, so that de-anonymize restores them too')
    .addHelpText(
      'after',
      `
Replaced: IPv4/IPv6 addresses (loopback and 0.0.0.0 stay), MAC addresses, host names and FQDNs
(a known TLD or a --domain), e-mail addresses, API token secrets, tickets, CSRF tokens, the
values of password/secret/token keys, SSH keys, and node and guest names. The same value gets
the same pseudonym every time (10.77.0.1, host-0001.example.invalid, node-001, secret-0001).
JSON and YAML keep their keys, order, layout and comments.

The mapping (mode 0600) holds the originals: keep it private, share only the anonymised file.
Credentials are left out of it (a secret belongs in the vault, not in a file), so de-anonymize
leaves secret-0001... where they were; --keep-secrets keeps them too, for an exact round trip.
The summary and the mapping's path go to standard error.

Examples:
  proxmox-mpc anonymize cluster.json --out cluster.anon.json --names-from-cache
  journalctl -u pveproxy | proxmox-mpc anonymize - --mapping case-42.json > pveproxy.anon.log
  proxmox-mpc de-anonymize reply.txt --mapping case-42.json`,
    )
    .action(async (file: string, opts: AnonymizeFlags, cmd: Command) => {
      const { runAnonymize } = await import('../../anonymize/command.js');
      return runAnonymize(file, { ...cmd.optsWithGlobals<GlobalOptions>(), ...opts }, 'anonymize');
    });

  program
    .command('de-anonymize <file>')
    .description('restore the originals in a file anonymized with --mapping (file or - for stdin)')
    .requiredOption('--mapping <file>', 'the mapping file anonymize wrote')
    .option('--out <file>', 'write the result here (default: standard output)')
    .option('--in-place', 'replace the input file with the result')
    .addOption(new Option('--format <format>', 'how to read the input (default: by extension; stdin: text)').choices(['text', 'json', 'yaml']))
    .addHelpText(
      'after',
      `
Every pseudonym the mapping handed out is restored; anything else is left as it is.

Example:
  proxmox-mpc de-anonymize cluster.anon.json --mapping ~/.local/state/proxmox-mpc/anonymize/2026-01-01T10-00-00-cluster.mapping.json`,
    )
    .action(async (file: string, opts: AnonymizeFlags, cmd: Command) => {
      const { runAnonymize } = await import('../../anonymize/command.js');
      return runAnonymize(file, { ...cmd.optsWithGlobals<GlobalOptions>(), ...opts }, 'deanonymize');
    });
}
