// `proxmox-mpc init [dir]`: makes a workspace (.proxmox-mpc/config.yml, .gitignore, terraform/,
// ansible/, tests/) bound to a connection profile. With no usable profile, on a terminal, the
// first-run wizard makes one; without a terminal, a message says which flags or environment to
// use. The workspace is created either way: it needs a profile only to generate.
import { toJson } from '../output/serialize.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { configPath } from '../../workspace/configFile.js';
import { isEnvProfileName, type ConnectionSettings } from '../../workspace/connection.js';
import { initWorkspace, loadWorkspaceConfig, workspacePaths } from '../../workspace/project.js';
import type { GlobalOptions } from '../cli.js';
import { loadConnectionSettings } from '../settings.js';
import { ExitCode, UserError } from '../userError.js';

export interface InitCommandOptions extends GlobalOptions {
  force?: boolean;
  /** false with --no-wizard. */
  wizard?: boolean;
}

export interface InitIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WritableStream;
}

export const NO_PROFILE_HELP = (env: NodeJS.ProcessEnv) =>
  [
    'no usable connection profile yet, and no terminal to ask on. Either',
    '  - save one: PROXMOX_VE_API_TOKEN=\'USER@REALM!TOKENID=SECRET\' proxmox-mpc profile add NAME --endpoint https://HOST:8006 --fingerprint SHA256',
    '    then: proxmox-mpc init --force --profile NAME',
    '  - or use the environment (as the bpg/proxmox provider does): PROXMOX_VE_ENDPOINT, PROXMOX_VE_API_TOKEN',
    '    (or PROXMOX_VE_USERNAME + PROXMOX_VE_PASSWORD), and PMC_FINGERPRINT or PROXMOX_VE_INSECURE=true',
    `  - or run proxmox-mpc init on a terminal for the first-run wizard (profiles live in ${configPath(env)})`,
  ].join('\n');

export async function runInit(dir: string | undefined, opts: InitCommandOptions, io?: Partial<InitIo>): Promise<void> {
  const d: InitIo = { cwd: process.cwd(), env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, ...io };
  if (opts.output !== undefined && !['text', 'json'].includes(opts.output)) {
    throw new UserError(`-o ${opts.output} is not available for init: use text or json`, ExitCode.usage);
  }
  const target = resolve(d.cwd, dir ?? '.');
  const paths = workspacePaths(target);
  const already = existsSync(paths.configPath);
  if (already && !opts.force) {
    throw new UserError(`${target} is already a proxmox-mpc workspace: use --force to re-initialise it (your files are kept)`, ExitCode.usage);
  }
  let previousProfile: string | undefined;
  if (already) {
    try {
      previousProfile = loadWorkspaceConfig(paths.configPath).profile;
    } catch {
      previousProfile = undefined;
    }
  }
  const wanted = opts.profile ?? previousProfile;
  const resolveOpts: GlobalOptions = { ...opts, ...(wanted !== undefined ? { profile: wanted } : {}) };

  let profile: string | undefined;
  let note: string | undefined;
  let settings: ConnectionSettings | undefined;
  try {
    settings = loadConnectionSettings(resolveOpts, d.env);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    if (opts.wizard !== false && d.stdin.isTTY && d.stdout.isTTY) {
      profile = await wizard(resolveOpts, d);
    } else {
      note = `${error.message}\n${NO_PROFILE_HELP(d.env)}`;
      profile = wanted;
    }
  }
  if (settings) {
    if (isEnvProfileName(settings.profile)) {
      note = `using the connection from the environment (${settings.endpoint}); no profile recorded in the workspace: every command here needs the same PROXMOX_VE_* variables`;
    } else {
      profile = settings.profile;
    }
  }

  const result = initWorkspace(target, { ...(profile !== undefined ? { profile } : {}), force: opts.force === true });
  if (opts.output === 'json') {
    d.stdout.write(toJson({ root: result.workspace.root, profile: profile ?? null, created: result.created, reinitialised: result.reinitialised }));
  } else {
    const lines = [
      `${result.reinitialised ? 'Re-initialised' : 'Initialised'} the workspace in ${result.workspace.root}${profile ? ` (profile ${profile})` : ''}`,
      ...result.created.map((p) => `  created ${p}`),
      `Next: ${result.workspace.root === resolve(d.cwd) ? '' : `cd ${result.workspace.root} && `}proxmox-mpc generate --refresh (syncs the cluster into the workspace's cache, then writes it as code), then proxmox-mpc validate and plan.`,
    ];
    d.stdout.write(`${lines.join('\n')}\n`);
  }
  if (note) d.stderr.write(`proxmox-mpc: note: ${note}\n`);
}

async function wizard(opts: GlobalOptions, d: InitIo): Promise<string> {
  const [{ Prompter }, { runFirstRunWizard }, { createClient, principalOf }, { collectPingReport, formatPingReport }, { runProfileAdd }] = await Promise.all([
    import('./prompt.js'),
    import('./firstRun.js'),
    import('../connect.js'),
    import('../commands/ping.js'),
    import('../commands/profile.js'),
  ]);
  const prompter = new Prompter({ input: d.stdin, output: d.stdout });
  try {
    const result = await runFirstRunWizard(prompter, opts, {
      env: d.env,
      test: async (settings) => {
        const client = createClient(settings);
        try {
          const report = await collectPingReport(client, settings.endpoint, principalOf(settings.auth), settings.auth.kind === 'token' ? 'token' : 'ticket');
          return formatPingReport(report);
        } finally {
          client.close();
        }
      },
      save: (name, saveOpts) => runProfileAdd(name, saveOpts, d.env),
    });
    return result.profile;
  } finally {
    prompter.close();
  }
}
