// The Terraform generator on the homelab scenario: the simulator (fixed seed) synced into a
// fresh cache, read back with loadIacInput and generated; the files must equal the golden ones
// under test/golden/terraform/homelab/ (UPDATE_GOLDEN=1 rewrites them), be byte-identical on a
// second run, pass the schema check, the real `terraform fmt -check` and the offline
// `terraform validate`.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIacInput } from '../src/app/iac/loadInput.js';
import { runSyncOnce } from '../src/app/commands/sync.js';
import { defaultCachePath } from '../src/db/paths.js';
import { generateTerraform } from '../src/generators/terraform/index.js';
import { checkTerraformSchema } from '../src/generators/terraform/schemaCheck.js';
import { DEFAULT_GENERATOR_OPTIONS, type GeneratedFile, type IacInput } from '../src/generators/types.js';
import { startSimulator } from '../src/simulator/index.js';
import { checkTerraform } from '../src/workspace/checks/terraform.js';
import { sink } from '../src/app/read/test-support/fixture.js';

const GOLDEN = resolve(import.meta.dirname, 'golden/terraform/homelab');
/** The endpoint written into variables.tf (the simulator's port changes every run). */
const ENDPOINT = 'https://pve1.home.arpa:8006';

let sim: Awaited<ReturnType<typeof startSimulator>>;
let home: string;
let env: NodeJS.ProcessEnv;

async function load(): Promise<IacInput> {
  const input = await loadIacInput({ output: 'text', profile: 'homelab', offline: true }, { env, stderr: sink() });
  return { ...input, endpoint: ENDPOINT };
}

function terraformBinary(): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/local/bin')) {
    if (dir && existsSync(join(dir, 'terraform'))) return join(dir, 'terraform');
  }
  throw new Error('terraform is not installed (CI installs it): this test runs the real `terraform fmt -check`');
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 1, timeScale: 0.01 });
  home = mkdtempSync(join(tmpdir(), 'pmc-tf-golden-'));
  env = { HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache') };
  mkdirSync(join(home, 'config', 'proxmox-mpc'), { recursive: true });
  writeFileSync(
    join(home, 'config', 'proxmox-mpc', 'config.yml'),
    `defaultProfile: homelab\nprofiles:\n  homelab:\n    endpoint: ${sim.url}\n    tokenId: '${sim.root.tokenId}'\n    tokenSecret: '${sim.root.tokenSecret}'\n    fingerprint: '${sim.fingerprint}'\n`,
    { mode: 0o600 },
  );
  await runSyncOnce(
    { profile: 'homelab', endpoint: sim.url, auth: { kind: 'token', tokenId: sim.root.tokenId, secret: sim.root.tokenSecret }, insecure: false, fingerprint: sim.fingerprint },
    defaultCachePath('homelab', env),
    { stderr: sink() },
  );
}, 120_000);

afterAll(async () => {
  await sim?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

const strip = (f: GeneratedFile) => f.path.replace(/^terraform\//, '');

describe('terraform generator on the homelab scenario', () => {
  let files: GeneratedFile[];

  beforeAll(async () => {
    files = generateTerraform(await load(), DEFAULT_GENERATOR_OPTIONS);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(GOLDEN, { recursive: true });
      for (const old of readdirSync(GOLDEN)) unlinkSync(join(GOLDEN, old));
      for (const f of files) writeFileSync(join(GOLDEN, strip(f)), f.content);
    }
  });

  it('generates every guest of the scenario, with its import', () => {
    const guests = files.filter((f) => /^terraform\/(vm|ct)-/.test(f.path));
    expect(guests).toHaveLength(sim.summary.qemu + sim.summary.lxc);
    const imports = files.find((f) => f.path === 'terraform/imports.tf')!.content;
    expect(imports.match(/^import \{$/gm)).toHaveLength(guests.length);
  });

  it('equals the golden files (UPDATE_GOLDEN=1 rewrites them)', () => {
    const golden = readdirSync(GOLDEN).sort();
    expect(files.map(strip).sort()).toEqual(golden);
    for (const f of files) expect(f.content, f.path).toBe(readFileSync(join(GOLDEN, strip(f)), 'utf8'));
  });

  it('is byte-identical when generated again from a fresh read of the cache', async () => {
    expect(generateTerraform(await load(), DEFAULT_GENERATOR_OPTIONS)).toEqual(files);
  });

  it('the golden directory passes the schema check', async () => {
    const results = await checkTerraformSchema(GOLDEN);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results).toHaveLength(1);
  });

  it('the golden files pass the real, offline terraform validate (schema-only bpg/proxmox provider)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pmc-tf-validate-'));
    try {
      cpSync(GOLDEN, dir, { recursive: true });
      const results = await checkTerraform(dir, { terraform: terraformBinary() });
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results.map((r) => r.check)).toEqual(['fmt', 'validate']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('the golden directory passes the real terraform fmt -check', () => {
    const terraform = terraformBinary();
    const r = spawnSync(terraform, ['fmt', '-check', '-diff', '-recursive', GOLDEN], { env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' }, encoding: 'utf8' });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    // and the check can fail: a misaligned copy is refused
    const bad = mkdtempSync(join(tmpdir(), 'pmc-tf-fmt-'));
    try {
      writeFileSync(join(bad, 'x.tf'), readFileSync(join(GOLDEN, 'versions.tf'), 'utf8').replace('required_version =', 'required_version   ='));
      expect(spawnSync(terraform, ['fmt', '-check', bad], { env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } }).status).toBe(3);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
    expect(execFileSync(terraform, ['version'], { env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' }, encoding: 'utf8' })).toMatch(/^Terraform v1\./);
  });
});
