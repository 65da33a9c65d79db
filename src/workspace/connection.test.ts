import { describe, expect, it } from 'vitest';
import type { ConfigFile } from './configFile.js';
import { parseApiToken, resolveConnection } from './connection.js';

const config: ConfigFile = {
  defaultProfile: 'home',
  profiles: {
    home: { endpoint: 'pve1.lan', tokenId: 'root@pam!mpc', tokenSecret: 'aaaa-bbbb' },
    work: { endpoint: 'https://pve.work:8006', username: 'ops@pve', password: 'pw', realm: 'pve', insecure: true },
  },
};

describe('resolveConnection', () => {
  it('uses the default profile', () => {
    const c = resolveConnection(config, {}, {});
    expect(c).toMatchObject({ profile: 'home', endpoint: 'https://pve1.lan:8006', insecure: false });
    expect(c.auth).toEqual({ kind: 'token', tokenId: 'root@pam!mpc', secret: 'aaaa-bbbb' });
  });

  it('lets the environment override the profile, as the bpg provider reads it', () => {
    const c = resolveConnection(config, {
      PROXMOX_VE_ENDPOINT: 'https://other:8006/',
      PROXMOX_VE_API_TOKEN: 'ci@pve!bot=t',
      PROXMOX_VE_INSECURE: 'true',
    }, {});
    expect(c.endpoint).toBe('https://other:8006');
    expect(c.auth).toEqual({ kind: 'token', tokenId: 'ci@pve!bot', secret: 't' });
    expect(c.insecure).toBe(true);
  });

  it('lets flags override the environment', () => {
    const c = resolveConnection(config, { PROXMOX_VE_ENDPOINT: 'https://env:8006' }, { endpoint: 'flag', profile: 'work' });
    expect(c.endpoint).toBe('https://flag:8006');
    expect(c.auth).toEqual({ kind: 'password', username: 'ops@pve', password: 'pw', realm: 'pve' });
    expect(c.insecure).toBe(true);
  });

  it('works from the environment alone', () => {
    const c = resolveConnection({ profiles: {} }, { PROXMOX_VE_ENDPOINT: 'pve', PROXMOX_VE_USERNAME: 'root@pam', PROXMOX_VE_PASSWORD: 'x' }, {});
    expect(c.profile).toBe('env');
    expect(c.auth).toEqual({ kind: 'password', username: 'root@pam', password: 'x' });
  });

  it.each([
    [{ profiles: {} }, {}, {}, /no Proxmox VE endpoint configured/],
    [config, {}, { profile: 'nope' }, /no profile named 'nope' \(known profiles: home, work\)/],
    [{ profiles: {} }, { PROXMOX_VE_ENDPOINT: 'x' }, {}, /no credentials/],
    [{ profiles: {} }, { PROXMOX_VE_ENDPOINT: 'x', PROXMOX_VE_USERNAME: 'root' }, {}, /needs a realm/],
    [{ profiles: {} }, { PROXMOX_VE_ENDPOINT: 'x', PROXMOX_VE_USERNAME: 'root@pam' }, {}, /no password for root@pam/],
    [{ profiles: {} }, { PROXMOX_VE_ENDPOINT: 'x', PROXMOX_VE_INSECURE: 'perhaps', PROXMOX_VE_API_TOKEN: 'a@b!c=d' }, {}, /not a boolean/],
  ])('refuses incomplete settings with one line (%#)', (cfg, env, flags, message) => {
    expect(() => resolveConnection(cfg as ConfigFile, env, flags)).toThrow(message);
  });
});

describe('parseApiToken', () => {
  it('splits on the last =', () => {
    expect(parseApiToken('root@pam!mpc=abc', 'x')).toEqual({ tokenId: 'root@pam!mpc', secret: 'abc' });
  });
  it.each(['root@pam!mpc', 'root@pam=abc', 'root!mpc=abc', '=abc', 'root@pam!mpc='])('rejects %j without echoing a secret', (v) => {
    expect(() => parseApiToken(v, 'PROXMOX_VE_API_TOKEN')).toThrow(/^PROXMOX_VE_API_TOKEN is not an API token/);
  });
});
