// The console's run screen in a real pty: `proxmox-mpc demo` started inside a workspace whose
// terraform/ holds an offline terraform_data + local-exec config; `:apply` plans, asks y/N,
// applies, and the resource rows go planned -> applying -> done while the log streams. Real
// terraform: a missing one FAILS the test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initWorkspace } from '../src/workspace/project.js';
import { isolatedEnv } from './support/cli.js';
import { privateBuild, type PrivateBuild } from './support/privateBuild.js';
import { spawnTty, type TtySession } from './support/tty.js';

let build: PrivateBuild;
const sessions: TtySession[] = [];
const dirs: string[] = [];

beforeAll(() => {
  const tf = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (tf.error || tf.status !== 0) throw new Error('terraform is needed for this test and was not found on PATH (CI installs it)');
  build = privateBuild('pmc-run-console-e2e-');
}, 180_000);
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
});
afterAll(() => {
  build?.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// step2 runs until a file appears: the test sees it applying for as long as it needs, then
// lets it finish (no fixed sleeps on either side).
function workspace(): { root: string; release: string } {
  const root = mkdtempSync(join(tmpdir(), 'pmc-run-ws-'));
  dirs.push(root);
  initWorkspace(root);
  const release = join(root, 'release');
  writeFileSync(
    join(root, 'terraform', 'main.tf'),
    `resource "terraform_data" "step1" {
  input = "web-01"
  provisioner "local-exec" {
    command = "echo creating \${self.input}"
  }
}

resource "terraform_data" "step2" {
  triggers_replace = [terraform_data.step1.output]
  provisioner "local-exec" {
    command = "echo waiting; while [ ! -e '${release}' ]; do sleep 0.1; done; echo released"
  }
}
`,
  );
  return { root, release };
}

function env(): NodeJS.ProcessEnv {
  const e = isolatedEnv();
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'COLORTERM']) delete e[k];
  dirs.push(e.HOME!);
  return { ...e, XDG_STATE_HOME: join(e.HOME!, '.local', 'state') };
}

/** The row of a resource on the run screen: `<mark> <state> <addr> ...`. */
function rowState(screen: string, addr: string): string | undefined {
  const line = screen.split('\n').find((l) => l.includes(` ${addr} `) && /(planned|applying|done|failed)/.test(l));
  return line?.match(/(planned|applying|done|failed)/)?.[1];
}

describe('console run screen (pty, real terraform)', () => {
  it(':apply shows the plan, asks y/N, and the rows go planned -> applying -> done', async () => {
    const { root, release } = workspace();
    const tty = spawnTty([build.cliPath, 'demo'], { cols: 140, rows: 40, cwd: root, env: env() });
    sessions.push(tty);
    await tty.waitFor((s) => /^Guests \(38\)/m.test(s), { timeoutMs: 30_000, message: 'the guest table' });

    tty.write(':apply\r');
    await tty.waitFor((s) => s.includes('Proceed? [y/N]'), { timeoutMs: 30_000, message: 'the question' });
    let screen = tty.text();
    expect(screen).toContain('terraform apply in');
    expect(screen).toMatch(/HIGH: terraform apply in pmc-run-ws-\w+: 2 to add, 0 to change, 0 to destroy\./);
    expect(rowState(screen, 'terraform_data.step1')).toBe('planned');
    expect(rowState(screen, 'terraform_data.step2')).toBe('planned');
    expect(existsSync(join(root, 'terraform', 'terraform.tfstate'))).toBe(false);

    tty.write('y');
    await tty.waitFor((s) => rowState(s, 'terraform_data.step2') === 'applying', { timeoutMs: 30_000, message: 'step2 applying' });
    screen = tty.text();
    expect(rowState(screen, 'terraform_data.step1')).toBe('done');
    expect(screen).toContain('waiting');

    // The elapsed time ticks while it applies.
    const elapsed = (s: string) => Number(s.split('\n').find((l) => l.includes(' terraform_data.step2 '))?.match(/create\s+(\d+)s/)?.[1] ?? -1);
    const first = elapsed(tty.text());
    await tty.waitFor((s) => elapsed(s) > first, { timeoutMs: 10_000, message: 'the elapsed time ticking' });

    writeFileSync(release, '');
    await tty.waitFor((s) => rowState(s, 'terraform_data.step2') === 'done' && /Apply complete: 2 added, 0 changed, 0 destroyed/.test(s), { timeoutMs: 30_000, message: 'step2 done' });
    expect(existsSync(join(root, 'terraform', 'terraform.tfstate'))).toBe(true);
    expect(readdirSync(join(root, '.proxmox-mpc', 'logs')).some((f) => f.endsWith('Z-apply.jsonl'))).toBe(true);

    // r shows the raw stream (terraform's JSON lines), r again the readable log.
    tty.write('r');
    const rawApplyComplete = '{"@level":"info","@message":"Apply complete! Resources: 2 added';
    await tty.waitFor((s) => s.includes(rawApplyComplete), { message: 'the raw log' });
    tty.write('r');
    await tty.waitFor((s) => !s.includes(rawApplyComplete) && s.includes('Apply complete! Resources: 2 added'), { message: 'the readable log' });

    // / searches the log.
    tty.write('/released\r');
    await tty.waitFor((s) => /search: released \(line \d+\)/.test(s), { message: 'the search' });

    // Esc leaves the screen; :run brings it back.
    tty.press('escape');
    await tty.waitFor((s) => !s.includes('search: released'), { message: 'the search cleared' });
    tty.press('escape');
    await tty.waitFor((s) => /^Guests \(38\)/m.test(s), { message: 'back to the guests' });
    tty.write(':run\r');
    await tty.waitFor((s) => s.includes('terraform apply in') && rowState(s, 'terraform_data.step2') === 'done', { message: 'the run again' });
  }, 120_000);
});
