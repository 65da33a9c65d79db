// Property-based tests (fast-check) of the palette parser: any line the user can type gives an
// effect or nothing, never an exception; errors are one printable line; every command name and
// alias, with or without `:` or `/` and any surrounding space, reads as that command; a guest's
// vmid or unique name opens it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guestKeyOf } from '../db/model.js';
import { makeConsole } from '../store/test-support/consoleFixture.js';
import { commandEffect, completions, PALETTE_COMMANDS, parseCommandLine } from './commands.js';

const data = makeConsole().store.getState().data;
const RUNS = 400;

/** Text as typed: palette words, spaces, prefixes, and any character at all. */
const line = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .tuple(
      fc.constantFrom('', ':', '/', ' :', '::', '/ '),
      fc.constantFrom(...PALETTE_COMMANDS.flatMap((c) => [c.name, ...c.aliases]), 'VM', 'Ct', 'nope'),
      fc.constantFrom('', ' ', '\t', '  '),
      fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...data.guests.slice(0, 20).flatMap((g) => [String(g.vmid), g.name])), fc.nat({ max: 100_000 }).map(String)),
    )
    .map(([p, w, s, a]) => `${p}${w}${s}${a}`),
);

describe('palette parser (properties)', () => {
  it('never throws; an error is one line without control characters; blank lines do nothing', () => {
    fc.assert(
      fc.property(line, (text) => {
        const effect = commandEffect(text, data);
        completions(text, data);
        const blank = text.trim().replace(/^[:/]/, '').trim() === '';
        if (blank) expect(effect).toBeUndefined();
        else expect(effect).toBeDefined();
        if (effect?.kind === 'error') {
          expect(effect.message).not.toMatch(/[\n\r]/);
          expect(effect.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('every name and alias, any case, with : or / and surrounding space, reads as its command with the rest as the argument', () => {
    const commandWord = fc.constantFrom(...PALETTE_COMMANDS.flatMap((c) => [c.name, ...c.aliases].map((w) => [c, w] as const)));
    const arg = fc.array(fc.stringMatching(/^[a-z0-9.-]{1,8}$/), { maxLength: 3 });
    fc.assert(
      fc.property(commandWord, fc.constantFrom('', ':', '/'), fc.constantFrom(' ', '  ', '\t'), fc.boolean(), arg, ([command, word], prefix, gap, upper, args) => {
        const typed = `${gap}${prefix}${upper ? word.toUpperCase() : word}${args.length ? gap : ''}${args.join(gap)}${gap}`;
        const parsed = parseCommandLine(typed);
        expect(parsed).toEqual({ command, arg: args.join(' ') });
      }),
      { numRuns: RUNS },
    );
  });

  it('a vmid opens that guest; a name only one guest has opens it too', () => {
    const guest = fc.constantFrom(...data.guests);
    fc.assert(
      fc.property(guest, fc.constantFrom(':', '/', ''), fc.boolean(), (g, prefix, byName) => {
        const unique = data.guests.filter((o) => o.name.toLowerCase() === g.name.toLowerCase()).length === 1;
        const ref = byName && unique ? g.name : String(g.vmid);
        const effect = commandEffect(`${prefix}${g.type === 'qemu' ? 'vm' : 'ct'} ${ref}`, data);
        expect(effect).toEqual({ kind: 'route', route: { screen: 'detail', key: guestKeyOf(g), tab: 'summary' }, replace: false });
        expect(commandEffect(`guests ${ref}`, data)).toEqual(effect);
      }),
      { numRuns: 200 },
    );
  });
});
