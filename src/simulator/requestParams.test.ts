import { describe, expect, it } from 'vitest';
import { decodeUrlencoded, extractParams, mediaType } from './requestParams.js';

describe('decode_urlencoded', () => {
  it('decodes + and %XX, leaves bad escapes, decodes UTF-8', () => {
    expect(decodeUrlencoded('a=1+2&b=%3Bx%zz&c=%C3%A4')).toEqual({ a: '1 2', b: ';x%zz', c: 'ä' });
  });

  it('keeps the Perl quirks: ; separates, only the first = counts, no value is undef, repeats join with NUL', () => {
    expect(decodeUrlencoded('a=1;b=2')).toEqual({ a: '1', b: '2' });
    expect(decodeUrlencoded('net0=virtio=AA:BB')).toEqual({ net0: 'virtio' });
    expect(decodeUrlencoded('a&b=')).toEqual({ a: null, b: null });
    expect(decodeUrlencoded('a=1&a=2')).toEqual({ a: '1\u00002' });
  });
});

describe('extract_params', () => {
  const body = (s: string) => Buffer.from(s, 'utf8');

  it('reads form bodies for POST/PUT and lets the query win', () => {
    expect(extractParams('POST', 'application/x-www-form-urlencoded', body('a=1&b=2'), 'b=3&_dc=123')).toEqual({ ok: true, params: { a: '1', b: '3' } });
    expect(extractParams('POST', undefined, body('a=1'), '')).toEqual({ ok: true, params: { a: '1' } });
  });

  it('ignores the body of GET and DELETE', () => {
    expect(extractParams('GET', 'application/x-www-form-urlencoded', body('a=1'), 'b=2')).toEqual({ ok: true, params: { b: '2' } });
  });

  it('reads JSON bodies with their types', () => {
    expect(extractParams('PUT', 'application/json; charset=utf-8', body('{"a":true,"b":2,"c":null}'), '')).toEqual({
      ok: true,
      params: { a: true, b: 2, c: null },
    });
  });

  it("fails like JSON::XS on malformed or non-object JSON (PVE answers 501)", () => {
    const bad = extractParams('POST', 'application/json', body('{"a":'), '');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/^malformed JSON string, .* at character offset \d+ \(before "\(end of string\)"\)$/);
    expect(extractParams('POST', 'application/json', body(''), '')).toMatchObject({ ok: false });
    expect(extractParams('POST', 'application/json', body('[1]'), '')).toEqual({ ok: false, message: 'Not a HASH reference' });
  });

  it('parses the media type like parse_content_type', () => {
    expect(mediaType('application/json;charset=UTF-8')).toBe('application/json');
    expect(mediaType('Application/JSON')).toBe('Application/JSON');
    expect(mediaType(undefined)).toBeUndefined();
  });
});
