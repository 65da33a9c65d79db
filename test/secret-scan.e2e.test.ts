// The secret scan of a whole session (issue 7, the fault suite): the built CLI against the
// simulator with a known API token secret and root password, kept in the vault; a workspace
// initialised, synced, operated on, generated, validated; logs, health, history, describe and
// anonymize read. Afterwards neither secret (raw, URL-encoded, base64 at any alignment) is in
// any file under the config, state, cache and workspace directories but the encrypted vault
// file, nor in any stdout or stderr. A companion test proves the scan finds a planted secret.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isolatedEnv, type CliResult } from './support/cli.js';
import { scanForSecrets } from './support/secretScan.js';
import { useSimulatorCli } from './support/simCli.js';

const cli = useSimulatorCli('pmc-secret-scan-');
const PASSPHRASE = 'the secret scan vault passphrase';
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

describe('secret scan of a whole session', () => {
  it(
    'vault, profiles, init, sync, operations, generate, validate, ansible -e $vault, logs, health, history, describe, anonymize, report-issue: no secret anywhere but the vault',
    async () => {
      const { tokenId, tokenSecret, username, password } = cli.sim.root;
      const secrets = { tokenSecret, password, passphrase: PASSPHRASE };
      const env = isolatedEnv({ COLUMNS: '200', PMC_VAULT_PASSPHRASE: PASSPHRASE });
      dirs.push(env.HOME!);
      env.XDG_STATE_HOME = join(env.HOME!, '.local', 'state');
      const outputs: Array<[string, string]> = [];
      const parent = tempDir('pmc-scan-ws-');
      const ws = join(parent, 'ws');
      const outside = tempDir('pmc-scan-in-');

      const run = (args: string[], extra: Record<string, string> = {}, cwd = ws): Promise<CliResult> =>
        new Promise((done, reject) => {
          const child = spawn(process.execPath, [cli.cliPath, ...args], { env: { ...env, ...extra }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.on('error', reject);
          child.on('close', (code) => {
            outputs.push([`stdout of ${args.join(' ')}`, stdout], [`stderr of ${args.join(' ')}`, stderr]);
            done({ code, stdout, stderr });
          });
        });
      const ok = async (args: string[], extra: Record<string, string> = {}, cwd = ws, codes = [0]): Promise<CliResult> => {
        const r = await run(args, extra, cwd);
        expect(codes, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`).toContain(r.code);
        return r;
      };

      // Credentials: the password in the vault by hand, the token secret by profile add.
      await ok(['vault', 'set', 'rootpw', '--from-env', 'PW'], { PW: password }, parent);
      await ok(['profile', 'add', 'sim', '--endpoint', cli.sim.url, '--fingerprint', cli.sim.fingerprint], { PROXMOX_VE_API_TOKEN: `${tokenId}=${tokenSecret}` }, parent);
      await ok(['profile', 'add', 'pwlogin', '--username', username, '--endpoint', cli.sim.url, '--fingerprint', cli.sim.fingerprint], { PROXMOX_VE_PASSWORD: password }, parent);
      await ok(['profile', 'list'], {}, parent);
      await ok(['vault', 'list'], {}, parent);
      await ok(['vault', 'get', 'sim'], {}, parent);

      // The workspace, on the token profile.
      await ok(['--profile', 'sim', 'init', 'ws', '--no-wizard'], {}, parent);
      await ok(['sync']);
      await ok(['--debug', 'sync']);
      // A password login (tickets, CSRF tokens) too, with request details logged.
      await ok(['--profile', 'pwlogin', '--debug', 'ping']);
      await ok(['--profile', 'pwlogin', 'sync']);
      await ok(['ping', '--token', `${tokenId}=$vault.sim`]);
      await ok(['ping'], { PROXMOX_VE_USERNAME: username, PROXMOX_VE_PASSWORD: '$vault.rootpw' });

      // Operations.
      await ok(['start', 'vm', 'win11-desk']);
      await ok(['--debug', 'snapshot', 'create', 'ct', 'syncthing', 'scan1', '--description', 'before the scan']);
      await ok(['snapshot', 'list', 'ct', 'syncthing']);
      await ok(['set', 'ct', 'wireguard', '--cores', '2', '--yes']);
      await ok(['--profile', 'pwlogin', 'set', 'ct', 'wireguard', '--memory', '768', '--yes']);

      // The code, and what reads it.
      await ok(['generate', '--refresh']);
      await ok(['validate'], {}, ws, [0, 1]);
      await ok(['drift'], {}, ws, [0, 1]);
      // A playbook given the password from the vault (-e pw=$vault.rootpw): it echoes it (masked).
      writeFileSync(
        join(ws, 'ansible', 'pwlen.yml'),
        '---\n- name: pw\n  hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: Echo\n      ansible.builtin.debug:\n        msg: "length={{ pw | length }} pw={{ pw }}"\n',
      );
      const pwlen = await ok(['ansible', 'pwlen', '-e', 'pw=$vault.rootpw']);
      expect(pwlen.stdout).toContain(`"msg": "length=${password.length} pw=***rootpw***"`);

      // Reading back.
      await ok(['get', 'vms', '-o', 'wide']);
      await ok(['describe', 'ct', 'wireguard', '-o', 'yaml']);
      await ok(['history']);
      await ok(['history', '--ops', '-o', 'json']);
      await ok(['logs', '--since', '1h']);
      const logs = await ok(['logs', '--level', 'debug', '-o', 'json']);
      expect(logs.stdout.length).toBeGreaterThan(0);
      await ok(['health'], {}, ws, [0, 1]);
      await ok(['health', '-o', 'json'], {}, ws, [0, 1]);

      // Anonymize a file that holds both secrets (kept outside the scanned directories): by default
      // the credentials stay out of the mapping (under the state directory, which is scanned).
      const dump = join(outside, 'dump.txt');
      writeFileSync(dump, `Authorization: PVEAPIToken=${tokenId}=${tokenSecret}\npassword=${password}\n{"password": "${password}"}\n`);
      await ok(['anonymize', dump]);
      const mapping = join(outside, 'mapping.json');
      await ok(['anonymize', dump, '--out', join(outside, 'anon.txt'), '--mapping', mapping, '--keep-secrets']);
      // The diagnostic bundle, anonymised and not (secrets are redacted in both), in the workspace.
      await ok(['report-issue', '--out', join(ws, 'report.json')]);
      await ok(['report-issue', '--no-anonymize', '--out', join(ws, 'report-plain.json')]);
      await ok(['--profile', 'pwlogin', 'report-issue', '--out', join(ws, 'report-pw.json')]);
      expect(existsSync(join(ws, 'report-plain.json'))).toBe(true);

      const vault = join(env.XDG_CONFIG_HOME!, 'proxmox-mpc', 'vault.json');
      const hits = scanForSecrets({
        secrets,
        dirs: [env.HOME!, parent], // config, state and cache are under HOME
        except: [vault],
        outputs,
      });
      expect(hits).toEqual([]);
      // The vault is there, and sealed: the scan looked at it and found nothing either.
      expect(scanForSecrets({ secrets, dirs: [join(env.XDG_CONFIG_HOME!, 'proxmox-mpc')] })).toEqual([]);
      expect(existsSync(vault)).toBe(true);
      // The scan sees secrets where they are meant to be: the input outside the scanned
      // directories, and the mapping asked to keep credentials (for de-anonymize), there too.
      expect(scanForSecrets({ secrets, dirs: [outside] }).map((h) => `${h.where.slice(outside.length + 1)} ${h.secret}`).sort()).toEqual(
        expect.arrayContaining(['dump.txt password', 'dump.txt tokenSecret', 'mapping.json password', 'mapping.json tokenSecret']),
      );
      // The session did reach the places the scan looks at.
      expect(outputs.length).toBeGreaterThan(60);
    },
    300_000,
  );

  it('the scan finds a secret planted raw, URL-encoded, inside base64 at every alignment, and in an output', () => {
    const secret = 'p@ss word/+=!x9ZqK';
    const root = tempDir('pmc-scan-plant-');
    const plant = (name: string, text: string | Buffer) => {
      mkdirSync(join(root, 'deep', 'er'), { recursive: true });
      writeFileSync(join(root, 'deep', 'er', name), text);
    };
    plant('raw.log', `{"msg":"x","secret":"${secret}"}`);
    plant('url.txt', `https://h/?pw=${encodeURIComponent(secret)}&a=1`);
    for (const prefix of ['', 'a', 'ab', 'abc']) plant(`b64-${prefix.length}.txt`, `Basic ${Buffer.from(`${prefix}root@pam:${secret}tail`).toString('base64')}`);
    plant('b64url.txt', Buffer.from(`xy${secret}`).toString('base64url'));
    plant('clean.txt', 'nothing here but p@ss and word');
    const hits = scanForSecrets({ secrets: { pw: secret }, dirs: [root], outputs: [['stdout', `token ${secret}`], ['stderr', 'clean']] });
    const where = [...new Set(hits.map((h) => h.where.replace(`${root}/deep/er/`, '')))].sort();
    expect(where).toEqual(['b64-0.txt', 'b64-1.txt', 'b64-2.txt', 'b64-3.txt', 'b64url.txt', 'raw.log', 'stdout', 'url.txt']);
    // And an exception is honoured.
    expect(scanForSecrets({ secrets: { pw: secret }, dirs: [root], except: [join(root, 'deep', 'er', 'raw.log')] }).some((h) => h.where.endsWith('raw.log'))).toBe(false);
  });
});
