// The `validate` command's definition (kept light: the checks load only when it runs).
import type { Command } from 'commander';
import type { ValidateOptions } from './validate.js';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description("check the workspace's code offline: terraform fmt and validate, the bpg/proxmox schema check, the Ansible checks")
    .option('--dir <path>', 'the workspace to check (default: the one around the current directory)')
    .addHelpText(
      'after',
      `
Checks, each as a line of the checklist with the file:line it is about:
  terraform fmt -check -recursive      every file formatted as terraform fmt would
  terraform validate                   offline: a schema-only bpg/proxmox provider serves the schema
                                       (no terraform init, no registry); needs terraform on PATH
                                       (or PMC_TERRAFORM); the tests/ .tftest.hcl files too
  schema                               every attribute and block known, required ones present,
                                       block counts and literal values allowed (TypeScript)
  ansible                              ansible-playbook --syntax-check, ansible-inventory --list,
                                       ansible-lint --offline --strict when installed

Exit codes: 0 valid (warnings allowed), 1 a check failed, 2 not in a workspace.

Examples:
  proxmox-mpc validate                  the checklist for the workspace around the current directory
  proxmox-mpc validate --dir ~/homelab -o json`,
    )
    .action(async (opts: { dir?: string }, cmd: Command) => {
      const { runValidateCommand } = await import('./validate.js');
      await runValidateCommand({ ...cmd.optsWithGlobals<ValidateOptions>(), ...opts });
    });
}
