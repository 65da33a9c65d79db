// The console's health panel and :report-issue as a user sees them: the built CLI in a real
// pseudo-terminal against the simulator. `:health` shows the checks' lines (every node online);
// with a node taken offline, `r` runs them again and its line turns FAIL. `:report-issue` says
// where the report and its mapping went, and the report is on disk without the token secret.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useSimulatorCli } from './support/simCli.js';
import { spawnTty, type TtySession } from './support/tty.js';

const cli = useSimulatorCli('pmc-trust-console-');
const STEP_MS = 20_000;
const sessions: TtySession[] = [];
let fakeBin: string;
let nodes: string[];

beforeAll(async () => {
  fakeBin = mkdtempSync(join(tmpdir(), 'pmc-trust-bin-'));
  for (const [name, line] of Object.entries({ terraform: 'Terraform v1.11.4', 'ansible-playbook': 'ansible-playbook [core 2.14.18]', 'ansible-lint': 'ansible-lint 6.13.1' })) {
    writeFileSync(join(fakeBin, name), `#!/bin/sh\necho '${line}'\n`);
    chmodSync(join(fakeBin, name), 0o755);
  }
  nodes = (await cli.client.nodes()).map((n) => n.node).sort();
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
});
afterAll(() => rmSync(fakeBin, { recursive: true, force: true }));

async function openConsole(env: NodeJS.ProcessEnv): Promise<TtySession> {
  const tty = spawnTty([cli.cliPath], { cols: 320, rows: 40, env, cwd: env.HOME! });
  sessions.push(tty);
  await tty.waitFor((s) => /^Guests \(\d+\)/m.test(s) && s.includes('web-01'), { timeoutMs: 30_000, message: 'the guest table' });
  return tty;
}

describe('the console: health panel and report-issue', { timeout: 120_000 }, () => {
  it(':health shows every node online; a node offline and r: its line is FAIL', async () => {
    const env = await cli.syncedEnv({ PATH: fakeBin });
    const tty = await openConsole(env);
    tty.write(':health\r');
    await tty.waitFor((s) => /^Health {2}(healthy|unhealthy)/m.test(s), { timeoutMs: STEP_MS, message: 'the health panel' });
    const screen = tty.text();
    for (const node of nodes) expect(screen).toMatch(new RegExp(`^OK {3}api +node ${node}: online`, 'm'));
    expect(screen).toMatch(/^OK {3}auth +root@pam!mpc: API token valid/m);
    expect(screen).toMatch(/^OK {3}tool +terraform: Terraform v1\.11\.4/m);

    const down = nodes[nodes.length - 1]!;
    cli.sim.faults.set({ offlineNodes: [down] });
    tty.write('r');
    await tty.waitFor((s) => new RegExp(`^FAIL api +node ${down}:`, 'm').test(s) && /^Health {2}unhealthy/m.test(s), { timeoutMs: STEP_MS, message: `${down} red after r` });
  });

  it(':report-issue says where the report and the mapping went; the file has no token secret', async () => {
    const env = await cli.syncedEnv({ PATH: fakeBin });
    const tty = await openConsole(env);
    tty.write(':report-issue\r');
    await tty.waitFor((s) => /report written to \S+\.json; mapping \(keep it private\): \S+\.json/.test(s), { timeoutMs: STEP_MS, message: 'the report message' });
    const m = /report written to (\S+\.json); mapping \(keep it private\): (\S+\.json)/.exec(tty.text())!;
    expect(m[1]!.startsWith(env.HOME!)).toBe(true);
    expect(existsSync(m[1]!)).toBe(true);
    expect(existsSync(m[2]!)).toBe(true);
    const text = readFileSync(m[1]!, 'utf8');
    expect(text).not.toContain(cli.sim.root.tokenSecret);
    for (const node of nodes) expect(text).not.toMatch(new RegExp(`\\b${node}\\b`));
    expect(JSON.parse(text).format).toBe('proxmox-mpc-report');
  });
});
