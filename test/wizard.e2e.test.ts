// The create wizards as a user drives them: the built CLI in a real pseudo-terminal against a
// simulator in this process (so that the test can ask the cluster what exists), from the first
// key to a running VM in the guest list; a wizard cancelled half-way creates nothing; bad input
// is said under its field as it is typed; read-only mode refuses. Every wait is on a predicate.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProxmoxClient } from '../src/proxmox/client.js';
import { startTestSimulator } from '../src/sync/test-support/sim.js';
import { isolatedEnv } from './support/cli.js';
import { privateBuild, type PrivateBuild } from './support/privateBuild.js';
import { spawnTty, type TtySession } from './support/tty.js';

const ROOT = resolve(import.meta.dirname, '..');
const READY_MS = 30_000;
const STEP_MS = 15_000;
const TEST_MS = 90_000;

let build: PrivateBuild | undefined;
beforeAll(() => {
  build = privateBuild('pmc-wizard-e2e-');
}, 180_000);
afterAll(() => build?.dispose());

const sessions: TtySession[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A homelab simulator here and a console on it (its own HOME, polling every second). */
async function openConsole(args: string[] = []): Promise<{ tty: TtySession; client: ProxmoxClient }> {
  const { sim, client } = await startTestSimulator({ scenario: 'homelab', timeScale: 0.05 });
  const env = isolatedEnv();
  cleanups.push(async () => {
    client.close();
    await sim.close();
    rmSync(env.HOME!, { recursive: true, force: true });
  });
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'COLORTERM']) delete env[k];
  Object.assign(env, { XDG_STATE_HOME: join(env.HOME!, '.local', 'state'), PROXMOX_VE_ENDPOINT: sim.url, PROXMOX_VE_API_TOKEN: `${sim.root.tokenId}=${sim.root.tokenSecret}`, PMC_FINGERPRINT: sim.fingerprint });
  const configDir = join(env.XDG_CONFIG_HOME!, 'proxmox-mpc');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'config.yml'), 'console:\n  refreshMs: 1000\n');
  const tty = spawnTty([build!.cliPath, ...args], { cols: 120, rows: 40, cwd: ROOT, env });
  sessions.push(tty);
  await tty.waitFor((s) => /^Guests \(38\)/m.test(s) && s.includes('web-01'), { timeoutMs: READY_MS, message: 'the guest table' });
  return { tty, client };
}

/** The screen without the wizard's border, so that a field and the line under it read as lines. */
const unboxed = (screen: string): string => screen.replace(/[│╭╮╰╯─]/g, ' ').replace(/ +$/gm, '');

const names = async (client: ProxmoxClient): Promise<string[]> => (await client.clusterResources('vm')).map((g) => g.name ?? '');

/** Opens the create-VM wizard and waits for its choices. */
async function openWizard(tty: TtySession): Promise<void> {
  tty.write('c');
  await tty.waitFor((s) => /Create VM · Step 1\/\d+: Node/.test(s) && /> Node: pve1/.test(s), { timeoutMs: STEP_MS, message: 'the wizard with its nodes' });
}

/** Enter, then the step called `title`. */
async function next(tty: TtySession, title: string | RegExp): Promise<void> {
  tty.press('enter');
  await tty.waitFor((s) => (typeof title === 'string' ? s.includes(title) : title.test(s)), { timeoutMs: STEP_MS, message: String(title) });
}

