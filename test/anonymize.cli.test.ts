// `proxmox-mpc anonymize` / `de-anonymize` as a user runs them: on the simulator's cluster
// JSON (with the node and guest names from a synced cache), a task log and a YAML config;
// byte-identical round trips, the mapping 0600, the input never overwritten by accident.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, type CliResult } from './support/cli.js';
import { useSimulatorCli } from './support/simCli.js';

const sc = useSimulatorCli('pmc-anon-cli-');

function runWithStdin(args: string[], env: NodeJS.ProcessEnv, input: string): Promise<CliResult> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [sc.cliPath, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const workDir = () => mkdtempSync(join(tmpdir(), 'pmc-anon-work-'));

describe('anonymize / de-anonymize', () => {
  it('the cluster JSON with names from the cache: no name, address or secret left; with --keep-secrets de-anonymize gives it back byte for byte', async () => {
    const env = await sc.syncedEnv();
    const resources = await sc.client.clusterResources();
    const nodes = [...new Set(resources.filter((r) => r.type === 'node').map((r) => r.node!))];
    const guests = resources.filter((r) => r.type === 'qemu' || r.type === 'lxc').map((r) => r.name!).filter((n) => /^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$/.test(n ?? '') && !/^\d+$/.test(n));
    // (a name with a space, like PVE's default `VM 116`, cannot be told from ordinary words)
    expect(nodes.length).toBeGreaterThan(0);
    expect(guests.length).toBeGreaterThan(0);
    const dir = workDir();
    const input = join(dir, 'cluster.json');
    const original = `${JSON.stringify({ data: resources, endpoint: sc.sim.url, token: `${sc.sim.root.tokenId}=${sc.sim.root.tokenSecret}` }, null, 2)}\n`;
    writeFileSync(input, original);
    const mapping = join(dir, 'case.mapping.json');

    const r = await sc.run(['anonymize', input, '--out', join(dir, 'cluster.anon.json'), '--mapping', mapping, '--names-from-cache', '--keep-secrets'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^anonymized \d+ values \(.*\d+ node.*\d+ guest.*\) into .*cluster\.anon\.json\nmapping: .*case\.mapping\.json \(\d+ entries, mode 0600, credentials included; it holds the originals: keep it private\)\n$/);
    expect(statSync(mapping).mode & 0o777).toBe(0o600);
    expect(readFileSync(input, 'utf8')).toBe(original); // the input untouched
    const anon = readFileSync(join(dir, 'cluster.anon.json'), 'utf8');
    for (const name of [...nodes, ...guests]) expect(anon).not.toMatch(new RegExp(`(?<![\\w-])${name.replace(/[.]/g, '\\.')}(?![\\w-])`));
    expect(anon).not.toContain(sc.sim.root.tokenSecret);
    // Same structure: same keys in the same order, same number of lines.
    const keys = (v: unknown): unknown => (Array.isArray(v) ? v.map(keys) : v && typeof v === 'object' ? Object.entries(v).map(([k, x]) => [/^(node|guest)-\d+$/.test(k) ? 'name' : k, keys(x)]) : typeof v);
    expect(keys(JSON.parse(anon))).toEqual(keys(JSON.parse(original)));

    const back = await sc.run(['de-anonymize', join(dir, 'cluster.anon.json'), '--mapping', mapping], env);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toBe(original);
    expect(back.stderr).toMatch(/^restored \d+ values \(/);
    // Written to a file, the restored text (the originals, credentials included) is private.
    const restored = join(dir, 'cluster.restored.json');
    const toFile = await sc.run(['de-anonymize', join(dir, 'cluster.anon.json'), '--mapping', mapping, '--out', restored], env);
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(readFileSync(restored, 'utf8')).toBe(original);
    expect(statSync(restored).mode & 0o777).toBe(0o600);
  }, 120_000);

  it('stdin to stdout, the mapping under $XDG_STATE_HOME by default, and an existing mapping extended', async () => {
    const env = isolatedEnv({ XDG_STATE_HOME: join(workDir(), 'state') });
    const log = 'TASK OK on pve1 (10.0.0.5), mail admin@acme.io\nUPID:pve1:0000A1B2:0012D4F5:65F1A2B3:qmstart:100:root@pam:\n';
    const r = await runWithStdin(['anonymize', '-', '--node', 'pve1'], env, log);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('TASK OK on node-001 (10.77.0.1), mail user1@example.invalid\nUPID:node-001:0000A1B2:0012D4F5:65F1A2B3:qmstart:100:root@pam:\n');
    const dir = join(env.XDG_STATE_HOME!, 'proxmox-mpc', 'anonymize');
    const [file] = readdirSync(dir);
    expect(file).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-stdin\.mapping\.json$/);
    const mapping = join(dir, file!);
    expect(r.stderr).toContain(`mapping: ${mapping} (3 entries, mode 0600, credentials left out;`);
    expect(statSync(mapping).mode & 0o777).toBe(0o600);

    // A second file with the same mapping: the same pseudonyms, and both come back.
    // By default, credentials stay out of the mapping: their pseudonyms stay.
    const second = await runWithStdin(['anonymize', '-', '--node', 'pve1', '--mapping', mapping], env, 'pve1 10.0.0.6 10.0.0.5 password=hunter2\n');
    expect(second.stdout).toBe('node-001 10.77.0.2 10.77.0.1 password=secret-0001\n');
    expect(readFileSync(mapping, 'utf8')).not.toContain('hunter2');
    const back = await runWithStdin(['de-anonymize', '-', '--mapping', mapping], env, r.stdout + second.stdout);
    expect(back.stdout).toBe(`${log}pve1 10.0.0.6 10.0.0.5 password=secret-0001\n`);
  }, 60_000);

  it('YAML in place keeps comments and layout; the input is never overwritten without --in-place', async () => {
    const env = isolatedEnv();
    const dir = workDir();
    const input = join(dir, 'config.yml');
    const yaml = '# profile for pve1.home.lan\nendpoint: https://pve1.home.lan:8006  # main node\npassword: "hunter2"\nnodes: [pve1, 192.168.1.2]\n';
    writeFileSync(input, yaml);
    const refused = await sc.run(['anonymize', input, '--out', input], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`proxmox-mpc: --out ${input} is the input file: pass --in-place to replace it, or another --out\n`);
    expect(readFileSync(input, 'utf8')).toBe(yaml);

    const mapping = join(dir, 'm.json');
    const r = await sc.run(['anonymize', input, '--in-place', '--mapping', mapping, '--node', 'pve1'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(input, 'utf8')).toBe('# profile for host-0001.example.invalid\nendpoint: https://host-0001.example.invalid:8006  # main node\npassword: "secret-0001"\nnodes: [node-001, 10.77.0.1]\n');
    expect(readFileSync(mapping, 'utf8')).not.toContain('hunter2');
    const back = await sc.run(['de-anonymize', input, '--in-place', '--mapping', mapping], env);
    expect(back.code, back.stderr).toBe(0);
    // Everything comes back but the password, which the mapping never held.
    expect(readFileSync(input, 'utf8')).toBe(yaml.replace('"hunter2"', '"secret-0001"'));
  }, 60_000);

  it('user errors: one line, the right exit code', async () => {
    const env = isolatedEnv();
    const dir = workDir();
    const missing = await sc.run(['anonymize', join(dir, 'nope.txt')], env);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toBe(`proxmox-mpc: ${join(dir, 'nope.txt')} does not exist: pass an existing file (or - for standard input)\n`);
    writeFileSync(join(dir, 'bad.json'), '{"a": ');
    const bad = await sc.run(['anonymize', join(dir, 'bad.json'), '--mapping', join(dir, 'm.json')], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^proxmox-mpc: .*bad\.json is not valid JSON \(.*\): fix it, or pass --format text\n$/);
    expect(existsSync(join(dir, 'm.json'))).toBe(false);
    const noMapping = await sc.run(['de-anonymize', join(dir, 'bad.json')], env);
    expect(noMapping.code).toBe(2);
    expect(noMapping.stderr).toContain("required option '--mapping <file>' not specified");
    const wrongMapping = await sc.run(['de-anonymize', join(dir, 'bad.json'), '--mapping', join(dir, 'bad.json'), '--format', 'text'], env);
    expect(wrongMapping.code).toBe(2);
    expect(wrongMapping.stderr).toBe('proxmox-mpc: --mapping is the input file: pass the mapping file anonymize wrote\n');
    const text = await sc.run(['anonymize', join(dir, 'bad.json'), '--format', 'text', '--mapping', join(dir, 'm.json')], env);
    expect(text.code, text.stderr).toBe(0);
  }, 60_000);
});
