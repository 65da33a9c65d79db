// `proxmox-mpc drift` as a user runs it: a workspace generated from the simulator agrees with
// the cluster (exit 0); a memory change made through the CLI, a guest whose file was deleted and
// a resource for a guest that does not exist are reported (exit 1), in text and in JSON.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DriftReport } from '../src/app/iac/drift.js';
import { isolatedEnv, type CliResult } from './support/cli.js';
import { useSimulatorCli } from './support/simCli.js';

const TEST_MS = 90_000;
const cli = useSimulatorCli('pmc-drift-cli-');

function runIn(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [cli.cliPath, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('drift (CLI, simulator)', () => {
  it(
    'none right after generate; then a changed memory, a guest with no code and code with no guest, exit 1',
    async () => {
      const env = isolatedEnv({
        PROXMOX_VE_ENDPOINT: cli.sim.url,
        PROXMOX_VE_API_TOKEN: `${cli.sim.root.tokenId}=${cli.sim.root.tokenSecret}`,
        PMC_FINGERPRINT: cli.sim.fingerprint,
      });
      const root = mkdtempSync(join(tmpdir(), 'pmc-drift-'));
      expect((await runIn(root, ['init'], env)).code).toBe(0);
      const gen = await runIn(root, ['generate', '--refresh'], env);
      expect(gen.code, gen.stderr).toBe(0);
      const clean = await runIn(root, ['drift'], env);
      expect(clean.stderr).toBe('');
      expect(clean.code).toBe(0);
      expect(clean.stdout).toBe(`no drift: ${cli.sim.cluster.guests.size} guests match the code\n`);

      const set = await runIn(root, ['set', 'vm', '105', '--memory', '3072', '--yes'], env);
      expect(set.code, set.stderr).toBe(0);
      const tf = join(root, 'terraform');
      const files = readdirSync(tf);
      const f105 = files.find((f) => f.startsWith('vm-105-'))!;
      const coded = /dedicated = (\d+)/.exec(readFileSync(join(tf, f105), 'utf8'))![1];
      rmSync(join(tf, files.find((f) => f.startsWith('vm-106-'))!));
      const copy = readFileSync(join(tf, files.find((f) => f.startsWith('vm-107-'))!), 'utf8')
        .replace(/"proxmox_virtual_environment_vm" "[^"]+"/, '"proxmox_virtual_environment_vm" "ghost"')
        .replace(/vm_id += 107/, 'vm_id     = 4242');
      writeFileSync(join(tf, 'ghost.tf'), copy);

      const text = await runIn(root, ['drift', '--refresh'], env);
      expect(text.code, text.stderr).toBe(1);
      expect(text.stdout).toMatch(/^not in code +vm 106 \S+ on pve\d/m);
      expect(text.stdout).toMatch(/^no guest +terraform\/ghost\.tf:\d+ proxmox_virtual_environment_vm\.ghost \(vm_id 4242/m);
      expect(text.stdout).toMatch(new RegExp(`^changed +terraform/${f105.replace(/\./g, '\\.')}:\\d+ proxmox_virtual_environment_vm\\.\\S+ \\(vm_id 105\\)\\n +memory\\.dedicated: code ${coded}, live 3072$`, 'm'));
      expect(text.stdout).toMatch(/^drift: 1 guest not in code, 1 resource with no guest, 1 with changed attributes, \d+ matching$/m);

      const json = await runIn(root, ['drift', '-o', 'json'], env);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout) as DriftReport;
      expect(report.drift).toBe(true);
      expect(report.notInCode.map((g) => g.vmid)).toEqual([106]);
      expect(report.noGuest.map((g) => [g.address, g.vmid])).toEqual([['proxmox_virtual_environment_vm.ghost', 4242]]);
      expect(report.changed).toHaveLength(1);
      expect(report.changed[0]!.attributes).toEqual([{ name: 'memory.dedicated', code: Number(coded), live: 3072 }]);

      // generate brings the code back in line: vm 106's file again, vm 105's memory, and the
      // ghost (a copy of a generated file, marker and all) removed into the backup
      const regen = await runIn(root, ['generate'], env);
      expect(regen.code, regen.stderr).toBe(0);
      expect(regen.stdout).toMatch(/^removed +terraform\/ghost\.tf$/m);
      expect(regen.stdout).toMatch(/^generated: 1 new, 1 changed, \d+ unchanged, 0 kept, 1 removed/m);
      const after = await runIn(root, ['drift'], env);
      expect(after.code, after.stdout).toBe(0);
    },
    TEST_MS,
  );

  it(
    'outside a workspace: exit 2 and how to make one',
    async () => {
      const r = await runIn(mkdtempSync(join(tmpdir(), 'pmc-nows-')), ['drift'], isolatedEnv());
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^proxmox-mpc: drift works inside a workspace .* run proxmox-mpc init first/);
    },
    TEST_MS,
  );
});