describe('the create-VM wizard', { timeout: TEST_MS }, () => {
  it('goes from the first key to a running VM in the guest list', async () => {
    const { tty, client } = await openConsole();
    expect(tty.text()).toContain('<c> create');
    await openWizard(tty);
    await next(tty, ': Name and VMID');
    expect(tty.text()).toMatch(/Create VM · Step 2\/9: Name and VMID/);
    const vmid = /^\s+VMID: (\d+)$/m.exec(unboxed(tty.text()))?.[1];
    expect(vmid, 'the next free vmid proposed').toMatch(/^\d+$/);
    tty.write('wiz-01');
    await tty.waitFor((s) => s.includes('> Name: wiz-01_'), { timeoutMs: STEP_MS, message: 'the name typed' });
    await next(tty, ': Install source');
    // An ISO from the node's storage, with its size.
    await tty.waitFor((s) => /ISO: \S+:iso\/\S+\.iso  [\d.]+ \w+/.test(s), { timeoutMs: STEP_MS, message: 'an ISO chosen, with its size' });
    await next(tty, ': OS type');
    await next(tty, ': CPU and memory');
    tty.press('tab', 'ctrl-u');
    tty.write('1G');
    await tty.waitFor((s) => s.includes('> Memory: 1G_'), { timeoutMs: STEP_MS, message: 'the memory typed' });
    await next(tty, ': Disk');
    expect(tty.text()).toMatch(/Storage: \S+\s+\S+, [\d.]+ \S+ free/);
    tty.press('tab', 'ctrl-u');
    tty.write('4');
    await tty.waitFor((s) => s.includes('> Size: 4_'), { timeoutMs: STEP_MS, message: 'the size typed' });
    await next(tty, ': Network');
    expect(tty.text()).toMatch(/Bridge: vmbr0/);
    await next(tty, ': Start and tags');
    expect(tty.text()).toContain('Start it once created: [x] yes');
    await next(tty, ': Review');
    const review = tty.text();
    expect(review).toContain(`VM ${vmid} wiz-01 on pve1`);
    expect(review).toMatch(/Disk:\s+4 GiB on \S+/);
    expect(review).toContain(`proxmox-mpc create vm --name wiz-01 --node pve1 --vmid ${vmid}`);
    expect(await names(client)).not.toContain('wiz-01');

    tty.press('enter');
    await tty.waitFor((s) => !s.includes('Create VM ·'), { timeoutMs: STEP_MS, message: 'the wizard closed' });
    await tty.waitFor((s) => new RegExp(`create VM ${vmid} wiz-01: OK`).test(s), { timeoutMs: 30_000, message: 'the create told done' });
    const created = (await client.clusterResources('vm')).find((g) => g.name === 'wiz-01');
    expect(created).toMatchObject({ vmid: Number(vmid), node: 'pve1', status: 'running' });
    // In the guest list, running.
    tty.write('/wiz-01\r');
    await tty.waitFor((s) => new RegExp(`^\\s+${vmid} wiz-01\\s+vm\\s+pve1\\s+\\S*\\s*running`, 'm').test(s), { timeoutMs: 20_000, message: 'wiz-01 running in the list' });
  });

  it('cancelled half-way with Esc creates nothing', async () => {
    const { tty, client } = await openConsole();
    const before = await names(client);
    await openWizard(tty);
    await next(tty, ': Name and VMID');
    tty.write('halfway');
    await tty.waitFor((s) => s.includes('> Name: halfway_'), { timeoutMs: STEP_MS, message: 'the name typed' });
    await next(tty, ': Install source');
    await next(tty, ': OS type');
    // Esc goes back a step at a time, values kept; on the first step it closes.
    tty.press('escape');
    await tty.waitFor((s) => s.includes(': Install source'), { timeoutMs: STEP_MS, message: 'back to the source' });
    tty.press('escape');
    await tty.waitFor((s) => s.includes(': Name and VMID') && s.includes('Name: halfway'), { timeoutMs: STEP_MS, message: 'back to the name, kept' });
    tty.press('escape');
    await tty.waitFor((s) => s.includes(': Node'), { timeoutMs: STEP_MS, message: 'back to the node' });
    tty.press('escape');
    await tty.waitFor((s) => !s.includes('Create VM ·') && s.includes('Create VM: cancelled'), { timeoutMs: STEP_MS, message: 'the wizard closed' });
    expect(await names(client)).toEqual(before);
    // The console works as before: j moves the cursor again.
    tty.write('j');
    await tty.waitFor((s) => /^Guests \(38\)\s+2\/38$/m.test(s), { timeoutMs: STEP_MS, message: 'the cursor moved' });
  });

  it('says bad input under its field as it is typed, and Enter does not go on', async () => {
    const { tty, client } = await openConsole();
    await openWizard(tty);
    await next(tty, ': Name and VMID');
    tty.write('web 01');
    await tty.waitFor((s) => /> Name: web 01_\n\s+! name 'web 01' is not a valid DNS name/.test(unboxed(s)), { timeoutMs: STEP_MS, message: 'the name problem as typed' });
    tty.press('tab', 'ctrl-u');
    tty.write('100');
    await tty.waitFor((s) => /VMID: 100_\n\s+! .*100/.test(unboxed(s)), { timeoutMs: STEP_MS, message: 'a used vmid refused as typed' });
    tty.press('enter');
    await tty.waitFor((s) => s.includes('fix the 2 fields marked to go on') && s.includes(': Name and VMID'), { timeoutMs: STEP_MS, message: 'stays on the step' });
    tty.press('escape');
    await tty.waitFor((s) => s.includes(': Node'), { timeoutMs: STEP_MS, message: 'back to the node' });
    tty.press('escape');
    await tty.waitFor((s) => !s.includes('Create VM ·'), { timeoutMs: STEP_MS, message: 'closed' });
    expect(await names(client)).not.toContain('web 01');
  });

  it('read-only mode hides the create key and refuses it', async () => {
    const { tty } = await openConsole(['--read-only']);
    expect(tty.text()).toContain('<?> help');
    expect(tty.text()).not.toContain('<c> create');
    tty.write('c');
    await tty.waitFor((s) => s.includes('read-only mode: nothing is created'), { timeoutMs: STEP_MS, message: 'the refusal' });
    expect(tty.text()).not.toContain('Create VM ·');
  });
});
