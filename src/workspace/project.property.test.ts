// Property-based tests (fast-check) of the workspace config loader: any text parses or fails with
// a UserError (exit 2) whose message is one line without control characters; what
// renderWorkspaceConfig writes reads back as the same config.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ExitCode, UserError } from '../app/userError.js';
import { DEFAULT_GENERATOR_OPTIONS } from '../generators/types.js';
import { parseWorkspaceConfig, renderWorkspaceConfig } from './project.js';

const RUNS = 300;
const yamlish = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc
    .array(fc.constantFrom('profile:', 'generate:', 'keep:', 'providerVersion:', 'ansibleNamespace:', 'includeTemplates:', '\n', '\n  ', '- ', ': ', '[', ']', '{', '}', '"', '&x', '*x', '!!map', '#', '|', '---', 'home', 'true', '~', '"~> 0.1"', 'community.proxmox'), { maxLength: 30 })
    .map((p) => p.join('')),
  fc.anything({ maxDepth: 3 }).map((v) => stringify(v) ?? ''),
  fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), fc.constantFrom(1, 'x', null), { minKeys: 1, maxKeys: 2 }).map((v) => stringify(v)),
);

describe('workspace config loader (properties)', () => {
  it('any text: a config or a one-line UserError (exit 2) naming the file', () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        try {
          const config = parseWorkspaceConfig(text, 'ws/.proxmox-mpc/config.yml');
          expect(Array.isArray(config.keep)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
          expect((error as UserError).exitCode).toBe(ExitCode.usage);
          expect((error as UserError).message).toMatch(/^ws\/\.proxmox-mpc\/config\.yml[:\s]/);
          expect((error as UserError).message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('what renderWorkspaceConfig writes reads back the same', () => {
    const text = fc.string({ minLength: 1, maxLength: 16 }).filter((s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]/.test(s));
    const input = fc.record(
      {
        profile: text,
        generate: fc.record(
          { providerVersion: text.filter((s) => /^\S/.test(s)), ansibleNamespace: fc.constantFrom('community.general', 'community.proxmox'), includeTemplates: fc.boolean() },
          { requiredKeys: [] },
        ),
        keep: fc.array(fc.stringMatching(/^[a-zA-Z0-9_./ -]{1,16}$/).filter((p) => !p.startsWith('./')), { maxLength: 4 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(input, (config) => {
        const read = parseWorkspaceConfig(renderWorkspaceConfig(config));
        expect(read).toEqual({
          ...(config.profile !== undefined ? { profile: config.profile } : {}),
          generate: { ...DEFAULT_GENERATOR_OPTIONS, ...config.generate },
          keep: config.keep ?? [],
        });
      }),
      { numRuns: RUNS },
    );
  });
});
