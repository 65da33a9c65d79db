import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { GeneratedFile, IacInput } from '../../generators/types.js';
import { initWorkspace } from '../../workspace/project.js';
import type { ReadOptions } from '../read/context.js';
import { runGenerate } from './generateCommand.js';

const input: IacInput = { profile: 'p', nodes: [], guests: [], storage: [], pools: [] };

function harness(files: () => GeneratedFile[]) {
  const root = mkdtempSync(join(tmpdir(), 'pmc-gen-'));
  initWorkspace(root, { profile: 'home' });
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  const loaded: ReadOptions[] = [];
  const deps = {
    cwd: join(root, 'terraform'),
    stdout,
    stderr: new PassThrough(),
    env: {},
    load: async (opts: ReadOptions) => {
      loaded.push(opts);
      return input;
    },
    generate: files,
  };
  return { root, deps, out: () => out, loaded };
}

describe('runGenerate', () => {
  it("reads the workspace's profile unless --profile names another; writes, then reports all unchanged", async () => {
    let version = 1;
    const h = harness(() => [{ path: 'terraform/a.tf', content: `# proxmox-mpc: managed\nv = ${version}\n` }]);
    const first = await runGenerate({ output: 'text' }, h.deps);
    expect(h.loaded[0]!.profile).toBe('home');
    expect(first.summary).toEqual({ new: 1, changed: 0, unchanged: 0, kept: 0, removed: 0 });
    expect(h.out()).toBe('new       terraform/a.tf\ngenerated: 1 new, 0 changed, 0 unchanged, 0 kept, 0 removed\n');
    await runGenerate({ output: 'text', profile: 'other' }, h.deps);
    expect(h.loaded[1]!.profile).toBe('other');
    version = 2;
    const dry = await runGenerate({ output: 'json', dryRun: true }, h.deps);
    expect(dry.dryRun).toBe(true);
    expect(dry.files).toEqual([{ path: 'terraform/a.tf', status: 'changed' }]);
    expect(readFileSync(join(h.root, 'terraform/a.tf'), 'utf8')).toContain('v = 1');
  });

  it('-o table is refused (text or json)', async () => {
    const h = harness(() => []);
    await expect(runGenerate({ output: 'table' }, h.deps)).rejects.toThrow('-o table is not available for generate: use text or json');
  });

  it('a file path with escape sequences is printed safely', async () => {
    const h = harness(() => [{ path: 'terraform/vm-1-\u001b[31mred.tf', content: '# proxmox-mpc: managed\n' }]);
    await runGenerate({ output: 'text' }, h.deps);
    expect(h.out()).not.toContain('\u001b');
  });
});
