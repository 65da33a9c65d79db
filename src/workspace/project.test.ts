import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATOR_OPTIONS } from '../generators/types.js';
import { findWorkspace, initWorkspace, parseWorkspaceConfig, requireWorkspace, WORKSPACE_GITIGNORE } from './project.js';

const dir = () => mkdtempSync(join(tmpdir(), 'pmc-ws-'));

describe('workspace', () => {
  it('init creates the config, .gitignore and the three directories; found from a sub-directory', () => {
    const root = dir();
    const { workspace, created } = initWorkspace(root, { profile: 'home' });
    expect(created).toEqual(expect.arrayContaining(['.proxmox-mpc/', 'terraform/', 'ansible/', 'tests/', '.proxmox-mpc/config.yml', '.gitignore']));
    for (const d of ['terraform', 'ansible', 'tests']) expect(existsSync(join(root, d))).toBe(true);
    expect(workspace.config).toEqual({ profile: 'home', generate: DEFAULT_GENERATOR_OPTIONS, keep: [] });
    const deep = join(root, 'terraform', 'a', 'b');
    mkdirSync(deep, { recursive: true });
    const found = findWorkspace(deep);
    expect(found?.root).toBe(root);
    expect(found?.terraformDir).toBe(join(root, 'terraform'));
    expect(found?.config.profile).toBe('home');
    const gi = readFileSync(join(root, '.gitignore'), 'utf8');
    expect(gi).toContain('*.tfstate\n');
    expect(gi).toContain('.terraform/\n');
    expect(gi).toContain('.proxmox-mpc/logs/\n');
    expect(gi).not.toMatch(/^\.terraform\.lock\.hcl$/m);
  });

  it('the config holds no secret, and outside a workspace nothing is found', () => {
    const root = dir();
    initWorkspace(root, { profile: 'home' });
    const text = readFileSync(join(root, '.proxmox-mpc', 'config.yml'), 'utf8');
    expect(text).not.toMatch(/^\s*[^\s#]*(secret|password|token)\w*\s*:/im);
    expect(findWorkspace(dir())).toBeUndefined();
    expect(() => requireWorkspace(dir(), 'generate')).toThrow(/generate works inside a workspace.*proxmox-mpc init/);
  });

  it('a second init needs --force, which keeps user files, options and keep list and completes .gitignore', () => {
    const root = dir();
    initWorkspace(root, { profile: 'home', generate: { ansibleNamespace: 'community.proxmox' } });
    expect(() => initWorkspace(root)).toThrow(/already a proxmox-mpc workspace: use --force/);
    writeFileSync(join(root, 'terraform', 'mine.tf'), '# mine\n');
    const cfg = join(root, '.proxmox-mpc', 'config.yml');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('keep: []', 'keep:\n  - terraform/mine.tf'));
    writeFileSync(join(root, '.gitignore'), 'node_modules/\n');
    const again = initWorkspace(root, { force: true, profile: 'lab' });
    expect(again.reinitialised).toBe(true);
    expect(readFileSync(join(root, 'terraform', 'mine.tf'), 'utf8')).toBe('# mine\n');
    expect(again.workspace.config).toEqual({ profile: 'lab', generate: { ...DEFAULT_GENERATOR_OPTIONS, ansibleNamespace: 'community.proxmox' }, keep: ['terraform/mine.tf'] });
    const gi = readFileSync(join(root, '.gitignore'), 'utf8');
    expect(gi.startsWith('node_modules/\n')).toBe(true);
    for (const line of WORKSPACE_GITIGNORE.split('\n').filter((l) => l && !l.startsWith('#'))) expect(gi).toContain(line);
  });

  it('an invalid config is one line naming the file, the line and the key', () => {
    expect(() => parseWorkspaceConfig('profile: home\ngenerate:\n  ansibleNamespace: community.nope\n', 'c.yml')).toThrow(
      /^c\.yml:3: 'generate\.ansibleNamespace': Invalid option/,
    );
    expect(() => parseWorkspaceConfig('generate:\n  colour: red\n', 'c.yml')).toThrow(/^c\.yml:\d+: 'generate'.*colour/);
    expect(() => parseWorkspaceConfig('keep: [1]\n', 'c.yml')).toThrow(/^c\.yml:1: 'keep\.0'/);
    expect(() => parseWorkspaceConfig('profile: [\n', 'c.yml')).toThrow(/^c\.yml:\d+:\d+: YAML syntax error/);
    const root = dir();
    initWorkspace(root);
    writeFileSync(join(root, '.proxmox-mpc', 'config.yml'), 'generate:\n  includeTemplates: maybe\n');
    expect(() => findWorkspace(root)).toThrow(/config\.yml:2: 'generate\.includeTemplates'/);
  });

  it('an empty config gets every default', () => {
    expect(parseWorkspaceConfig('')).toEqual({ generate: DEFAULT_GENERATOR_OPTIONS, keep: [] });
  });
});
