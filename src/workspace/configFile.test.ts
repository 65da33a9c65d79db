import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configPath, loadConfigFile, saveConfigFile } from './configFile.js';

const dir = () => mkdtempSync(join(tmpdir(), 'pmc-config-'));

describe('config file', () => {
  it('lives under XDG_CONFIG_HOME unless PMC_CONFIG names it', () => {
    expect(configPath({ XDG_CONFIG_HOME: '/x' })).toBe('/x/proxmox-mpc/config.yml');
    expect(configPath({ XDG_CONFIG_HOME: '/x', PMC_CONFIG: '/y/c.yml' })).toBe('/y/c.yml');
  });

  it('a directory or an unresolved alias is one line naming the file', () => {
    const d = dir();
    expect(() => loadConfigFile(d)).toThrow(new RegExp(`^${d}: cannot read the config file: it is a directory`));
    const path = join(d, 'alias.yml');
    writeFileSync(path, 'profiles: *nope\n', { mode: 0o600 });
    expect(() => loadConfigFile(path)).toThrow(new RegExp(`^${path}`));
  });

  it('a missing file is an empty config', () => {
    const loaded = loadConfigFile(join(dir(), 'none.yml'));
    expect(loaded.exists).toBe(false);
    expect(loaded.config.profiles).toEqual({});
  });

  it('saves with mode 0600 and loads back what it saved', () => {
    const path = join(dir(), 'sub', 'config.yml');
    const config = { defaultProfile: 'lab', profiles: { lab: { endpoint: 'https://pve:8006', tokenId: 'root@pam!x', tokenSecret: 's' } } };
    saveConfigFile(path, config);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const loaded = loadConfigFile(path);
    expect(loaded.config).toEqual(config);
    expect(loaded.warnings).toEqual([]);
  });

  it('warns when others can read it', () => {
    const path = join(dir(), 'config.yml');
    writeFileSync(path, 'profiles: {}\n', { mode: 0o644 });
    expect(loadConfigFile(path).warnings[0]).toMatch(/chmod 600/);
  });

  it('names the file and line of a YAML syntax error', () => {
    const path = join(dir(), 'config.yml');
    writeFileSync(path, 'profiles:\n  lab:\n    endpoint: [https://x\n', { mode: 0o600 });
    expect(() => loadConfigFile(path)).toThrow(new RegExp(`^${path}:\\d+:\\d+: YAML syntax error`));
  });

  it('names the file, line and key of a schema error', () => {
    const path = join(dir(), 'config.yml');
    writeFileSync(path, 'profiles:\n  lab:\n    endpoint: https://x\n    insecure: maybe\n', { mode: 0o600 });
    expect(() => loadConfigFile(path)).toThrow(new RegExp(`^${path}:4: 'profiles.lab.insecure'`));
    expect(readFileSync(path, 'utf8')).toContain('maybe');
  });

  it('rejects unknown keys so typos do not pass silently', () => {
    const path = join(dir(), 'config.yml');
    writeFileSync(path, 'profiles:\n  lab:\n    endpiont: https://x\n', { mode: 0o600 });
    expect(() => loadConfigFile(path)).toThrow(/profiles\.lab/);
  });
});
