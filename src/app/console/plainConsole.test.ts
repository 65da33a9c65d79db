// The line-based console against a real cache filled from the in-process simulator: tables,
// descriptions, filters, help, errors, quit and EOF, cache-only mode, hostile names.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../simulator/index.js';
import type { ConnectionSettings } from '../../workspace/connection.js';
import { PALETTE_COMMANDS } from '../commands.js';
import { runPlainConsole, type PlainConsoleOptions } from './plainConsole.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;

let sim: Sim;
let dir: string;
let cachePath: string;
let connection: ConnectionSettings;
/** The first run: the cache is empty, so the console syncs before anything else. */
let first: Run;

interface Run {
  code: number;
  out: string;
  err: string;
}

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return () => text;
}

/** Feeds `script` on the input (then EOF unless `keepOpen`) and collects both streams. */
async function run(script: string, opts: Partial<Omit<PlainConsoleOptions, 'connection'>> & { keepOpen?: boolean; tty?: boolean; offline?: boolean } = {}): Promise<Run> {
  const { keepOpen, tty, offline, ...rest } = opts;
  const input = new PassThrough();
  const output = new PassThrough();
  const errors = new PassThrough();
  if (tty) Object.assign(input, { isTTY: true });
  const out = collect(output);
  const err = collect(errors);
  const done = runPlainConsole({ profile: 'test', ...(offline ? {} : { connection }), cachePath, readOnly: false, input, output, errors, ...rest });
  input.write(script);
  if (!keepOpen) input.end();
  const code = await done;
  return { code, out: out(), err: err() };
}

/** The table's rows (lines starting with a vmid) as vmids. */
function vmids(text: string): number[] {
  return [...text.matchAll(/^ *(\d+) +\S/gm)].map((m) => Number(m[1]));
}

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'homelab', timeScale: 0.01 });
  dir = mkdtempSync(join(tmpdir(), 'pmc-plain-'));
  cachePath = join(dir, 'cache.db');
  connection = {
    profile: 'test',
    endpoint: sim.url,
    auth: { kind: 'token', tokenId: sim.root.tokenId, secret: sim.root.tokenSecret },
    insecure: false,
    fingerprint: sim.fingerprint,
  };
  first = await run('vm\n');
});

afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('plain console', () => {
  it('syncs first when the cache has never been synced, with progress on the errors stream', () => {
    expect(first.code).toBe(0);
    expect(first.err).toMatch(/syncing once first/);
    expect(first.err).toMatch(/synced test: 3 nodes, 38 guests/);
    expect(first.out).not.toMatch(/sync: reading/);
    expect(first.out.split('\n')[0]).toMatch(/^proxmox-mpc console: profile test, cluster homelab, 38 guests, synced \d+ s ago$/);
  });

  it('vm lists the VMs of the homelab, and only VMs', () => {
    const ids = vmids(first.out);
    expect(ids).toContain(100);
    expect(ids).toContain(101);
    expect(ids).toContain(9000);
    expect(ids.some((id) => id >= 200 && id < 300)).toBe(false);
    expect(first.out).toMatch(/^ +VMID NAME +TYPE NODE +STATUS +CPU +MEM +DISK +UPTIME TAGS +LOCK$/m);
    expect(first.out).toMatch(/^ +100 web-01 +vm +pve1 +running /m);
    // No symbols, no colours: the plain console prints words.
    expect(first.out).not.toMatch(/[●○‖◇✕✓\u001b]/);
  });

  it('ct lists only containers', async () => {
    const r = await run('ct\n');
    expect(r.code).toBe(0);
    const ids = vmids(r.out);
    expect(ids).toContain(200);
    expect(ids).toContain(9100);
    expect(ids.every((id) => (id >= 200 && id < 300) || id === 9100)).toBe(true);
    expect(r.out).toMatch(/^ +200 pihole +ct +pve1 /m);
  });

  it('vm VMID and vm NAME describe one guest', async () => {
    const r = await run('vm 101\nct pihole\n');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Name: +web-02$/m);
    expect(r.out).toMatch(/^VMID: +101$/m);
    expect(r.out).toMatch(/^Type: +qemu \(VM\)$/m);
    expect(r.out).toMatch(/^Disks:$/m);
    expect(r.out).toMatch(/^Name: +pihole$/m);
    expect(r.out).toMatch(/^Type: +lxc \(container\)$/m);
  });

  it('any other argument is a filter; a bad filter is an error and the console goes on', async () => {
    const r = await run('vm status:running tag:web\nguests !node:pve1 type:ct\nvm status:\nct zzz-none\n');
    const [, running, notPve1] = r.out.split(/^ +VMID NAME.*$/m);
    expect(vmids(running!).sort()).toEqual([100, 101]);
    const others = vmids(notPve1!);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((id) => (id >= 200 && id < 300) || id === 9100)).toBe(true);
    expect(notPve1).not.toMatch(/ pve1 /);
    expect(r.err).toMatch(/^error: 'status:' needs a value after the colon/m);
    expect(r.out).toMatch(/^no containers match 'zzz-none'$/m);
    expect(r.code).toBe(0);
  });

  it('/help lists every command with its aliases, and the filter syntax', async () => {
    const r = await run('/help\n');
    expect(r.code).toBe(0);
    for (const c of PALETTE_COMMANDS) {
      expect(r.out).toMatch(new RegExp(`^  ${c.name}\\b.*${c.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
      for (const a of c.aliases) expect(r.out).toContain(a);
    }
    expect(r.out).toMatch(/status:running/);
    expect(r.out).toMatch(/fields: node status tag type pool name vmid lock/);
  });

  it('an unknown command is an error; the exit code is 1 when it was the last one', async () => {
    const r = await run('bogus\n');
    expect(r.err).toContain("error: unknown command 'bogus': try help");
    expect(r.code).toBe(1);
    const again = await run('bogus\nct\n');
    expect(vmids(again.out)).toContain(200);
    expect(again.code).toBe(0);
  });

  it('a command of the full-screen console (a screen, a wizard, a run) says so and names the shell command', async () => {
    const r = await run('health\n');
    expect(r.err).toContain('error: health needs the full-screen console (proxmox-mpc console); from a shell: proxmox-mpc health (see --help)');
    expect(r.code).toBe(1);
    const plan = await run('plan\n');
    expect(plan.err).toContain('from a shell: proxmox-mpc plan');
  });

  it('quit ends the console without waiting for the end of input', async () => {
    const r = await run(':quit\nct\n', { keepOpen: true });
    expect(r.code).toBe(0);
    expect(vmids(r.out)).toEqual([]);
    const alias = await run('vm\nq\nct\n', { keepOpen: true });
    expect(vmids(alias.out)).toContain(100);
    expect(vmids(alias.out)).not.toContain(200);
  });

  it('the end of input ends the console with 0', async () => {
    const r = await run('');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(1); // the banner alone
  });

  it('shows a prompt only when the input is a terminal', async () => {
    const piped = await run('vm\n');
    expect(piped.out).not.toContain('test> ');
    const tty = await run('vm\n', { tty: true });
    expect(tty.out).toContain('test> ');
    expect(tty.out).toMatch(/type help for the commands/);
  });

  it('node, storage, task, snap, overview, settings', async () => {
    const r = await run('node\nnode pve2\nstorage\nstorage pve1/local\ntask\nsnap\noverview\nsettings\nnode nope\n');
    expect(r.out).toMatch(/^NODE +STATUS +CPU +CORES +MEM +MEM% +ROOTFS +UPTIME$/m);
    expect(r.out).toMatch(/^ +101 web-02 +vm +pve2 /m);
    expect(r.out).not.toMatch(/^ +100 web-01 /m);
    expect(r.out).toMatch(/^STORAGE +NODE +TYPE +CONTENT/m);
    expect(r.out).toMatch(/^local:iso\/\S+ +iso /m);
    expect(r.out).toMatch(/^STARTED +NODE +TYPE +ID +USER +TIME +STATUS$/m);
    expect(r.out).toMatch(/^ +VMID GUEST +SNAPSHOT +PARENT/m);
    expect(r.out).toMatch(/^ +102 db-01 +pre-upgrade /m);
    expect(r.out).toMatch(/^Cluster homelab: 3 nodes, 21 VMs, 17 containers$/m);
    expect(r.out).toMatch(/^ {2}pve1 +online +CPU +\S+ +MEM +\d+%/m);
    expect(r.out).toMatch(/full-screen console/);
    expect(r.err).toContain("error: no node 'nope'");
    expect(r.code).toBe(1);
  });

  it('sync runs one poll: the summary on the output, the progress on the errors stream', async () => {
    const r = await run('sync\n');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^synced test: 3 nodes, 38 guests .*changes?/m);
    expect(r.err).toMatch(/sync: reading/);
    expect(r.out).not.toMatch(/sync: reading/);
  });

  it('sync prints what changed', async () => {
    const guest = sim.cluster.guests.get(114)!;
    expect(guest.status).toBe('stopped');
    guest.status = 'running';
    try {
      const r = await run('sync\nvm status:running name:test-vm\n');
      expect(r.out).toMatch(/^synced test: .*, \d+ changes?,/m);
      expect(r.out).toMatch(/^qemu\/114 test-vm: status stopped -> running$/m);
      expect(vmids(r.out)).toEqual([114]);
    } finally {
      guest.status = 'stopped';
    }
  });

  it('without a connection: the cache only, and sync says why it cannot', async () => {
    const r = await run('vm\nsync\n', { offline: true });
    expect(r.out.split('\n')[0]).toMatch(/^proxmox-mpc console: profile test, cluster homelab, 38 guests, synced .* ago, cache only \(no connection\)$/);
    expect(vmids(r.out)).toContain(100);
    expect(r.err).toMatch(/^error: no connection settings/m);
    expect(r.code).toBe(1);
  });

  it('cache only on an empty cache: never synced, no rows, no sync attempted', async () => {
    const empty = join(dir, 'empty.db');
    const r = await run('vm\n', { cachePath: empty, offline: true, readOnly: true });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^proxmox-mpc console: profile test, 0 guests, never synced, cache only \(no connection\), read-only$/m);
    expect(r.out).toMatch(/^no VMs in the cache$/m);
    expect(r.err).toBe('');
  });

  it('escape sequences in a guest name never reach the output', async () => {
    const hostile = join(dir, 'hostile.db');
    await run('', { cachePath: hostile });
    const db = new Database(hostile);
    db.prepare('UPDATE guests SET name = ?, tags = ? WHERE vmid = 100').run('evil\u001b]0;pwned\u0007\u001b[31mred\u001b[2J\u009b1m', 'prod;x\u001b[1my');
    db.close();
    const r = await run('vm\nvm 100\nguests evil\n', { cachePath: hostile, offline: true });
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(r.out).toMatch(/^ +100 evilred +vm .* prod,xy$/m);
    expect(r.out).toMatch(/^Name: +evilred$/m);
  });
});
