// `proxmox-mpc health` against the simulator: all green; a node offline, a wrong certificate
// pin, a damaged cache, an endpoint that is down or never answers -> red lines and exit 1 (in
// about the time limit); missing tools -> yellow lines and exit 0.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCachePath } from '../src/db/paths.js';
import { isolatedEnv } from './support/cli.js';
import { useSimulatorCli } from './support/simCli.js';

const cli = useSimulatorCli('pmc-health-');

// Stand-ins for the tools (the real ones take seconds to start): each prints a version line.
let fakeBin: string;
let nodes: string[];
beforeAll(async () => {
  fakeBin = mkdtempSync(join(tmpdir(), 'pmc-health-bin-'));
  const versions: Record<string, string> = {
    terraform: 'Terraform v1.11.4',
    'ansible-playbook': 'ansible-playbook [core 2.14.18]',
    'ansible-lint': 'ansible-lint 6.13.1 using ansible 2.14.18',
  };
  for (const [name, line] of Object.entries(versions)) {
    writeFileSync(join(fakeBin, name), `#!/bin/sh\necho '${line}'\n`);
    chmodSync(join(fakeBin, name), 0o755);
  }
  mkdirSync(join(fakeBin, 'empty'));
  nodes = (await cli.client.nodes()).map((n) => n.node).sort();
});
afterAll(() => rmSync(fakeBin, { recursive: true, force: true }));

/** PATH with the stand-in tools, or one where nothing is found (the CLI runs without PATH:
 * the tests start node by its path). */
function pathWith(tools: boolean): string {
  return tools ? fakeBin : join(fakeBin, 'empty');
}

function linesOf(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l !== '');
}

