// generateAll: every generated file of a workspace (terraform/, ansible/, tests/) from one
// IacInput, each file starting with the marker line that says proxmox-mpc manages it, sorted by
// path. Pure and deterministic, like the generators it combines.
import { withMarker } from './marker.js';
import { generateAnsible } from './ansible/index.js';
import { generateTerraform } from './terraform/index.js';
import { generateTests } from './tests/index.js';
import type { GeneratedFile, Generator, GeneratorOptions, IacInput } from './types.js';

export { isManaged, MANAGED_MARKER, MANAGED_MARKER_TEXT, withMarker } from './marker.js';

/** The generators run one after another, their files marked and sorted by path; two generators
 * producing the same path is a bug, reported as such. */
export function composeGenerators(generators: readonly Generator[]): Generator {
  return (input: IacInput, options: GeneratorOptions): GeneratedFile[] => {
    const byPath = new Map<string, GeneratedFile>();
    for (const generate of generators) {
      for (const file of generate(input, options)) {
        if (byPath.has(file.path)) throw new Error(`two generators produced ${file.path}`);
        byPath.set(file.path, withMarker(file));
      }
    }
    return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  };
}

/** Every generator of a workspace: terraform/, ansible/ and the tests (terraform/tests/ and tests/). */
export const WORKSPACE_GENERATORS: readonly Generator[] = [generateTerraform, generateAnsible, generateTests];

/** The whole workspace's generated files, marked and sorted by path. */
export const generateAll: Generator = composeGenerators(WORKSPACE_GENERATORS);
