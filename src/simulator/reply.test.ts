import { describe, expect, it } from 'vitest';
import { errorBody, sanitizeReasonPhrase, successBody, withNewline } from './reply.js';

describe('reply', () => {
  it('keeps the first line of a message as reason phrase, as UTF-8 bytes', () => {
    expect(sanitizeReasonPhrase("Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist\n")).toBe(
      "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist",
    );
    expect(sanitizeReasonPhrase('first\nsecond')).toBe('first');
    expect(sanitizeReasonPhrase('tab\there\rcr')).toBe('tab\there cr');
    expect(Buffer.from(sanitizeReasonPhrase('größe'), 'latin1').toString('utf8')).toBe('größe');
  });

  it('builds the envelopes', () => {
    expect(successBody([1], 2)).toBe('{"data":[1],"total":2}');
    expect(successBody([], 0)).toBe('{"data":[]}');
    expect(successBody(undefined)).toBe('{"data":null}');
    expect(errorBody('Parameter verification failed.\n', { vmid: 'x' })).toBe(
      '{"data":null,"errors":{"vmid":"x"},"message":"Parameter verification failed.\\n"}',
    );
    expect(withNewline('boom')).toBe('boom\n');
    expect(withNewline('boom\n')).toBe('boom\n');
  });
});
