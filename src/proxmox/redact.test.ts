import { describe, expect, it } from 'vitest';
import { oneLine, SecretRedactor } from './redact.js';

describe('oneLine', () => {
  it.each([
    ['\u001b[31mred\u001b[0m text', 'red text'],
    ['a\u001b]0;title\u0007b', 'ab'],
    ['a\u001bPdcs payload\u001b\\b', 'ab'], // DCS
    ['a\u001b_apc payload\u001b\\b', 'ab'], // APC
    ['a\u001b^pm\u001b\\b', 'ab'], // PM
    ['a\u001bXsos\u001b\\b', 'ab'], // SOS
    ['\u009b31mc1\u009bm csi', 'c1 csi'], // 8-bit CSI
    ['a\u009dtitle\u009cb', 'ab'], // 8-bit OSC .. ST
    ['one\ntwo\r\n\tthree  four', 'one two three four'],
  ])('%j -> %j', (input, expected) => {
    expect(oneLine(input)).toBe(expected);
  });

  it('truncates, never leaving half a surrogate pair', () => {
    expect(oneLine('abcdef', 4)).toBe('abc…');
    expect(oneLine('ab😀def', 4)).toBe('ab…');
  });
});

describe('SecretRedactor', () => {
  const redactor = new SecretRedactor();
  redactor.add('hunter22');
  redactor.add('root');
  redactor.add('PVE:root@pam:66000000::c2ln/bmF0dXJl');

  it('line(): masks known secrets and credential shapes in untrusted text', () => {
    expect(redactor.line('bad password hunter22 given')).toBe('bad password *** given');
    expect(redactor.line('Authorization: PVEAPIToken=root@pam!mpc=0a1b2c3d-aaaa')).toBe('Authorization: ***');
    expect(redactor.line('cookie PVEAuthCookie=abc; other')).toBe('cookie ***; other');
    expect(redactor.line('csrf 66000000:AbCdEfGhIjKlMnOpQrStUvWxYz0123 end')).toBe('csrf *** end');
  });

  it('line(): a secret split by an escape sequence is still masked', () => {
    expect(redactor.line('x hun\u001b[0mter22 y')).toBe('x *** y');
  });

  it('line(): truncation comes after masking, so no prefix of a secret survives', () => {
    expect(redactor.line('0123456789 hunter22', 16)).toBe('0123456789 ***');
    expect(redactor.line('0123456789ab hunter22', 15)).not.toContain('hunt');
  });

  it('path(): whole segments only, raw or %-encoded; tickets with `/` anywhere', () => {
    expect(redactor.path('/access/users/root@pam')).toBe('/access/users/root@pam');
    expect(redactor.path('/access/users/root')).toBe('/access/users/***');
    expect(redactor.path('/x/hunter%32%32/y')).toBe('/x/***/y');
    expect(redactor.path('/x/PVE:root@pam:66000000::c2ln/bmF0dXJl/y')).not.toContain('bmF0dXJl');
    expect(redactor.path('/x/a\u001b[2Jb')).toBe('/x/ab');
  });
});
