import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { reportError } from '../app/reportError.js';
import { UserError } from '../app/userError.js';
import { SecretRedactor } from '../proxmox/redact.js';
import { clearSecrets, escapedForms, isRegisteredSecret, redact, redactValue, registerSecret } from './redact.js';

afterEach(() => clearSecrets());

describe('process-wide redactor', () => {
  it('replaces each registered value with ***<name>***, wherever and however often it occurs', () => {
    registerSecret('home', 's3cret-value');
    registerSecret('password', 'hunter2hunter2');
    expect(redact('a s3cret-value b s3cret-value; pw=hunter2hunter2')).toBe('a ***home*** b ***home***; pw=***password***');
    expect(isRegisteredSecret('s3cret-value')).toBe(true);
    expect(isRegisteredSecret('other')).toBe(false);
  });

  it('masks the longer secret whole when one contains another', () => {
    registerSecret('short', 'abcdef');
    registerSecret('long', 'xxabcdefyy');
    expect(redact('xxabcdefyy and abcdef')).toBe('***long*** and ***short***');
  });

  it('keeps the first name of a value registered twice, ignores tiny and empty values', () => {
    registerSecret('home', 'the-token-secret');
    registerSecret('token-secret', 'the-token-secret');
    registerSecret('tiny', 'abc');
    registerSecret('none', undefined);
    registerSecret('token-secret', '$vault.home');
    expect(redact('refers to $vault.home')).toBe('refers to $vault.home');
    expect(redact('the-token-secret abc')).toBe('***home*** abc');
  });

  it('an unusable name still masks the value', () => {
    registerSecret('bad name!', 'value-to-hide');
    expect(redact('value-to-hide')).toBe('***secret***');
  });

  it('masks a secret in the forms other programs escape it to: JSON, YAML double quotes, \\uXXXX, shell quoting', () => {
    const pw = 'pa"ss\\wörd/it\'s$x';
    registerSecret('password', pw);
    // ansible and terraform print JSON; Python's json.dumps writes non-ASCII as \uXXXX.
    const json = JSON.stringify({ msg: `login failed for ${pw}`, password: pw });
    expect(redact(json)).toBe('{"msg":"login failed for ***password***","password":"***password***"}');
    expect(redact('ok: [vm1] => {"password": "pa\\"ss\\\\w\\u00f6rd\\/it\'s$x"}')).toBe('ok: [vm1] => {"password": "***password***"}');
    expect(redact('"pa\\"ss\\\\w\\u00F6rd/it\'s$x"')).toBe('"***password***"');
    // shell: single-quoted ('\'' and '"'"'), double-quoted (\" \\ \$), and YAML single-quoted ('')
    expect(redact("export PW='pa\"ss\\wörd/it'\\''s$x'")).toBe("export PW='***password***'");
    expect(redact(`PW='pa"ss\\wörd/it'"'"'s$x'`)).toBe("PW='***password***'");
    expect(redact('PW="pa\\"ss\\\\wörd/it\'s\\$x"')).toBe('PW="***password***"');
    expect(redact("password: 'pa\"ss\\wörd/it''s$x'")).toBe("password: '***password***'");
    expect(redactValue({ out: json })).toEqual({ out: '{"msg":"login failed for ***password***","password":"***password***"}' });
  });

  it("masks a secret in Go's JSON (terraform -json), which writes <, > and & as \\u003c, \\u003e, \\u0026", () => {
    registerSecret('db-password', 'p<a>ss&"wd');
    const line = '{"@level":"error","@message":"Error: login as root with p\\u003ca\\u003ess\\u0026\\"wd failed","type":"diagnostic"}';
    expect(redact(line)).toBe('{"@level":"error","@message":"Error: login as root with ***db-password*** failed","type":"diagnostic"}');
  });

  it('a secret of plain characters has no escaped forms (nothing more to search on every line)', () => {
    expect(escapedForms('0d8c0a0e-1111-2222-3333-444455556666')).toEqual([]);
    expect(escapedForms('correct horse battery staple')).toEqual([]);
    expect(escapedForms('a"b')).toContain('a\\"b');
  });

  it('masks credential shapes it was never told about, keeping the token id and $vault references', () => {
    expect(redact('PROXMOX_VE_API_TOKEN=root@pam!mpc=0a1b2c3d-1111-2222-3333-444455556666 x')).toBe('PROXMOX_VE_API_TOKEN=root@pam!mpc=***token-secret*** x');
    expect(redact("--token 'root@pam!mpc=$vault.home'")).toBe("--token 'root@pam!mpc=$vault.home'");
    expect(redact('expected USER@REALM!TOKENID=SECRET (e.g. root@pam!mpc=xxxxxxxx-...)')).toBe('expected USER@REALM!TOKENID=SECRET (e.g. root@pam!mpc=xxxxxxxx-...)');
    expect(redact('Authorization: PVEAPIToken=root@pam!mpc=abcd')).toBe('Authorization: ***token***');
    expect(redact('Cookie: PVEAuthCookie=PVE:root@pam:65A1B2C3::c2lnbmF0dXJl; x')).toBe('Cookie: ***ticket***; x');
    expect(redact('ticket PVE:root@pam:65A1B2C3::c2lnbmF0dXJlc2lnbmF0dXJl')).toBe('ticket ***ticket***');
    expect(redact('CSRFPreventionToken: 65A1B2C3:Zm9vYmFyYmF6cXV4cXV1eHh5eno')).toBe('CSRFPreventionToken: ***csrf-token***');
    expect(redact('UPID:pve1:0000ABCD:00112233:65A1B2C3:qmstart:101:root@pam:')).toBe('UPID:pve1:0000ABCD:00112233:65A1B2C3:qmstart:101:root@pam:');
  });

  it('redacts every string of a JSON-like value, keys kept', () => {
    registerSecret('home', 'the-token-secret');
    expect(redactValue({ msg: 'x the-token-secret', list: ['the-token-secret', 3, null], nested: { ok: true } })).toEqual({
      msg: 'x ***home***',
      list: ['***home***', 3, null],
      nested: { ok: true },
    });
  });

  it('the API client registers what it learns (SecretRedactor.add) under its name', () => {
    const r = new SecretRedactor();
    r.add('PVE:root@pam:65A1B2C3::sig', 'ticket');
    r.add('a-password-here', 'password');
    expect(redact('pw a-password-here')).toBe('pw ***password***');
    expect(r.line('pw a-password-here')).toBe('pw ***');
  });

  it('reportError masks registered secrets in the message and in the --debug stack', () => {
    registerSecret('home', 'the-token-secret');
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    expect(reportError(new UserError('bad thing near the-token-secret'), false, out)).toBe(2);
    expect(text).toBe('proxmox-mpc: bad thing near ***home***\n');
    text = '';
    reportError(new Error('oops the-token-secret'), true, out);
    expect(text).toContain('proxmox-mpc: oops ***home*** (unexpected; run with --debug for details)\n');
    expect(text).toContain('Error: oops ***home***\n    at ');
    expect(text).not.toContain('the-token-secret');
  });

  it('clearSecrets forgets them', () => {
    registerSecret('home', 'the-token-secret');
    clearSecrets();
    expect(redact('the-token-secret')).toBe('the-token-secret');
  });
});
