// The actions menu's dialogs as a user drives them: the built CLI in a real pseudo-terminal
// against a simulator in this process (so that the test can ask the cluster what happened).
// A snapshot taken from the menu shows in the guest's Snapshots tab; a stopped guest is
// deleted only once its name is typed (a wrong name does nothing); a stopped guest migrated
// shows its new node in the guest list. Every wait is on a predicate.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProxmoxClient } from '../src/proxmox/client.js';
import { startTestSimulator, type TestSimulator } from '../src/sync/test-support/sim.js';
import { isolatedEnv } from './support/cli.js';
import { privateBuild, type PrivateBuild } from './support/privateBuild.js';
import { spawnTty, type TtySession } from './support/tty.js';

const ROOT = resolve(import.meta.dirname, '..');
const READY_MS = 20_000;
const STEP_MS = 10_000;
const TEST_MS = 40_000;

let build: PrivateBuild | undefined;
let sim: TestSimulator | undefined;
let client: ProxmoxClient | undefined;
beforeAll(async () => {
  build = privateBuild('pmc-guest-dialogs-e2e-');
  // One cluster for the file: each test acts on a guest of its own.
  ({ sim, client } = await startTestSimulator({ scenario: 'homelab', timeScale: 0.02 }));
}, 180_000);
afterAll(async () => {
  client?.close();
  await sim?.close();
  build?.dispose();
});

const sessions: TtySession[] = [];
const homes: string[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A console on the simulator (its own HOME, polling every second), the cursor on `name`. */
async function consoleOn(name: string): Promise<TtySession> {
  const env = isolatedEnv();
  homes.push(env.HOME!);
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'COLORTERM']) delete env[k];
  Object.assign(env, { XDG_STATE_HOME: join(env.HOME!, '.local', 'state'), PROXMOX_VE_ENDPOINT: sim!.url, PROXMOX_VE_API_TOKEN: `${sim!.root.tokenId}=${sim!.root.tokenSecret}`, PMC_FINGERPRINT: sim!.fingerprint });
  const configDir = join(env.XDG_CONFIG_HOME!, 'proxmox-mpc');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'config.yml'), 'console:\n  refreshMs: 1000\n');
  const tty = spawnTty([build!.cliPath], { cols: 120, rows: 40, cwd: ROOT, env });
  sessions.push(tty);
  await tty.waitFor((s) => /^Guests \(\d+\)/m.test(s) && s.includes(name), { timeoutMs: READY_MS, message: 'the guest table' });
  tty.write(`/${name}\r`);
  await tty.waitFor((s) => /^Guests \(1\/\d+\) .*\s1\/1$/m.test(s), { timeoutMs: STEP_MS, message: `the list filtered to ${name}` });
  return tty;
}

/** The screen without box borders, so that a field and the line under it read as lines. */
const unboxed = (screen: string): string => screen.replace(/[│╭╮╰╯─]/g, ' ').replace(/ +$/gm, '');

const guestOf = async (vmid: number) => (await client!.clusterResources('vm')).find((g) => g.vmid === vmid);

