// Property-based tests (fast-check) of the config file loader: any text at all, and any YAML of
// any shape, loads or fails with a UserError whose message is one line naming the file; never
// another exception. A saved config loads back equal.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { UserError } from '../app/userError.js';
import { loadConfigFile, saveConfigFile, type ConfigFile } from './configFile.js';

const dir = mkdtempSync(join(tmpdir(), 'pmc-config-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, 'config.yml');
const RUNS = 300;

/** Text that is YAML-ish: the keys the schema knows, indicators, and any character. */
const yamlish = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc
    .array(
      fc.constantFrom('profiles:', 'defaultProfile:', 'console:', 'endpoint:', 'tokenSecret:', 'keys:', 'theme:', 'timeoutMs:', '\n', '\n  ', '\n    ', '- ', ': ', '{', '}', '[', ']', '&a', '*a', '!!str', '!!binary', '"', "'", '#', '|', '>', '---', '...', 'home', '12', '-1', 'true', 'null', '~', '%YAML 1.2', '? ', '<<: *a'),
      { maxLength: 30 },
    )
    .map((p) => p.join('')),
  // Any JSON-like value as YAML: the schema, not the parser, has to say what is wrong.
  fc.anything({ maxDepth: 3, withNullPrototype: false }).map((v) => {
    try {
      return stringify(v) ?? '';
    } catch {
      return String(v);
    }
  }),
  fc.record({ profiles: fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 2 }), { maxKeys: 3 }) }).map((v) => stringify(v)),
  // Keys with any character at all (line breaks, escapes), where the schema has to name them.
  fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), fc.constantFrom(1, 'x', null), { minKeys: 1, maxKeys: 2 }).map((v) => stringify(v)),
);

describe('config file loader (properties)', () => {
  it('any text: a config or a one-line UserError naming the file', () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        writeFileSync(path, text, { mode: 0o600 });
        try {
          const loaded = loadConfigFile(path);
          expect(typeof loaded.config.profiles).toBe('object');
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
          const message = (error as UserError).message;
          expect(message.startsWith(path)).toBe(true);
          expect(message.slice(path.length)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a key holding a line break or an escape sequence is named with them escaped, on one line', () => {
    writeFileSync(path, '"x\\ny": 1\n');
    expect(() => loadConfigFile(path)).toThrow(new UserError(`${path}: Unrecognized key: "x\\ny"`));
    writeFileSync(path, 'profiles:\n  "a\\u001b[2Jb":\n    endpoint: 1\n');
    expect(() => loadConfigFile(path)).toThrow(new UserError(`${path}:3: 'profiles.a\\u001b[2Jb.endpoint': Invalid input: expected string, received number`));
  });

  it('a saved config loads back equal', () => {
    const text = fc.string({ minLength: 1, maxLength: 20 });
    const profile = fc.record(
      {
        endpoint: text,
        tokenId: text,
        tokenSecret: text,
        username: text,
        password: text,
        insecure: fc.boolean(),
        fingerprint: text,
        timeoutMs: fc.integer({ min: 1, max: 10_000_000 }),
      },
      { requiredKeys: ['endpoint'] },
    );
    const config: fc.Arbitrary<ConfigFile> = fc.record(
      {
        defaultProfile: text,
        profiles: fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }).filter((k) => k !== '__proto__'), profile, { maxKeys: 4 }),
        console: fc.record(
          {
            theme: fc.constantFrom('dark', 'light', 'mono'),
            icons: fc.boolean(),
            refreshMs: fc.integer({ min: 1000, max: 600_000 }),
            readOnly: fc.boolean(),
            keys: fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }).filter((k) => k !== '__proto__'), fc.oneof(text, fc.array(text, { maxLength: 3 })), { maxKeys: 3 }),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['profiles'] },
    );
    fc.assert(
      fc.property(config, (c) => {
        saveConfigFile(path, c);
        expect(loadConfigFile(path).config).toEqual(c);
      }),
      { numRuns: 200 },
    );
  });
});