describe('proxmox-mpc health', () => {
  it('is all green on a healthy, freshly synced cluster: every node with its latency, exit 0', async () => {
    const env = await cli.syncedEnv({ PATH: pathWith(true) });
    const r = await cli.run(['health'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = linesOf(r.stdout);
    expect(lines.at(-1)).toBe('Healthy.');
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^OK {3}/);
    for (const node of nodes) expect(r.stdout).toMatch(new RegExp(`api +node ${node}: online, [\\d.]+ ms`));
    expect(r.stdout).toMatch(/auth +root@pam!mpc: API token valid/);
    expect(r.stdout).toMatch(/tls +the certificate matches the pinned fingerprint/);
    expect(r.stdout).toMatch(/cache +.*\.db: integrity ok, [\d.]+ [KM]iB, schema \d+ \(current\)/);
    expect(r.stdout).toMatch(/sync +last sync \d+ s ago/);
    expect(r.stdout).toMatch(/tool +terraform: Terraform v1\.11\.4/);

    const json = await cli.run(['health', '-o', 'json'], env);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { status: string; lines: Array<{ check: string; subject?: string; status: string; ms?: number }> };
    expect(report.status).toBe('ok');
    expect(report.lines.filter((l) => l.check === 'api' && l.subject?.startsWith('node ')).map((l) => l.subject)).toEqual(nodes.map((n) => `node ${n}`));
    expect(report.lines.every((l) => l.status === 'ok')).toBe(true);
  });

  it('a node offline is a red line naming it, and exit 1', async () => {
    const env = await cli.syncedEnv({ PATH: pathWith(true) });
    const down = nodes.at(-1)!;
    cli.sim.faults.set({ offlineNodes: [down] });
    const r = await cli.run(['health'], env);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^FAIL api +node ${down}: `, 'm'));
    for (const node of nodes.filter((n) => n !== down)) expect(r.stdout).toMatch(new RegExp(`^OK +api +node ${node}: online`, 'm'));
    expect(linesOf(r.stdout).at(-1)).toMatch(/^Unhealthy: \d+ problem/);
  });

  it('a wrong certificate pin is a red MISMATCH line with the fingerprint the server presents', async () => {
    const env = await cli.syncedEnv({ PATH: pathWith(true) });
    const wrong = cli.sim.fingerprint
      .split(':')
      .map((b) => (b === 'AA' ? 'BB' : 'AA'))
      .join(':');
    const r = await cli.run(['health'], { ...env, PMC_FINGERPRINT: wrong });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^FAIL tls +MISMATCH: the server presents /m);
    expect(r.stdout).toContain(cli.sim.fingerprint.toUpperCase());
    // The API client refuses the certificate too.
    expect(r.stdout).toMatch(/^FAIL api /m);
  });

  it('a damaged cache file is a red line saying how to start a fresh one', async () => {
    const env = await cli.syncedEnv({ PATH: pathWith(true) });
    const ping = await cli.run(['health', '-o', 'json'], env);
    const cacheLine = (JSON.parse(ping.stdout) as { lines: Array<{ check: string; subject?: string }> }).lines.find((l) => l.check === 'cache')!;
    const path = cacheLine.subject!;
    expect(existsSync(path)).toBe(true);
    // Garbage over every page after the first (the header stays: SQLite opens it, then finds the damage).
    const size = statSync(path).size;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(size - 4096, 0x5a), 0, size - 4096, 4096);
    closeSync(fd);
    const r = await cli.run(['health'], env);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^FAIL cache +.*: (damaged|unreadable) .*proxmox-mpc sync --reset-cache/m);
  });

  it('missing tools are yellow lines: exit 0, healthy with warnings', async () => {
    const env = await cli.syncedEnv({ PATH: pathWith(false) });
    const r = await cli.run(['health'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const tool of ['terraform', 'ansible-playbook', 'ansible-lint']) expect(r.stdout).toMatch(new RegExp(`^WARN tool +${tool}: not found on PATH$`, 'm'));
    expect(linesOf(r.stdout).at(-1)).toBe('Healthy, with 3 warning(s).');
  });

  it('a password login: the ticket and its expiry; a rejected token is a red auth line', async () => {
    const env = await cli.syncedEnv({ PATH: pathWith(true) });
    const { PROXMOX_VE_API_TOKEN: _token, ...withoutToken } = env;
    const r = await cli.run(['health'], { ...withoutToken, PROXMOX_VE_USERNAME: 'root@pam', PROXMOX_VE_PASSWORD: cli.sim.root.password });
    expect(r.stdout).toMatch(/^OK +auth +root@pam: password login valid; ticket expires \d\d:\d\d UTC/m);
    const log = readFileSync(join(env.HOME!, '.local', 'state', 'proxmox-mpc', 'logs', 'proxmox-mpc.log'), 'utf8');
    expect(log).not.toContain(cli.sim.root.password);

    const bad = await cli.run(['health'], { ...env, PROXMOX_VE_API_TOKEN: `${cli.sim.root.tokenId}=00000000-0000-0000-0000-000000000000` });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL auth +root@pam!mpc: rejected: /m);
    expect(bad.stdout).not.toContain('00000000-0000-0000-0000-000000000000');
  });

  it('a cluster slower than the time limit: the check is given up at the limit, its requests cancelled, and the command exits then', async () => {
    const env = await cli.syncedEnv({ PATH: pathWith(true) });
    // Each request answers in 1.8 s, within the 2 s a request may take: version, the node list
    // and the nodes' versions one after the other would take 5.4 s, past the check's limit (2.5 s).
    cli.sim.faults.set({ latencyMs: 1800 });
    const started = Date.now();
    const r = await cli.run(['health', '--timeout', '2'], env);
    const elapsed = Date.now() - started;
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^FAIL api +\S+: no answer within 2 s$/m);
    // The limit plus a margin for starting node; the requests left running would keep it alive to 5.4 s.
    expect(elapsed).toBeLessThan(2500 + 1500);
  });

  it('--debug logs every API request (method, path, status, ms) and no secret', async () => {
    const env = await cli.syncedEnv({ PATH: pathWith(true) });
    const r = await cli.run(['--debug', 'health'], env);
    expect(r.code).toBe(0);
    const log = readFileSync(join(env.HOME!, '.local', 'state', 'proxmox-mpc', 'logs', 'proxmox-mpc.log'), 'utf8');
    const requests = log
      .split('\n')
      .filter((l) => l.includes('"api request"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(requests.length).toBeGreaterThanOrEqual(2 + nodes.length);
    expect(requests).toContainEqual(expect.objectContaining({ level: 'debug', method: 'GET', path: '/version', status: 200, command: 'health' }));
    for (const req of requests) expect(typeof req.ms).toBe('number');
    expect(log).not.toContain(cli.sim.root.tokenSecret);
  });
});

describe('proxmox-mpc health when the cluster cannot be reached', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let silentPort: number;
  let closedPort: number;
  beforeAll(async () => {
    // Accepts connections and never answers (a hung proxy, a firewall that swallows).
    silent = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  function envAt(port: number): NodeJS.ProcessEnv {
    const env = isolatedEnv({
      PROXMOX_VE_ENDPOINT: `https://127.0.0.1:${port}`,
      PROXMOX_VE_API_TOKEN: 'root@pam!mpc=00000000-1111-2222-3333-444444444444',
      PMC_FINGERPRINT: cli.sim.fingerprint,
      PATH: pathWith(true),
    });
    mkdirSync(dirname(defaultCachePath('x', env)), { recursive: true });
    return env;
  }

  it('a stopped cluster (connection refused): red api line, exit 1, at once', async () => {
    const started = Date.now();
    const r = await cli.run(['health', '--timeout', '2'], envAt(closedPort));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^FAIL api +https:\/\/127\.0\.0\.1:\d+: unreachable: /m);
    expect(r.stdout).toMatch(/^FAIL tls +no certificate read: /m);
    expect(r.stdout).toMatch(/^FAIL sync +never synced/m);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a cluster that accepts and never answers: red lines once the time limit passes, no hang', async () => {
    const started = Date.now();
    const r = await cli.run(['health', '--timeout', '1'], envAt(silentPort));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^FAIL api /m);
    expect(r.stdout).toMatch(/^FAIL tls +(no certificate read|no TLS handshake)/m);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('no connection settings at all: one red line saying what to set, the local checks still run', async () => {
    const r = await cli.run(['health'], isolatedEnv({ PATH: pathWith(true) }));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL config +no Proxmox VE endpoint configured/m);
    expect(r.stdout).toMatch(/^OK +tool +terraform/m);
  });
});
