// The marker line every generated file starts with. Deleting it hands the file to the user:
// generate then never overwrites nor removes it. `#` is a comment in HCL and YAML alike.
import type { GeneratedFile } from './types.js';

export const MANAGED_MARKER_TEXT = 'proxmox-mpc: managed';

export const MANAGED_MARKER = `# ${MANAGED_MARKER_TEXT} (generated; delete this line to keep your edits from being overwritten)`;

/** True when a file's first line is the marker. */
export function isManaged(content: string): boolean {
  return content.startsWith(`# ${MANAGED_MARKER_TEXT}`);
}

/** Prefixes the marker to a generated file (once). */
export function withMarker(file: GeneratedFile): GeneratedFile {
  if (isManaged(file.content)) return file;
  return { path: file.path, content: `${MANAGED_MARKER}\n${file.content}` };
}
