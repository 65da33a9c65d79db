// `proxmox-mpc report-issue` against the simulator: the bundle holds versions, health, logs,
// operations and inventory counts; anonymised (the default), the token secret, the node names and
// the addresses are absent and the mapping (0600) restores them; with --no-anonymize the names
// stay and the secret is there only as ***token-secret***.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSimulatorCli } from './support/simCli.js';

const cli = useSimulatorCli('pmc-report-');

let fakeBin: string;
let nodes: string[];
beforeAll(async () => {
  // Stand-ins for terraform and the ansible tools (the real ones take seconds to start).
  fakeBin = mkdtempSync(join(tmpdir(), 'pmc-report-bin-'));
  for (const [name, line] of Object.entries({ terraform: 'Terraform v1.11.4', 'ansible-playbook': 'ansible-playbook [core 2.14.18]', 'ansible-lint': 'ansible-lint 6.13.1' })) {
    writeFileSync(join(fakeBin, name), `#!/bin/sh\necho '${line}'\n`);
    chmodSync(join(fakeBin, name), 0o755);
  }
  nodes = (await cli.client.nodes()).map((n) => n.node).sort();
});
afterAll(() => rmSync(fakeBin, { recursive: true, force: true }));

const secret = (): string => cli.sim.root.tokenSecret;

async function reportEnv(): Promise<NodeJS.ProcessEnv> {
  const env = await cli.syncedEnv({ PATH: fakeBin });
  // An operation, so that there is an operation trace (and its log lines) to report.
  const guests = ((await cli.client.get('/cluster/resources', { type: 'vm' })) as Array<{ vmid: number; status: string; template?: number; type: string }>)
    .filter((g) => g.status === 'stopped' && !g.template && g.type === 'qemu');
  const r = await cli.run(['start', 'vm', String(guests[0]!.vmid)], env);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  // A second profile in the config file, with a LAN address and a plaintext secret: the file goes
  // into the report (its secret redacted, its address anonymised).
  mkdirSync(join(env.XDG_CONFIG_HOME!, 'proxmox-mpc'), { recursive: true });
  writeFileSync(
    join(env.XDG_CONFIG_HOME!, 'proxmox-mpc', 'config.yml'),
    `profiles:\n  lab:\n    endpoint: https://${LAB_IP}:8006\n    tokenId: root@pam!lab\n    tokenSecret: ${LAB_SECRET}\n`,
    { mode: 0o600 },
  );
  return env;
}

const LAB_IP = '192.168.77.41';
const LAB_SECRET = 'lab-secret-5f1e0c7a';

function mappingPathOf(stdout: string): string {
  const m = /^Mapping: (.+?) \(mode 0600/m.exec(stdout);
  expect(m, stdout).not.toBeNull();
  return m![1]!;
}

describe('proxmox-mpc report-issue', () => {
  it('writes an anonymised bundle: contents present, no secret, node name or address; mapping 0600 restores them', async () => {
    const env = await reportEnv();
    const out = join(env.HOME!, 'report.json');
    const r = await cli.run(['report-issue', '--out', out], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`Report written to ${out}`);
    for (const section of ['versions', 'connection', 'health', 'tools', 'logs', 'operations', 'inventory', 'workspace', 'config']) expect(r.stdout).toMatch(new RegExp(`^  ${section} `, 'm'));
    expect(statSync(out).mode & 0o777).toBe(0o600);

    const text = readFileSync(out, 'utf8');
    const doc = JSON.parse(text) as Record<string, any>;
    expect(doc.format).toBe('proxmox-mpc-report');
    expect(doc.versions.node).toBe(process.version);
    expect(doc.versions.pve).toMatch(/\d/);
    expect(doc.health.lines.length).toBeGreaterThan(3);
    expect(doc.tools.map((t: { tool: string }) => t.tool).sort()).toEqual(['ansible-lint', 'ansible-playbook', 'terraform']);
    expect(doc.logs.length).toBeGreaterThan(0);
    expect(doc.operations.length).toBe(1);
    expect(doc.operations[0].action).toBe('start');
    expect(doc.inventory.nodes.length).toBe(nodes.length);
    expect(doc.inventory.guests.total).toBeGreaterThan(0);
    expect(JSON.stringify(doc.inventory)).not.toContain('config');

    // Anonymised: no secret, no node name, no guest name, no address (the simulator's endpoint is
    // loopback, which stays; the nodes' own addresses and names do not).
    expect(text).not.toContain(secret());
    expect(r.stdout + r.stderr).not.toContain(secret());
    for (const node of nodes) expect(text).not.toMatch(new RegExp(`\\b${node}\\b`));
    expect(doc.inventory.nodes.map((n: { node: string }) => n.node).every((n: string) => /^node-\d+$/.test(n))).toBe(true);
    expect(doc.operations[0].guest).toMatch(/^guest-\d+$/);
    expect(text).not.toContain(LAB_SECRET);
    expect(text).not.toContain(LAB_IP);
    const ips = (text.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g) ?? []).filter((ip) => !ip.startsWith('127.') && ip !== '0.0.0.0');
    expect(ips.length).toBeGreaterThan(0);
    for (const ip of ips) expect(ip, 'only pseudonymous addresses').toMatch(/^10\.77\./);

    const mapping = mappingPathOf(r.stdout);
    expect(statSync(mapping).mode & 0o777).toBe(0o600);
    const back = join(env.HOME!, 'restored.json');
    const d = await cli.run(['de-anonymize', out, '--mapping', mapping, '--out', back], env);
    expect(d.code, d.stderr).toBe(0);
    const restored = readFileSync(back, 'utf8');
    for (const node of nodes) expect(restored).toContain(node);
    expect(restored).toContain(LAB_IP);
    // The secret was redacted before anonymisation: the mapping cannot bring it back either.
    expect(restored).not.toContain(secret());
    expect(readFileSync(mapping, 'utf8')).not.toContain(secret());
  });

  it('--no-anonymize keeps names; the token secret is present only as ***token-secret***', async () => {
    const env = await reportEnv();
    const out = join(env.HOME!, 'plain.json');
    const r = await cli.run(['report-issue', '--out', out, '--no-anonymize'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Not anonymised');
    expect(r.stdout).not.toMatch(/^Mapping:/m);
    const text = readFileSync(out, 'utf8');
    const doc = JSON.parse(text) as Record<string, any>;
    expect(text).not.toContain(secret());
    expect(doc.connection.auth.kind).toBe('token');
    expect(doc.connection.auth.tokenId).toBe(cli.sim.root.tokenId);
    expect(doc.connection.auth.secret).toBe('***token-secret***');
    expect(text).not.toContain(LAB_SECRET);
    expect(doc.config).toContain('tokenSecret: "***lab-token-secret***"');
    expect(doc.config).toContain(LAB_IP);
    for (const node of nodes) expect(doc.inventory.nodes.map((n: { node: string }) => n.node)).toContain(node);
  });

  it('refuses an --out in a directory that does not exist (exit 2, one line)', async () => {
    const env = await cli.syncedEnv({ PATH: fakeBin });
    const r = await cli.run(['report-issue', '--out', join(env.HOME!, 'nope', 'r.json')], env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/does not exist/);
  });
});
