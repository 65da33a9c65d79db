// The console's :init in a real pty: `proxmox-mpc demo` started in an empty directory makes a
// workspace there for its profile (config, .gitignore, terraform/, ansible/, tests/) and says so;
// a second :init says there already is one and leaves every file as it was; :generate and :drift
// then work on the demo's own cache.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from './support/cli.js';
import { privateBuild, type PrivateBuild } from './support/privateBuild.js';
import { spawnTty, ttyEnv, type TtySession } from './support/tty.js';

let build: PrivateBuild | undefined;
const sessions: TtySession[] = [];
const dirs: string[] = [];

beforeAll(() => {
  build = privateBuild('pmc-init-console-');
}, 180_000);
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  build?.dispose();
});

/** Each file's content and modification time, to show that nothing was touched. */
function snapshot(root: string, paths: readonly string[]): Record<string, { content: string; mtimeMs: number }> {
  return Object.fromEntries(paths.map((p) => [p, { content: readFileSync(join(root, p), 'utf8'), mtimeMs: statSync(join(root, p)).mtimeMs }]));
}

describe('console :init (pty, demo)', () => {
  it('makes a workspace in the current directory and says so; a second :init says it exists and touches nothing', async () => {
    const env = isolatedEnv();
    dirs.push(env.HOME!);
    const root = mkdtempSync(join(tmpdir(), 'pmc-init-console-ws-'));
    dirs.push(root);
    const tty = spawnTty([build!.cliPath, 'demo'], { env: ttyEnv(env), cwd: root, cols: 240, rows: 30 });
    sessions.push(tty);
    await tty.waitFor((s) => s.includes('web-01') && / NORMAL /.test(s), { timeoutMs: 30_000, message: 'the guest table' });
    expect(existsSync(join(root, '.proxmox-mpc'))).toBe(false);

    tty.write(':init\r');
    await tty.waitFor((s) => s.includes(`init: workspace for profile demo in ${root}: created `), { timeoutMs: 15_000, message: 'the init message' });
    expect(tty.text()).toMatch(/created \.proxmox-mpc\/, terraform\/, ansible\/, tests\/, \.proxmox-mpc\/config\.yml, \.gitignore; :generate writes the code/);
    for (const dir of ['terraform', 'ansible', 'tests']) expect(statSync(join(root, dir)).isDirectory(), dir).toBe(true);
    expect(readFileSync(join(root, '.proxmox-mpc', 'config.yml'), 'utf8')).toMatch(/^profile: "demo"$/m);
    const before = snapshot(root, ['.proxmox-mpc/config.yml', '.gitignore']);

    tty.write(':init\r');
    await tty.waitFor((s) => s.includes(`init: ${root} already is a workspace: :generate writes its code`), { timeoutMs: 15_000, message: 'the already-a-workspace message' });
    expect(snapshot(root, ['.proxmox-mpc/config.yml', '.gitignore'])).toEqual(before);

    // The demo's profile is in no config and its cache is not the workspace's: :generate and
    // :drift read the cache the console shows.
    tty.write(':generate\r');
    await tty.waitFor((s) => /generate: \d+ new/.test(s), { timeoutMs: 30_000, message: 'the generate summary' });
    expect(existsSync(join(root, 'terraform', 'vm-100-web-01.tf'))).toBe(true);
    tty.write(':drift\r');
    await tty.waitFor((s) => /no drift: \d+ guests match the code/.test(s), { timeoutMs: 30_000, message: 'no drift' });
  }, 90_000);
});
