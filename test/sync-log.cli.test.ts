// The sync in the log, as a user finds it (the built CLI against the simulator, the log under a
// temp XDG_STATE_HOME): `sync` (in-process) and `sync --watch` (the sync worker, whose lines the
// main thread writes) leave their start and end lines with timings and counts, under each poll's
// correlation id with the command's as parent, and `proxmox-mpc logs` shows them, by op too.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../src/sync/test-support/sim.js';
import { useSimulatorCli } from './support/simCli.js';

interface Line {
  level: string;
  msg: string;
  op?: string;
  parent?: string;
  thread?: string;
  command?: string;
  [key: string]: unknown;
}

const cli = useSimulatorCli('pmc-sync-log-');

const parse = (text: string): Line[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);

describe('the sync in the log', () => {
  it('sync and sync --watch write their lines; logs shows them', { timeout: 60_000 }, async () => {
    const env = await cli.syncedEnv({ XDG_STATE_HOME: '' }); // runs `sync` once
    env.XDG_STATE_HOME = join(env.HOME!, 'state');
    const once = await cli.run(['sync'], env);
    expect(once.code, once.stderr).toBe(0);

    const watch = spawn(process.execPath, [cli.cliPath, 'sync', '--watch', '--interval', '0.2'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    watch.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((done) => watch.on('close', (code) => done(code)));
    await waitFor(() => /watching for changes/.test(stderr), 20_000, 'the first sync of --watch');
    watch.kill('SIGINT');
    expect(await exit).toBe(0);

    const file = join(env.XDG_STATE_HOME, 'proxmox-mpc', 'logs', 'proxmox-mpc.log');
    const lines = parse(readFileSync(file, 'utf8'));
    expect(readFileSync(file, 'utf8')).not.toContain(cli.sim.root.tokenSecret);

    // `sync`: the poll in the command's own thread, its parent the command run.
    const syncCommand = lines.find((l) => l.command === 'sync' && l.msg === 'command started' && l.flags === undefined)!;
    const onceEnded = lines.find((l) => l.msg === 'sync ended' && l.parent === syncCommand.op)!;
    expect(onceEnded).toMatchObject({ level: 'info', command: 'sync', nodes: 3, guests: 38, warnings: 0, ms: expect.any(Number), requests: expect.any(Number) });
    expect(onceEnded.thread).toBeUndefined();
    expect(lines.find((l) => l.msg === 'sync started' && l.op === onceEnded.op)).toMatchObject({ level: 'info', attempt: 1 });

    // `sync --watch`: the worker's lines, written by the main thread, with the command's bindings.
    const watchCommand = lines.find((l) => l.msg === 'command started' && l.flags === '--watch,--interval')!;
    const fromWorker = lines.filter((l) => l.thread === 'sync');
    expect(fromWorker.map((l) => l.msg)).toEqual(expect.arrayContaining(['sync worker started', 'sync started', 'sync ended', 'sync worker stopped']));
    expect(fromWorker.every((l) => l.command === 'sync' && (l.op === watchCommand.op || l.parent === watchCommand.op))).toBe(true);
    const watchEnded = fromWorker.find((l) => l.msg === 'sync ended')!;
    expect(watchEnded).toMatchObject({ level: 'info', nodes: 3, guests: 38, ms: expect.any(Number) });
    expect(fromWorker.at(-1)).toMatchObject({ msg: 'sync worker stopped', polls: expect.any(Number) });
    // The worker's last line is in before the command's own end.
    const ended = lines.findIndex((l) => l.msg === 'command ended' && l.op === watchCommand.op);
    expect(lines.indexOf(fromWorker.at(-1)!)).toBeLessThan(ended);

    // `logs`: the lines as a user reads them, and one sync by its id.
    const shown = await cli.run(['logs', '-n', '0'], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`INFO +${onceEnded.op} +sync ended .*guests=38`));
    expect(shown.stdout).toMatch(new RegExp(`INFO +${watchEnded.op} +sync ended .*thread=sync`));
    const byOp = await cli.run(['logs', '--op', watchEnded.op!, '-o', 'json'], env);
    expect(byOp.code, byOp.stderr).toBe(0);
    expect(parse(byOp.stdout).map((l) => l.msg)).toEqual(['sync started', 'sync ended']);
  });
});
