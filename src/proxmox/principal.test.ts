import { describe, expect, it } from 'vitest';
import { parseApiToken } from './auth.js';
import { ProxmoxClient } from './client.js';
import { isApiTokenId, splitTokenId } from './principal.js';
import { parseUpid } from './upid.js';

// PVE's grammar: USER ([^\s:/]+) @ REALM ([A-Za-z][A-Za-z0-9.\-_]+) ! TOKENNAME (same as REALM).
const VALID: [string, string, string][] = [
  ['root@pam!mpc', 'root@pam', 'mpc'],
  ['auditor@pve!ro', 'auditor@pve', 'ro'],
  ['ci-bot@ldap2!deploy_01', 'ci-bot@ldap2', 'deploy_01'],
  ['we!rd@pve!ci-bot', 'we!rd@pve', 'ci-bot'],
  ['a@b@pve!tk', 'a@b@pve', 'tk'],
];
const INVALID = [
  'root@pam', // no token name
  'root!mpc', // no realm
  'root@pam!m', // token name of one character
  'root@p!mpc', // realm of one character
  'root@2fa!mpc', // realm starting with a digit
  'root@pam!1mpc', // token name starting with a digit
  'root@pam!mp c',
  'ro ot@pam!mpc',
  'ro:ot@pam!mpc',
  'ro/ot@pam!mpc',
  'root@pam!a=b',
  '@pam!mpc',
];

function clientAccepts(tokenId: string): boolean {
  try {
    new ProxmoxClient({ endpoint: 'https://pve', auth: { tokenId, tokenSecret: 'aaaaaaaa-bbbb' } }).close();
    return true;
  } catch {
    return false;
  }
}

function parserAccepts(tokenId: string): boolean {
  try {
    parseApiToken(`${tokenId}=aaaaaaaa-bbbb`);
    return true;
  } catch {
    return false;
  }
}

function upidSplits(tokenId: string): boolean {
  return parseUpid(`UPID:pve1:0000A1B2:00C0FFEE:66000000:qmstart:100:${tokenId}:`).tokenid !== undefined;
}

describe('one token-id rule for the client, the token parser and UPIDs', () => {
  it.each(VALID)('%s is a token id of %s named %s, everywhere', (id, userid, tokenName) => {
    expect(isApiTokenId(id)).toBe(true);
    expect(splitTokenId(id)).toEqual({ userid, tokenName });
    expect(clientAccepts(id)).toBe(true);
    expect(parserAccepts(id)).toBe(true);
    expect(parseUpid(`UPID:pve1:0000A1B2:00C0FFEE:66000000:qmstart:100:${id}:`)).toMatchObject({ user: userid, tokenid: tokenName });
  });

  it.each(INVALID)('%j is not a token id, anywhere', (id) => {
    expect(isApiTokenId(id)).toBe(false);
    expect(splitTokenId(id)).toBeUndefined();
    expect(clientAccepts(id)).toBe(false);
    expect(parserAccepts(id)).toBe(false);
    if (!/[\s:/]/.test(id)) expect(upidSplits(id)).toBe(false);
  });
});
