// Derives the PVE API data the project ships from the research data in ../shared/pve-api
// (which a clone does not have):
//  - test/fixtures/pve/apidata.json             the official schema, verbatim (contract tests)
//  - test/fixtures/pve/samples/*                 real captured responses + SOURCES.md
//  - src/simulator/schema/pve-schema.json        parameters, returns and permissions of the
//                                                served endpoints, without prose
//  - src/proxmox/schema/property-formats.json    the property-string formats the client parses
// Re-run with `npm run derive:pve [path/to/pve-api]` when the data or the served list changes.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVED_ENDPOINTS } from '../src/simulator/servedEndpoints.js';
import { deriveEndpointSchemas, derivePropertyFormats, indexSchema, toJsonFile, type SchemaNode } from './pveSchema.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, process.argv[2] ?? '../shared/pve-api');

const fixtures = join(root, 'test/fixtures/pve');
mkdirSync(join(fixtures, 'samples'), { recursive: true });
copyFileSync(join(shared, 'apidata.json'), join(fixtures, 'apidata.json'));
for (const f of readdirSync(join(shared, 'samples'))) copyFileSync(join(shared, 'samples', f), join(fixtures, 'samples', f));

const apidata = JSON.parse(readFileSync(join(shared, 'apidata.json'), 'utf8')) as SchemaNode[];
const endpointSchemas = deriveEndpointSchemas(indexSchema(apidata), SERVED_ENDPOINTS);
mkdirSync(join(root, 'src/simulator/schema'), { recursive: true });
writeFileSync(join(root, 'src/simulator/schema/pve-schema.json'), toJsonFile(endpointSchemas));
mkdirSync(join(root, 'src/proxmox/schema'), { recursive: true });
writeFileSync(join(root, 'src/proxmox/schema/property-formats.json'), toJsonFile(derivePropertyFormats(endpointSchemas)));
console.log(`derived ${Object.keys(endpointSchemas).length} endpoint schemas; copied apidata.json and samples`);
