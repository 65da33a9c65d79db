import { describe, expect, it } from 'vitest';
import type { ConfigFile } from './configFile.js';
import { parseApiToken, resolveConnection } from './connection.js';

const config: ConfigFile = {
  defaultProfile: 'home',
  profiles: {
    home: { endpoint: 'pve1.lan', tokenId: 'root@pam!mpc', tokenSecret: 'aaaa-bbbb' },
    work: { endpoint: 'https://pve.work:8006', username: 'ops@pve', password: 'pw', insecure: true },
  },
};

describe('resolveConnection', () => {
  it('uses the default profile', () => {
    const c = resolveConnection(config, {}, {});
    expect(c).toMatchObject({ profile: 'home', endpoint: 'https://pve1.lan:8006', insecure: false });
    expect(c.auth).toEqual({ kind: 'token', tokenId: 'root@pam!mpc', secret: 'aaaa-bbbb' });
  });

  it('the environment overrides a profile field by field, for the same endpoint', () => {
    const c = resolveConnection(config, { PROXMOX_VE_API_TOKEN: 'ci@pve!bot=t', PROXMOX_VE_INSECURE: 'true' }, {});
    expect(c).toMatchObject({ profile: 'home', endpoint: 'https://pve1.lan:8006', insecure: true });
    expect(c.auth).toEqual({ kind: 'token', tokenId: 'ci@pve!bot', secret: 't' });
  });

  it('flags override the environment', () => {
    const c = resolveConnection(config, { PROXMOX_VE_API_TOKEN: 'ci@pve!bot=t' }, { profile: 'work', username: 'admin@pve' });
    expect(c.endpoint).toBe('https://pve.work:8006');
    expect(c.auth).toEqual({ kind: 'password', username: 'admin@pve', password: 'pw' });
    expect(c.insecure).toBe(true);
  });

  it("never sends a profile's credentials or TLS settings to another endpoint", () => {
    const c = resolveConnection(config, { PROXMOX_VE_ENDPOINT: 'https://elsewhere:8006', PROXMOX_VE_API_TOKEN: 'x@pve!yy=z' }, {});
    expect(c).toMatchObject({ profile: 'env-elsewhere-8006', endpoint: 'https://elsewhere:8006', insecure: false });
    expect(() => resolveConnection(config, { PROXMOX_VE_ENDPOINT: 'https://pve.work:8006' }, { endpoint: 'other' })).toThrow(/no credentials/);
    expect(() => resolveConnection(config, {}, { profile: 'work', endpoint: 'other' })).toThrow(
      /profile 'work' is for https:\/\/pve\.work:8006, not https:\/\/other:8006/,
    );
  });

  it('an endpoint override picks the profile saved for that endpoint', () => {
    const c = resolveConnection(config, { PROXMOX_VE_ENDPOINT: 'pve.work' }, {});
    expect(c.profile).toBe('work');
    expect(c.auth).toEqual({ kind: 'password', username: 'ops@pve', password: 'pw' });
  });

  it('works from the environment alone', () => {
    const c = resolveConnection({ profiles: {} }, { PROXMOX_VE_ENDPOINT: 'pve', PROXMOX_VE_USERNAME: 'root@pam', PROXMOX_VE_PASSWORD: 'x' }, {});
    expect(c.profile).toBe('env-pve-8006');
    expect(c.auth).toEqual({ kind: 'password', username: 'root@pam', password: 'x' });
  });

  it('a stale default profile does not stop a complete flag invocation', () => {
    const stale: ConfigFile = { defaultProfile: 'gone', profiles: {} };
    expect(resolveConnection(stale, {}, { endpoint: 'pve', token: 'a@pam!bb=c' }).profile).toBe('env-pve-8006');
    expect(() => resolveConnection(stale, {}, {})).toThrow(/default profile 'gone' does not exist/);
  });

  it.each([
    [{ profiles: {} }, {}, {}, /no Proxmox VE endpoint configured/],
    [config, {}, { profile: 'nope' }, /no profile named 'nope' \(known profiles: home, work\)/],
    [{ profiles: {} }, { PROXMOX_VE_ENDPOINT: 'x' }, {}, /no credentials/],
    [{ profiles: {} }, { PROXMOX_VE_ENDPOINT: 'x', PROXMOX_VE_USERNAME: 'root' }, {}, /needs a realm/],
    [{ profiles: {} }, { PROXMOX_VE_ENDPOINT: 'x', PROXMOX_VE_USERNAME: 'root@pam' }, {}, /no password for root@pam/],
    [{ profiles: {} }, { PROXMOX_VE_ENDPOINT: 'x', PROXMOX_VE_INSECURE: 'perhaps', PROXMOX_VE_API_TOKEN: 'a@pve!cc=d' }, {}, /not a boolean/],
    [{ profiles: {} }, { PROXMOX_VE_ENDPOINT: 'http://pve:8006', PROXMOX_VE_API_TOKEN: 'a@pve!cc=d' }, {}, /https only/],
  ])('refuses incomplete or unsafe settings with one line (%#)', (cfg, env, flags, message) => {
    expect(() => resolveConnection(cfg as ConfigFile, env, flags)).toThrow(message);
  });
});

describe('parseApiToken', () => {
  it('splits USER@REALM!TOKENID=SECRET', () => {
    expect(parseApiToken('root@pam!mpc=abc', 'x')).toEqual({ tokenId: 'root@pam!mpc', secret: 'abc' });
  });
  it.each(['root@pam!mpc', 'root@pam=abc', 'root!mpc=abc', '=abc', 'root@pam!mpc='])('rejects %j, naming the source', (v) => {
    expect(() => parseApiToken(v, 'PROXMOX_VE_API_TOKEN')).toThrow(/^PROXMOX_VE_API_TOKEN is not an API token/);
  });
});
