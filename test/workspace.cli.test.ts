// The workspace as a user drives it: `init`, `generate`, re-generation, files the user took over,
// guests that are gone, and a generate killed half-way. The built CLI (a private copy) runs in
// the workspace directory against a homelab simulator in this process.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockVaults, Vault, vaultPath } from '../src/workspace/vault.js';
import { isolatedEnv, type CliResult } from './support/cli.js';
import { scanForSecrets } from './support/secretScan.js';
import { useSimulatorCli } from './support/simCli.js';
import { spawnTty, ttyEnv, type TtySession } from './support/tty.js';

const TEST_MS = 90_000;
const MARKER = '# proxmox-mpc: managed';

const cli = useSimulatorCli('pmc-ws-cli-');

function start(args: string[], env: NodeJS.ProcessEnv, cwd: string): ChildProcess {
  return spawn(process.execPath, [cli.cliPath, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

function runIn(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((done, reject) => {
    const child = start(args, env, cwd);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function simEnv(): NodeJS.ProcessEnv {
  return isolatedEnv({
    PROXMOX_VE_ENDPOINT: cli.sim.url,
    PROXMOX_VE_API_TOKEN: `${cli.sim.root.tokenId}=${cli.sim.root.tokenSecret}`,
    PMC_FINGERPRINT: cli.sim.fingerprint,
    COLUMNS: '200',
  });
}

/** A new workspace, initialised and generated once. */
async function generatedWorkspace(env: NodeJS.ProcessEnv): Promise<string> {
  const parent = mkdtempSync(join(tmpdir(), 'pmc-ws-'));
  const init = await runIn(parent, ['init', 'ws'], env);
  expect(init.code, init.stderr).toBe(0);
  const root = join(parent, 'ws');
  const gen = await runIn(root, ['generate', '--refresh'], env);
  expect(gen.code, gen.stderr).toBe(0);
  return root;
}

function tfFiles(root: string): string[] {
  return readdirSync(join(root, 'terraform')).filter((f) => f.endsWith('.tf')).sort();
}

/** Every file under terraform/, ansible/ and tests/ (relative to the root). */
function generatedFiles(root: string): string[] {
  return ['terraform', 'ansible', 'tests'].flatMap((d) =>
    readdirSync(join(root, d), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => `${e.parentPath.slice(root.length + 1)}/${e.name}`),
  ).sort();
}

interface JsonReport {
  files: Array<{ path: string; status: string; reason?: string }>;
  summary: Record<string, number>;
  backupDir?: string;
}

describe('init and generate (CLI, simulator)', () => {
  it(
    'init makes the workspace; generate writes every guest; a second run changes nothing; no secret anywhere',
    async () => {
      const env = simEnv();
      const parent = mkdtempSync(join(tmpdir(), 'pmc-ws-'));
      const init = await runIn(parent, ['init', 'ws'], env);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain(`Initialised the workspace in ${join(parent, 'ws')}`);
      // the connection came from the environment: said so, nothing recorded
      expect(init.stderr).toMatch(/using the connection from the environment/);
      const root = join(parent, 'ws');
      for (const d of ['terraform', 'ansible', 'tests', '.proxmox-mpc']) expect(existsSync(join(root, d))).toBe(true);
      expect(readFileSync(join(root, '.gitignore'), 'utf8')).toContain('*.tfstate');

      // from a sub-directory: the workspace is found walking up
      const first = await runIn(join(root, 'terraform'), ['generate', '--refresh'], env);
      expect(first.code, first.stderr).toBe(0);
      const guests = cli.sim.cluster.guests.size;
      const files = tfFiles(root);
      // one file per guest, plus versions, provider, variables, imports
      expect(files.length).toBe(guests + 4);
      const all = generatedFiles(root);
      expect(all).toContain('ansible/inventory.yml');
      expect(first.stdout).toMatch(new RegExp(`^generated: ${all.length} new, 0 changed, 0 unchanged, 0 kept, 0 removed$`, 'm'));
      for (const f of all) expect(readFileSync(join(root, f), 'utf8').startsWith(MARKER)).toBe(true);

      const second = await runIn(root, ['generate'], env);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toBe(`generated: 0 new, 0 changed, ${all.length} unchanged, 0 kept, 0 removed\n`);
      expect(existsSync(join(root, '.proxmox-mpc', 'backups'))).toBe(false);

      const secret = cli.sim.root.tokenSecret;
      for (const dir of ['terraform', 'ansible', 'tests', '.proxmox-mpc']) {
        for (const f of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
          if (!f.isFile() || f.name.startsWith('cache.db')) continue;
          expect(readFileSync(join(f.parentPath, f.name), 'utf8'), `${f.name}`).not.toContain(secret);
        }
      }
      expect(readFileSync(join(root, '.proxmox-mpc', 'config.yml'), 'utf8')).not.toContain(secret);
    },
    TEST_MS,
  );

  it(
    'a file the user took over (marker removed) is kept; --diff shows a change without writing; a deleted guest\'s file goes to the backup',
    async () => {
      const env = simEnv();
      const root = await generatedWorkspace(env);
      const vmFiles = tfFiles(root).filter((f) => f.startsWith('vm-'));
      const mine = vmFiles.find((f) => f.startsWith('vm-102-'))!;
      const minePath = join(root, 'terraform', mine);
      const edited = readFileSync(minePath, 'utf8').split('\n').slice(1).join('\n').replace(/\n$/, '\n# my note\n');
      writeFileSync(minePath, edited);

      // change a guest through the CLI: its file changes on the next generate
      const set = await runIn(root, ['set', 'vm', '103', '--memory', '3072', '--yes'], env);
      expect(set.code, set.stderr).toBe(0);
      const target = join(root, 'terraform', vmFiles.find((f) => f.startsWith('vm-103-'))!);
      const before = readFileSync(target, 'utf8');
      const diff = await runIn(root, ['generate', '--refresh', '--diff'], env);
      expect(diff.code, diff.stderr).toBe(0);
      expect(diff.stdout).toMatch(/^changed +terraform\/vm-103-.*\.tf$/m);
      expect(diff.stdout).toMatch(/^-    dedicated = \d+$/m);
      expect(diff.stdout).toMatch(/^\+    dedicated = 3072$/m);
      expect(diff.stdout).toMatch(/^would generate: 0 new, 1 changed, \d+ unchanged, 1 kept, 0 removed$/m);
      expect(readFileSync(target, 'utf8')).toBe(before);

      const json = await runIn(root, ['generate', '-o', 'json'], env);
      expect(json.code, json.stderr).toBe(0);
      const report = JSON.parse(json.stdout) as JsonReport;
      expect(report.files.find((f) => f.path === `terraform/${mine}`)).toEqual({ path: `terraform/${mine}`, status: 'kept', reason: 'marker removed' });
      expect(report.files.find((f) => f.path.startsWith('terraform/vm-103-'))?.status).toBe('changed');
      expect(readFileSync(minePath, 'utf8')).toBe(edited);
      expect(readFileSync(target, 'utf8')).toContain('dedicated = 3072');
      expect(readFileSync(join(root, report.backupDir!, 'terraform', target.split('/').pop()!), 'utf8')).toBe(before);

      // a guest deleted: its managed file is removed into the backup
      const del = await runIn(root, ['delete', 'vm', '114', '--yes'], env);
      expect(del.code, del.stderr).toBe(0);
      const gone = vmFiles.find((f) => f.startsWith('vm-114-'))!;
      const goneText = readFileSync(join(root, 'terraform', gone), 'utf8');
      const after = await runIn(root, ['generate', '--refresh', '-o', 'json'], env);
      expect(after.code, after.stderr).toBe(0);
      const r2 = JSON.parse(after.stdout) as JsonReport;
      expect(r2.files.find((f) => f.path === `terraform/${gone}`)?.status).toBe('removed');
      expect(r2.summary.removed).toBe(1);
      expect(existsSync(join(root, 'terraform', gone))).toBe(false);
      expect(readFileSync(join(root, r2.backupDir!, 'terraform', gone), 'utf8')).toBe(goneText);
      expect(readFileSync(minePath, 'utf8')).toBe(edited);
    },
    TEST_MS,
  );

  it(
    'generate killed (SIGKILL) while writing leaves every file whole, old or new; the next run finishes the job',
    async () => {
      const env = simEnv();
      const root = await generatedWorkspace(env);
      const dir = join(root, 'terraform');
      const names = tfFiles(root);
      const fresh = new Map(names.map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
      // every managed file edited (marker kept): the next generate rewrites all of them
      const old = new Map<string, string>();
      for (const n of names) {
        const text = `${fresh.get(n)!}# stale line ${n}\n`;
        writeFileSync(join(dir, n), text);
        old.set(n, text);
      }
      const child = start(['generate'], env, root);
      const exited = new Promise<number | null>((done) => child.on('close', (code, signal) => done(signal ? -1 : code)));
      let renamed = 0;
      // killed as soon as the first file is replaced (a rename onto a .tf name)
      const watcher = watch(dir, (_event, name) => {
        if (name && name.endsWith('.tf') && !name.includes('.pmc-tmp-') && readFileSync(join(dir, name), 'utf8') === fresh.get(name)) {
          renamed++;
          child.kill('SIGKILL');
        }
      });
      const code = await exited;
      watcher.close();
      expect(renamed).toBeGreaterThan(0);
      expect(code).toBe(-1);
      let replaced = 0;
      for (const n of names) {
        const text = readFileSync(join(dir, n), 'utf8');
        expect([old.get(n), fresh.get(n)], n).toContain(text);
        if (text === fresh.get(n)) replaced++;
      }
      expect(replaced).toBeGreaterThan(0);
      // no .tf file is half-written, and no temp file has a name a tool would load
      for (const f of readdirSync(dir)) if (f.includes('.pmc-tmp-')) expect(f.endsWith('.tf')).toBe(false);

      const again = await runIn(root, ['generate'], env);
      expect(again.code, again.stderr).toBe(0);
      for (const n of names) expect(readFileSync(join(dir, n), 'utf8')).toBe(fresh.get(n));
      expect(readdirSync(dir).filter((f) => f.includes('.pmc-tmp-'))).toEqual([]);
      const last = await runIn(root, ['generate'], env);
      expect(last.stdout).toMatch(/generated: 0 new, 0 changed, \d+ unchanged, 0 kept, 0 removed/);
    },
    TEST_MS,
  );

  it(
    'create vm|ct --emit-code writes the new guest as Terraform (passwords as sensitive variables, keys as they are, no secret anywhere, schema-valid, a clone with its clone block, terraform validate passes), which generate keeps and drift reports as code with no guest',
    async () => {
      const secrets = { CT_PW: 'never-in-code-42', VM_PW: 'never-in-code-43', vault: 'never-in-code-44 from the vault' };
      const env: NodeJS.ProcessEnv = { ...simEnv(), CT_PW: secrets.CT_PW, VM_PW: secrets.VM_PW, CT_VAULT_PW: '$vault.ct-root' };
      // a vault holding the third container's password; no passphrase in the environment: the
      // emit never reads the value, so it never unlocks the vault
      Vault.open(vaultPath(env), 'the emit test passphrase', { kdf: { N: 1024, r: 8, p: 1 } }).set('ct-root', secrets.vault);
      lockVaults();
      const root = await generatedWorkspace(env);
      const guestsBefore = cli.sim.cluster.guests.size;
      const outputs: Array<[string, string]> = [];
      const vm = await runIn(root, ['create', 'vm', '--name', 'web-new', '--node', 'pve1', '--vmid', '170', '--cores', '2', '--memory', '2G', '--disk', 'local-lvm:20', '--iso', 'debian-12', '--emit-code'], env);
      expect(vm.code, vm.stderr).toBe(0);
      expect(vm.stdout).toBe('wrote terraform/vm-170-web-new.tf (qemu/170 on pve1): next proxmox-mpc validate, then proxmox-mpc plan and apply\n');
      const ctKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmitCodeCtKey ops@laptop';
      const ct = await runIn(root, ['create', 'ct', '--hostname', 'cache-new', '--node', 'pve2', '--vmid', '171', '--template', 'debian-12', '--password-env', 'CT_PW', '--ssh-key', ctKey, '--emit-code'], env);
      expect(ct.code, ct.stderr).toBe(0);
      expect(ct.stdout).toBe(
        'wrote terraform/ct-171-cache-new.tf (lxc/171 on pve2): next proxmox-mpc validate, then proxmox-mpc plan and apply\n' +
          'the root password is not in the file: export TF_VAR_ct_171_cache_new_password=<the password> before plan and apply\n',
      );
      const ctVault = await runIn(root, ['create', 'ct', '--hostname', 'db-new', '--node', 'pve2', '--vmid', '173', '--template', 'debian-12', '--password-env', 'CT_VAULT_PW', '--emit-code', '-o', 'json'], env);
      expect(ctVault.code, ctVault.stderr).toBe(0);
      expect(JSON.parse(ctVault.stdout)).toMatchObject({ path: 'terraform/ct-173-db-new.tf', written: true, variables: ['TF_VAR_ct_173_db_new_password'], vault: { TF_VAR_ct_173_db_new_password: 'ct-root' } });
      const ctVault2 = await runIn(root, ['create', 'ct', '--hostname', 'db-two', '--node', 'pve2', '--vmid', '174', '--template', 'debian-12', '--password-env', 'CT_VAULT_PW', '--emit-code'], env);
      expect(ctVault2.code, ctVault2.stderr).toBe(0);
      expect(ctVault2.stdout).toContain('the root password is not in the file: export TF_VAR_ct_174_db_two_password="$(proxmox-mpc vault get ct-root --reveal)" before plan and apply\n');
      outputs.push(['create vm', vm.stdout + vm.stderr], ['create ct', ct.stdout + ct.stderr], ['create ct (vault, json)', ctVault.stdout + ctVault.stderr], ['create ct (vault)', ctVault2.stdout + ctVault2.stderr]);
      // nothing was created in the cluster
      expect(cli.sim.cluster.guests.size).toBe(guestsBefore);
      const vmText = readFileSync(join(root, 'terraform', 'vm-170-web-new.tf'), 'utf8');
      const ctText = readFileSync(join(root, 'terraform', 'ct-171-cache-new.tf'), 'utf8');
      const ctVaultFile = readFileSync(join(root, 'terraform', 'ct-173-db-new.tf'), 'utf8');
      expect(vmText).toMatch(/^resource "proxmox_virtual_environment_vm" "vm_170_web_new" \{$/m);
      expect(vmText).toMatch(/^ +dedicated = 2048$/m);
      expect(vmText).toMatch(/datastore_id = "local-lvm"\n +interface += "scsi0"\n +size += 20/);
      expect(ctText).toMatch(/template_file_id = "local:vztmpl\/debian-12/);
      expect(ctText).toMatch(/ {4}user_account \{\n {6}keys {5}= \["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmitCodeCtKey ops@laptop"\]\n {6}password = var\.ct_171_cache_new_password\n {4}\}/);
      expect(ctText).toMatch(/^variable "ct_171_cache_new_password" \{\n(.*\n)*? +sensitive += true\n\}/m);
      expect(ctText).not.toMatch(/^ +default/m);
      expect(ctVaultFile).toMatch(/user_account \{\n +password = var\.ct_173_db_new_password\n +\}/);
      expect(ctVaultFile).toContain('# It is in the vault as ct-root: export TF_VAR_ct_173_db_new_password="$(proxmox-mpc vault get ct-root --reveal)"');
      for (const t of [vmText, ctText, ctVaultFile]) expect(t.startsWith(MARKER)).toBe(false);
      // a linked clone of the cloud-init template, on another node, with cloud-init settings and a password
      const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEmitCodeCloneKey ops@laptop';
      const clone = await runIn(
        root,
        ['create', 'vm', '--name', 'web-clone', '--clone', 'ubuntu-24.04-cloud', '--node', 'pve1', '--vmid', '172', '--cores', '4', '--memory', '4G', '--disk', '20G', '--ci-user', 'ops', '--ssh-key', key, '--ip', '192.168.1.72/24', '--gw', '192.168.1.1', '--password-env', 'VM_PW', '--tags', 'web', '--description', 'made by emit-code', '--start', '--emit-code'],
        env,
      );
      expect(clone.code, clone.stderr).toBe(0);
      outputs.push(['create vm --clone', clone.stdout + clone.stderr]);
      expect(clone.stdout).toBe(
        'wrote terraform/vm-172-web-clone.tf (qemu/172 on pve1): next proxmox-mpc validate, then proxmox-mpc plan and apply\n' +
          'the cloud-init password is not in the file: export TF_VAR_vm_172_web_clone_password=<the password> before plan and apply\n',
      );
      expect(cli.sim.cluster.guests.size).toBe(guestsBefore);
      const cloneText = readFileSync(join(root, 'terraform', 'vm-172-web-clone.tf'), 'utf8');
      expect(cloneText).toMatch(/^ {2}clone \{\n {4}vm_id += 9000\n {4}node_name = "pve1"\n {4}full += false\n {2}\}$/m);
      expect(cloneText).toMatch(/^ +name += "web-clone"$/m);
      expect(cloneText).toMatch(/^ +description += "made by emit-code"$/m);
      expect(cloneText).toMatch(/^ +started += true$/m);
      expect(cloneText).toMatch(/^ +cores += 4$/m);
      expect(cloneText).toMatch(/^ +dedicated = 4096$/m);
      expect(cloneText).toMatch(/interface += "scsi0"\n(.*\n)*? +size += 20\n/);
      expect(cloneText).toContain(`keys     = [${JSON.stringify(key)}]`);
      expect(cloneText).toMatch(/address = "192\.168\.1\.72\/24"\n +gateway = "192\.168\.1\.1"/);
      expect(cloneText).toContain('password = var.vm_172_web_clone_password');
      expect(cloneText).toMatch(/variable "vm_172_web_clone_password" \{\n(.*\n)*? +sensitive += true\n\}/);
      expect(cloneText).not.toContain('never-in-code-43');
      expect(cloneText).not.toContain('import {');
      expect(readFileSync(join(root, 'terraform', 'imports.tf'), 'utf8')).not.toContain('vm_172');

      const { checkTerraformSchema } = await import('../src/generators/terraform/schemaCheck.js');
      const problems = (await checkTerraformSchema(join(root, 'terraform'))).filter((r) => !r.ok && r.severity === 'error');
      expect(problems).toEqual([]);
      // terraform fmt and the offline terraform validate (the schema-only provider) accept the directory
      const { checkTerraform } = await import('../src/workspace/checks/terraform.js');
      const validated = await checkTerraform(join(root, 'terraform'));
      expect(validated.filter((r) => !r.ok)).toEqual([]);
      expect(validated.map((r) => r.check)).toEqual(expect.arrayContaining(['fmt', 'validate']));
      // no password given is in any file of the workspace or the home (logs, cache), nor in any output
      expect(scanForSecrets({ secrets, dirs: [root, env.HOME!], except: [vaultPath(env)], outputs })).toEqual([]);

      // the same vmid twice is refused, naming where it is
      const again = await runIn(root, ['create', 'vm', '--name', 'web-dup', '--node', 'pve1', '--vmid', '170', '--iso', 'debian-12', '--emit-code'], env);
      expect(again.code).toBe(4);
      expect(again.stderr).toMatch(/vm_id 170 is already in the code \(terraform\/vm-170-web-new\.tf:\d+/);

      const gen = await runIn(root, ['generate', '-o', 'json'], env);
      const report = JSON.parse(gen.stdout) as JsonReport;
      expect(report.files.filter((f) => f.status === 'kept').map((f) => f.path)).toEqual([
        'terraform/ct-171-cache-new.tf',
        'terraform/ct-173-db-new.tf',
        'terraform/ct-174-db-two.tf',
        'terraform/vm-170-web-new.tf',
        'terraform/vm-172-web-clone.tf',
      ]);
      expect(readFileSync(join(root, 'terraform', 'vm-170-web-new.tf'), 'utf8')).toBe(vmText);
      const drift = await runIn(root, ['drift', '-o', 'json'], env);
      expect(drift.code).toBe(1);
      expect((JSON.parse(drift.stdout) as { noGuest: Array<{ vmid: number }> }).noGuest.map((g) => g.vmid)).toEqual([170, 171, 172, 173, 174]);
    },
    TEST_MS,
  );

  it(
    'init without a terminal and without a profile: the workspace, and a message naming the flags and environment to use',
    async () => {
      const env = isolatedEnv();
      const parent = mkdtempSync(join(tmpdir(), 'pmc-ws-'));
      const r = await runIn(parent, ['init'], env);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(parent, '.proxmox-mpc', 'config.yml'))).toBe(true);
      expect(r.stderr).toMatch(/no usable connection profile yet, and no terminal to ask on/);
      expect(r.stderr).toContain('proxmox-mpc profile add NAME --endpoint https://HOST:8006');
      expect(r.stderr).toContain('PROXMOX_VE_ENDPOINT, PROXMOX_VE_API_TOKEN');
      const again = await runIn(parent, ['init'], env);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/already a proxmox-mpc workspace: use --force/);
      const gen = await runIn(parent, ['generate'], env);
      expect(gen.code).not.toBe(0);
      expect(gen.stderr.trim().split('\n')).toHaveLength(1);
      const outside = await runIn(mkdtempSync(join(tmpdir(), 'pmc-nows-')), ['generate'], env);
      expect(outside.code).toBe(2);
      expect(outside.stderr).toMatch(/generate works inside a workspace .* run proxmox-mpc init first/);
    },
    TEST_MS,
  );
});


describe('init: the first-run wizard (pty, simulator)', () => {
  let tty: TtySession | undefined;
  afterEach(async () => {
    await tty?.dispose();
    tty = undefined;
  });

  async function answerUntilCertificate(session: TtySession, secret: string): Promise<void> {
    await session.waitForText('Profile name [default]:');
    session.write('lab\r');
    await session.waitForText('Proxmox VE address (https://HOST:8006):');
    session.write(`${cli.sim.url}\r`);
    await session.waitForText('API token USER@REALM!TOKENID=SECRET');
    session.write(`${cli.sim.root.tokenId}=${secret}\r`);
    await session.waitForText('Accept this certificate and pin its fingerprint? [y/N]:');
  }

  it(
    'asks the endpoint and a token (masked), shows the certificate fingerprint to pin, tests the connection, saves the profile (its secret in the vault); the workspace names it',
    async () => {
      // the vault's passphrase from the environment (the vault's own prompt is issue 7's)
      const env = isolatedEnv({ PMC_VAULT_PASSPHRASE: 'test passphrase for the wizard' });
      const parent = mkdtempSync(join(tmpdir(), 'pmc-wiz-'));
      const session = (tty = spawnTty([cli.cliPath, 'init', 'ws'], { env: ttyEnv(env), cwd: parent, cols: 200 }));
      const secret = cli.sim.root.tokenSecret;
      await answerUntilCertificate(session, secret);
      expect(session.text()).toContain(`SHA-256   ${cli.sim.fingerprint}`);
      expect(session.text()).not.toContain(secret);
      session.write('y\r');
      await session.waitForText(/Healthy\.|Degraded/, { timeoutMs: 30_000 });
      const exit = await session.exited;
      expect(exit.exitCode, session.text()).toBe(0);
      expect(session.text()).toContain(`Initialised the workspace in ${join(parent, 'ws')} (profile lab)`);
      const config = readFileSync(join(env.XDG_CONFIG_HOME!, 'proxmox-mpc', 'config.yml'), 'utf8');
      expect(config).toMatch(/^ +lab:$/m);
      expect(config).toContain(cli.sim.fingerprint);
      expect(config).not.toContain(secret);
      expect(config).toContain('$vault.lab');
      const wsConfig = readFileSync(join(parent, 'ws', '.proxmox-mpc', 'config.yml'), 'utf8');
      expect(wsConfig).toMatch(/^profile: "lab"$/m);
      expect(wsConfig).not.toContain(secret);
      // the saved profile works for the workspace's commands
      const gen = await runIn(join(parent, 'ws'), ['generate', '--refresh'], isolatedEnv({ HOME: env.HOME!, XDG_CONFIG_HOME: env.XDG_CONFIG_HOME!, XDG_CACHE_HOME: env.XDG_CACHE_HOME!, PMC_VAULT_PASSPHRASE: env.PMC_VAULT_PASSPHRASE! }));
      expect(gen.code, gen.stderr).toBe(0);
    },
    TEST_MS,
  );

  it(
    'a certificate not accepted: exit 4, no profile saved',
    async () => {
      const env = isolatedEnv();
      const parent = mkdtempSync(join(tmpdir(), 'pmc-wiz-'));
      const session = (tty = spawnTty([cli.cliPath, 'init'], { env: ttyEnv(env), cwd: parent, cols: 200 }));
      await answerUntilCertificate(session, cli.sim.root.tokenSecret);
      session.write('n\r');
      const exit = await session.exited;
      expect(exit.exitCode).toBe(4);
      expect(session.text()).toContain('certificate not accepted: nothing was saved');
      expect(existsSync(join(env.XDG_CONFIG_HOME!, 'proxmox-mpc', 'config.yml'))).toBe(false);
    },
    TEST_MS,
  );
});
