// The bpg/proxmox schema the offline `terraform validate` serves: the project's derived schema
// (src/generators/terraform/bpg-schema.json, from scripts/), bundled into the CLI.
import schema from '../../../generators/terraform/bpg-schema.json' with { type: 'json' };
import type { JsonProvidersSchema } from './schema.js';

// The JSON import is typed by its literal shape (cty types as string[]): the document is the
// `providers schema -json` shape by construction (scripts/derive-bpg-schema.mjs).
export const BPG_SCHEMA: JsonProvidersSchema = schema as unknown as JsonProvidersSchema;