describe('the guest dialogs from the actions menu', { timeout: TEST_MS }, () => {
  it('takes a snapshot, then the Snapshots tab shows it', async () => {
    const tty = await consoleOn('web-01');
    tty.write('a');
    await tty.waitFor((s) => s.includes('Actions: VM 100 web-01') && s.includes('n  snapshot: take, roll back or delete one...'), { timeoutMs: STEP_MS, message: 'the menu' });
    tty.write('n');
    await tty.waitFor((s) => /Snapshot · Step 1\/2: Snapshot/.test(s) && s.includes('Action: take a snapshot'), { timeoutMs: STEP_MS, message: 'the dialog, its facts read' });
    tty.press('tab');
    tty.write('1bad');
    await tty.waitFor((s) => /Name: 1bad_\n\s+! '1bad' is not a snapshot name/.test(unboxed(s)), { timeoutMs: STEP_MS, message: 'the bad name said as typed' });
    tty.press('ctrl-u');
    tty.write('from-menu');
    tty.press('enter');
    await tty.waitFor((s) => s.includes('Step 2/2: Review') && s.includes("LOW: take snapshot 'from-menu' of VM 100 web-01."), { timeoutMs: STEP_MS, message: 'the review' });
    expect(tty.text()).toContain('proxmox-mpc snapshot create vm 100 from-menu');
    tty.press('enter');
    await tty.waitFor((s) => s.includes('snapshot create VM 100 web-01: OK'), { timeoutMs: STEP_MS, message: 'the snapshot told done' });
    expect((await client!.guest('qemu').snapshots('pve1', 100)).map((s) => s.name)).toContain('from-menu');
    // The guest's Snapshots tab.
    tty.press('enter');
    await tty.waitFor((s) => /^VMID:\s+100$/m.test(s), { timeoutMs: STEP_MS, message: 'the detail' });
    tty.write('lll');
    await tty.waitFor((s) => /^Snapshots:$/m.test(s) && s.includes('from-menu'), { timeoutMs: STEP_MS, message: 'the snapshot in the Snapshots tab' });
  });

  it('deletes a stopped guest only once its name is typed; a wrong name does nothing', async () => {
    const tty = await consoleOn('win11-desk');
    tty.write('a');
    await tty.waitFor((s) => s.includes('D  delete for good...'), { timeoutMs: STEP_MS, message: 'the menu' });
    tty.write('D');
    await tty.waitFor((s) => /Delete · Step 1\/2: What goes with it/.test(s) && s.includes('Purge: [x] yes'), { timeoutMs: STEP_MS, message: 'the dialog' });
    tty.press('enter');
    await tty.waitFor((s) => s.includes('CRITICAL: delete VM 109 win11-desk on pve3 for good.'), { timeoutMs: STEP_MS, message: 'the review' });
    tty.press('enter');
    await tty.waitFor((s) => s.includes("Type the guest's name (win11-desk) to confirm: _"), { timeoutMs: STEP_MS, message: 'the name asked' });
    // What goes: every volume, named (read live from its config).
    expect(unboxed(tty.text())).toMatch(/Could be lost: the guest win11-desk and its \d+ volumes? \(\S+:/);
    const config = (await client!.guest('qemu').config('pve3', 109)).raw as Record<string, unknown>;
    const volumes = Object.entries(config).flatMap(([k, v]) => (/^(scsi|virtio|sata|ide|efidisk|tpmstate)\d+$/.test(k) && typeof v === 'string' && !v.includes('media=cdrom') ? [v.split(',')[0]!] : []));
    expect(volumes.length).toBeGreaterThan(0);
    for (const volume of volumes) expect(tty.text()).toContain(volume);
    tty.write('win11-dsk');
    tty.press('enter');
    await tty.waitFor((s) => s.includes("'win11-dsk' is not win11-desk: nothing was done"), { timeoutMs: STEP_MS, message: 'the wrong name refused' });
    expect(await guestOf(109)).toBeDefined();
    tty.write('win11-desk');
    tty.press('enter');
    await tty.waitFor((s) => s.includes('delete VM 109 win11-desk: OK'), { timeoutMs: STEP_MS, message: 'the delete told done' });
    expect(await guestOf(109)).toBeUndefined();
    await tty.waitFor((s) => /^Guests \(\d+\/\d+\)/m.test(s) && !/^\s+109 win11-desk/m.test(s), { timeoutMs: STEP_MS, message: 'gone from the list' });
  });

  it('migrates a stopped guest after y; the list shows its new node', async () => {
    const tty = await consoleOn('test-vm');
    expect(tty.text()).toMatch(/^\s+114 test-vm\s+vm\s+pve2\s/m);
    tty.write('a');
    await tty.waitFor((s) => s.includes('m  migrate to another node...'), { timeoutMs: STEP_MS, message: 'the menu' });
    tty.write('m');
    await tty.waitFor((s) => /Migrate · Step 1\/2: Where to/.test(s) && /> Node: pve1/.test(s), { timeoutMs: STEP_MS, message: 'the dialog with the other online nodes' });
    tty.press('enter');
    await tty.waitFor((s) => s.includes('MEDIUM: migrate VM 114 test-vm from pve2 to pve1 offline'), { timeoutMs: STEP_MS, message: 'the review' });
    tty.press('enter');
    await tty.waitFor((s) => s.includes('y: go ahead'), { timeoutMs: STEP_MS, message: 'the y/N question' });
    tty.write('y');
    await tty.waitFor((s) => /^\s+114 test-vm\s+vm\s+pve1\s/m.test(s), { timeoutMs: 20_000, message: 'test-vm on pve1 in the list' });
    expect((await guestOf(114))?.node).toBe('pve1');
  });
});
