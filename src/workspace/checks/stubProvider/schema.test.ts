import { describe, expect, it } from 'vitest';
import { type JsonProvidersSchema, providerSchemaResponse } from './schema.js';

const DOC: JsonProvidersSchema = {
  format_version: '1.0',
  provider_schemas: {
    'registry.terraform.io/acme/thing': {
      provider: {
        version: 0,
        block: {
          attributes: { endpoint: { type: 'string', optional: true, description: 'where' }, token: { type: 'string', optional: true, sensitive: true } },
          description_kind: 'plain',
        },
      },
      resource_schemas: {
        thing_vm: {
          version: 2,
          block: {
            attributes: {
              tags: { type: ['list', 'string'], optional: true },
              node_name: { type: 'string', required: true, description: '**node**', description_kind: 'markdown' },
              id: { type: 'string', optional: true, computed: true },
              nics: { type: ['list', ['object', { bridge: 'string', vlan: 'number' }]], optional: true, computed: true, deprecated: true },
            },
            block_types: {
              disk: { nesting_mode: 'list', max_items: 31, block: { attributes: { size: { type: 'number', optional: true } } } },
              cpu: { nesting_mode: 'list', min_items: 1, max_items: 1, block: { attributes: { cores: { type: 'number', optional: true } } } },
            },
          },
        },
      },
    },
  },
};

describe('providerSchemaResponse', () => {
  const answer = providerSchemaResponse(DOC, 'registry.terraform.io/acme/thing');

  it('lists attributes by name, sorted, with the cty type as JSON bytes (base64)', () => {
    const attributes = answer.resource_schemas.thing_vm!.block.attributes;
    expect(attributes.map((a) => a.name)).toEqual(['id', 'nics', 'node_name', 'tags']);
    const decode = (name: string): unknown => JSON.parse(Buffer.from(attributes.find((a) => a.name === name)!.type, 'base64').toString('utf8'));
    expect(decode('tags')).toEqual(['list', 'string']);
    expect(decode('nics')).toEqual(['list', ['object', { bridge: 'string', vlan: 'number' }]]);
    expect(decode('node_name')).toBe('string');
  });

  it('keeps required, optional, computed, sensitive, deprecated and the description kind', () => {
    const node = answer.resource_schemas.thing_vm!.block.attributes.find((a) => a.name === 'node_name')!;
    expect(node).toMatchObject({ required: true, optional: false, computed: false, description: '**node**', description_kind: 'MARKDOWN' });
    const nics = answer.resource_schemas.thing_vm!.block.attributes.find((a) => a.name === 'nics')!;
    expect(nics).toMatchObject({ optional: true, computed: true, deprecated: true, description_kind: 'PLAIN' });
    expect(answer.provider.block.attributes.find((a) => a.name === 'token')).toMatchObject({ sensitive: true });
  });

  it('turns block types into nested blocks with their nesting and item limits', () => {
    const blocks = answer.resource_schemas.thing_vm!.block.block_types;
    expect(blocks.map((b) => [b.type_name, b.nesting, b.min_items, b.max_items])).toEqual([
      ['cpu', 'LIST', 1, 1],
      ['disk', 'LIST', 0, 31],
    ]);
    expect(blocks[1]!.block.attributes.map((a) => a.name)).toEqual(['size']);
  });

  it('carries the schema versions, and no data sources when the document has none', () => {
    expect(answer.resource_schemas.thing_vm!.version).toBe(2);
    expect(answer.resource_schemas.thing_vm!.block.version).toBe(2);
    expect(answer.provider.version).toBe(0);
    expect(answer.data_source_schemas).toEqual({});
    expect(answer.diagnostics).toEqual([]);
  });

  it('names the providers a document has when asked for another', () => {
    expect(() => providerSchemaResponse(DOC, 'registry.terraform.io/bpg/proxmox')).toThrow(/bpg\/proxmox is not in the schema \(it has registry.terraform.io\/acme\/thing\)/);
  });

  it('refuses an attribute with no type (nested attribute types are not part of this protocol subset)', () => {
    const bad: JsonProvidersSchema = { provider_schemas: { p: { provider: { block: { attributes: { x: { optional: true } } } } } } };
    expect(() => providerSchemaResponse(bad, 'p')).toThrow(/attribute provider\.x has no type/);
  });
});
