// The vault in the console as a user sees it: the built CLI in a real pseudo-terminal against the
// simulator. Typing `$` in a palette argument offers the vault's entries as $vault.<name> (names
// and dates, never a value); Tab puts one in the line; `:vault` lists the entries and says how to
// add one, and no value is ever on the screen.
import { afterEach, describe, expect, it } from 'vitest';
import { useSimulatorCli } from './support/simCli.js';
import { spawnTty, type TtySession } from './support/tty.js';

const cli = useSimulatorCli('pmc-vault-console-');
const STEP_MS = 20_000;
const SECRETS = { 'db-password': 'db secret value 42', 'ct-root': 'ct root secret value' };
const sessions: TtySession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
});

describe('the console: $vault completion and :vault', { timeout: 120_000 }, () => {
  it('completes $vault.<name> in an argument and lists the entries, never showing a value', async () => {
    const env = await cli.syncedEnv({ PMC_VAULT_PASSPHRASE: 'the console vault passphrase' });
    for (const [name, value] of Object.entries(SECRETS)) {
      const r = await cli.run(['vault', 'set', name, '--from-env', 'SECRET_IN'], { ...env, SECRET_IN: value });
      expect(r.code, r.stderr).toBe(0);
    }
    const tty = spawnTty([cli.cliPath], { cols: 200, rows: 40, env, cwd: env.HOME! });
    sessions.push(tty);
    await tty.waitFor((s) => /^Guests \(\d+\)/m.test(s) && s.includes('web-01'), { timeoutMs: 30_000, message: 'the guest table' });

    tty.write(':ansible site pw=$v');
    await tty.waitFor((s) => /\$vault\.ct-root +vault entry, updated \d{4}-\d\d-\d\d \d\d:\d\d UTC/.test(s) && /\$vault\.db-password +vault entry, updated/.test(s), {
      timeoutMs: STEP_MS,
      message: 'both entries offered',
    });
    tty.write('db');
    await tty.waitFor((s) => s.includes('$vault.db-password') && !s.includes('$vault.ct-root'), { timeoutMs: STEP_MS, message: 'only db-password offered' });
    tty.write('\t');
    await tty.waitFor((s) => /:ansible site pw=\$vault\.db-password/.test(s), { timeoutMs: STEP_MS, message: 'the completion in the line' });
    tty.write('\x1b');
    // A lone Esc read together with the next ':' would be Alt+':': wait for the line to close.
    await tty.waitFor((s) => !s.includes(':ansible site pw=') && / NORMAL /.test(s), { timeoutMs: STEP_MS, message: 'the palette closed' });

    tty.write(':vault\r');
    await tty.waitFor((s) => s.includes('Vault: 2 entries (values are never shown)') && s.includes('proxmox-mpc vault set NAME'), { timeoutMs: STEP_MS, message: 'the :vault dialog' });
    const screen = tty.text();
    expect(screen).toMatch(/ct-root +\d{4}-\d\d-\d\d \d\d:\d\d UTC +\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(screen).toMatch(/db-password +\d{4}-\d\d-\d\d/);
    for (const value of Object.values(SECRETS)) expect(tty.text()).not.toContain(value);
  });
});
