// Request parameters the way pve-http-server (AnyEvent.pm) reads them: a form or JSON body for
// POST/PUT, the query string for every method (query wins over body), Perl's lenient
// URL-decoding, repeated keys joined with NUL, `_dc` dropped.
import { percentDecodeBytes, perlSplit, setOwn, utf8FromBytes } from './perl.js';
import type { RawParam, RawParams } from './validate.js';

/** AnyEvent.pm decode_urlencoded, over a byte string (one char per byte). Its quirks are kept:
 * `;` separates pairs like `&`; a pair keeps only the text between its first and second `=`;
 * a key without a value (`a` or `a=`) is undef; repeated keys are joined with "\0". */
export function decodeUrlencoded(bytes: string): RawParams {
  const out: RawParams = {};
  if (!bytes) return out;
  for (const pair of perlSplit(bytes, /[&;]/)) {
    const [rawKey = '', rawValue] = perlSplit(pair, /=/);
    const key = utf8FromBytes(percentDecodeBytes(rawKey.replace(/\+/g, ' ')));
    if (rawValue === undefined) {
      setOwn(out, key, null);
      continue;
    }
    const value = utf8FromBytes(percentDecodeBytes(rawValue.replace(/\+/g, ' ')));
    const old = Object.hasOwn(out, key) ? out[key] : undefined;
    setOwn(out, key, typeof old === 'string' ? `${old}\0${value}` : value);
  }
  return out;
}

/** AnyEvent.pm parse_content_type: the media type before any `;` or `,` parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  return contentType.split(/\s*[;,]\s*/)[0];
}

export type ExtractedParams = { ok: true; params: RawParams } | { ok: false; message: string };

function jsonErrorMessage(text: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const pos = /position (\d+)/.exec(msg);
  const offset = pos ? Number(pos[1]) : /end of JSON input/.test(msg) ? text.length : 0;
  const rest = text.slice(offset);
  const before = rest === '' ? '(end of string)' : rest.slice(0, 20);
  return `malformed JSON string, neither tag, array, object, number, string or atom, at character offset ${offset} (before "${before}")`;
}

/** AnyEvent.pm extract_params. A failure is PVE's 501 (its message is the reason phrase). */
export function extractParams(method: string, contentType: string | undefined, body: Buffer, rawQuery: string): ExtractedParams {
  let params: RawParams = {};
  if (method === 'POST' || method === 'PUT') {
    if (mediaType(contentType) === 'application/json') {
      const text = body.toString('utf8');
      let decoded: unknown;
      try {
        decoded = JSON.parse(text);
      } catch (e) {
        return { ok: false, message: jsonErrorMessage(text, e) };
      }
      if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
        return { ok: false, message: 'Not a HASH reference' };
      }
      for (const [key, value] of Object.entries(decoded as Record<string, RawParam>)) setOwn(params, key, value);
    } else {
      params = decodeUrlencoded(body.toString('latin1'));
    }
  }
  for (const [key, value] of Object.entries(decodeUrlencoded(rawQuery))) setOwn(params, key, value);
  delete params['_dc'];
  return { ok: true, params };
}
