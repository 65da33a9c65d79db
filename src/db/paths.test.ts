import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFileStem, cachePathFor, defaultCachePath, findWorkspaceDir, workspaceCachePath } from './paths.js';

describe('cache paths', () => {
  it('default: $XDG_CACHE_HOME/proxmox-mpc/<profile>.db, ~/.cache without it (or when relative)', () => {
    expect(defaultCachePath('prod', { XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe('/x/cache/proxmox-mpc/prod.db');
    expect(defaultCachePath('prod', { HOME: '/home/u' })).toBe('/home/u/.cache/proxmox-mpc/prod.db');
    expect(defaultCachePath('prod', { XDG_CACHE_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.cache/proxmox-mpc/prod.db');
  });

  it('sanitises the profile name into one safe file name', () => {
    expect(cacheFileStem('lab-1.home_x')).toBe('lab-1.home_x');
    expect(cacheFileStem('../../etc/passwd')).toBe('__.._etc_passwd');
    expect(cacheFileStem('a b/c')).toBe('a_b_c');
    expect(cacheFileStem('..')).toMatch(/^profile_[0-9a-f]{8}$/);
    expect(cacheFileStem('')).toMatch(/^profile_[0-9a-f]{8}$/);
    expect(cacheFileStem('ünï')).toBe('_n_');
    expect(cacheFileStem('x'.repeat(300))).toHaveLength(100);
  });

  it('workspace: <dir>/.proxmox-mpc/cache.db', () => {
    expect(workspaceCachePath('/w/infra')).toBe('/w/infra/.proxmox-mpc/cache.db');
  });
});

describe('inside a workspace', () => {
  it("uses the workspace's own database, found by walking up like git", () => {
    const root = mkdtempSync(join(tmpdir(), 'pmc-ws-'));
    mkdirSync(join(root, '.proxmox-mpc'));
    writeFileSync(join(root, '.proxmox-mpc', 'config.yml'), 'profile: home\n');
    const deep = join(root, 'terraform', 'modules');
    mkdirSync(deep, { recursive: true });
    expect(findWorkspaceDir(deep)).toBe(root);
    expect(cachePathFor('home', { XDG_CACHE_HOME: '/x' }, deep)).toBe(join(root, '.proxmox-mpc', 'cache.db'));
  });

  it('elsewhere, the profile cache under XDG_CACHE_HOME', () => {
    const outside = mkdtempSync(join(tmpdir(), 'pmc-nows-'));
    expect(findWorkspaceDir(outside)).toBeUndefined();
    expect(cachePathFor('home', { XDG_CACHE_HOME: '/x' }, outside)).toBe('/x/proxmox-mpc/home.db');
  });
});
