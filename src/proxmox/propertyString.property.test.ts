// Property-based tests (fast-check) of the raw property-string layer under every codec
// (formats/roundtrip.property.test.ts covers the typed codecs): over the real PVE formats, any
// input parses or throws PropertyStringError, never anything else; what parses prints, and the
// printed text is canonical (it parses back to the same properties and prints the same); a set of
// raw values prints and parses back to itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as schema from './formats/schema.js';
import { parsePropertyString, PropertyStringError, printPropertyString, type PropertyFormat } from './propertyString.js';

const FORMATS = Object.entries(schema).filter((e): e is [string, PropertyFormat] => e[0].endsWith('_FORMAT') && typeof e[1] === 'object');
const RUNS = 300;

/** Keys (and aliases) of a format, and text around them: the pieces property strings are made of. */
function soupFor(format: PropertyFormat): fc.Arbitrary<string> {
  const keys = Object.keys(format);
  const piece = fc.oneof(
    fc.constantFrom(...keys, ',', '=', ',,', ' ', 'virtio', 'local-lvm:vm-100-disk-0', '1', '0', 'BC:24:11:2E:C5:4A', 'vmbr0', '32G', 'on'),
    fc.string({ maxLength: 6 }),
  );
  return fc.oneof(fc.array(piece, { maxLength: 14 }).map((p) => p.join('')), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 30 }));
}

describe('property strings (properties)', () => {
  it.each(FORMATS)('%s: any input parses or throws PropertyStringError; parsed values print canonically', (_name, format) => {
    fc.assert(
      fc.property(soupFor(format), (input) => {
        let parsed;
        try {
          parsed = parsePropertyString(input, format);
        } catch (error) {
          expect(error).toBeInstanceOf(PropertyStringError);
          return;
        }
        let printed: string;
        try {
          printed = printPropertyString(parsed, format);
        } catch (error) {
          // Only values PVE itself could not print back (e.g. a keyAlias name that is no alias).
          expect(error).toBeInstanceOf(PropertyStringError);
          return;
        }
        expect(parsePropertyString(printed, format)).toEqual(parsed);
        expect(printPropertyString(parsePropertyString(printed, format), format)).toBe(printed);
      }),
      { numRuns: RUNS },
    );
  });

  it.each(FORMATS)('%s: raw values of its keys print and parse back to themselves', (_name, format) => {
    const keys = Object.keys(format).filter((k) => !format[k]!.alias);
    const value = fc.stringMatching(/^[A-Za-z0-9_.:;\/@+-][A-Za-z0-9_.:;\/@+= -]{0,15}$/).filter((v) => v.trim() === v);
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: Math.min(keys.length, 6) }), (values) => {
        // A keyAlias key (a NIC's `model`) names its value's key: leave that pair to the codecs.
        const plain = Object.fromEntries(Object.entries(values).filter(([k]) => !Object.values(format).some((s) => s.keyAlias === k)));
        const printed = printPropertyString(plain, format);
        expect(parsePropertyString(printed, format)).toEqual(plain);
      }),
      { numRuns: 200 },
    );
  });
});
