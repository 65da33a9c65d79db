// The simulator validates against, and the client parses with, data derived from the official
// PVE schema. These tests prove every served route is a real PVE route and that the shipped
// derived data is exactly what the official schema gives (no hand edits, no drift).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveEndpointSchemas, derivePropertyFormats, indexSchema, type SchemaNode } from '../../scripts/pveSchema.js';
import { SERVED_ENDPOINTS } from '../../src/simulator/servedEndpoints.js';

const fixture = (p: string) => new URL(`../../${p}`, import.meta.url);
const apidata = JSON.parse(readFileSync(fixture('test/fixtures/pve/apidata.json'), 'utf8')) as SchemaNode[];
const byPath = indexSchema(apidata);

describe('served endpoints vs the official PVE 9.1 schema', () => {
  it('the schema is the full official one', () => {
    expect(byPath.size).toBe(432);
  });

  it.each(SERVED_ENDPOINTS.map((e) => [`${e.method} ${e.path}`, e] as const))('%s exists with that method', (_name, e) => {
    expect(byPath.get(e.path)?.info?.[e.method]).toBeDefined();
  });

  it('lists no endpoint twice', () => {
    const keys = SERVED_ENDPOINTS.map((e) => `${e.method} ${e.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('the shipped endpoint schemas are exactly what the official schema gives', () => {
    const shipped = JSON.parse(readFileSync(fixture('src/simulator/schema/pve-schema.json'), 'utf8')) as unknown;
    expect(shipped).toEqual(deriveEndpointSchemas(byPath, SERVED_ENDPOINTS));
  });

  it('the shipped property-string formats are exactly what the official schema gives', () => {
    const shipped = JSON.parse(readFileSync(fixture('src/proxmox/schema/property-formats.json'), 'utf8')) as unknown;
    expect(shipped).toEqual(derivePropertyFormats(deriveEndpointSchemas(byPath, SERVED_ENDPOINTS)));
  });
});
