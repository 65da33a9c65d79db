// Converts a provider schema in the shape of `terraform providers schema -json` (the bpg/proxmox
// schema the project derives) into the GetProviderSchema answer of Terraform's plugin protocol
// v6, as plain objects that @grpc/proto-loader serialises with tfplugin6.proto. Extra keys
// (`x_bpg`, `x_meta`) are ignored: Terraform only needs names, types and nesting.

/** A cty type as `terraform providers schema -json` writes it: "string", ["list","string"], ... */
export type CtyTypeJson = string | [string, unknown] | [string, ...unknown[]];

export interface JsonAttribute {
  type?: CtyTypeJson;
  description?: string;
  description_kind?: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  deprecated?: boolean;
}

export interface JsonBlock {
  attributes?: Record<string, JsonAttribute>;
  block_types?: Record<string, JsonNestedBlock>;
  description?: string;
  description_kind?: string;
  deprecated?: boolean;
}

export interface JsonNestedBlock {
  nesting_mode: 'single' | 'list' | 'set' | 'map' | 'group';
  block: JsonBlock;
  min_items?: number;
  max_items?: number;
}

export interface JsonSchema {
  version?: number;
  block: JsonBlock;
}

export interface JsonProviderSchema {
  provider: JsonSchema;
  resource_schemas?: Record<string, JsonSchema>;
  data_source_schemas?: Record<string, JsonSchema>;
}

/** `terraform providers schema -json`'s top level. */
export interface JsonProvidersSchema {
  format_version?: string;
  provider_schemas: Record<string, JsonProviderSchema>;
}

// The protocol's messages, as proto-loader takes them (keepCase; enums by name; bytes as base64,
// so that the answer survives JSON.stringify on its way to the provider process).
type StringKind = 'PLAIN' | 'MARKDOWN';
type NestingMode = 'SINGLE' | 'LIST' | 'SET' | 'MAP' | 'GROUP';

export interface ProtoAttribute {
  name: string;
  /** The cty type's JSON, base64-encoded (a protobuf `bytes` field). */
  type: string;
  description: string;
  description_kind: StringKind;
  required: boolean;
  optional: boolean;
  computed: boolean;
  sensitive: boolean;
  deprecated: boolean;
}

export interface ProtoNestedBlock {
  type_name: string;
  block: ProtoBlock;
  nesting: NestingMode;
  min_items: number;
  max_items: number;
}

export interface ProtoBlock {
  version: number;
  attributes: ProtoAttribute[];
  block_types: ProtoNestedBlock[];
  description: string;
  description_kind: StringKind;
  deprecated: boolean;
}

export interface ProtoSchema {
  version: number;
  block: ProtoBlock;
}

export interface GetProviderSchemaResponse {
  provider: ProtoSchema;
  resource_schemas: Record<string, ProtoSchema>;
  data_source_schemas: Record<string, ProtoSchema>;
  diagnostics: never[];
}

const NESTING: Record<JsonNestedBlock['nesting_mode'], NestingMode> = {
  single: 'SINGLE',
  list: 'LIST',
  set: 'SET',
  map: 'MAP',
  group: 'GROUP',
};

function kind(value: string | undefined): StringKind {
  return value === 'markdown' ? 'MARKDOWN' : 'PLAIN';
}

function sortedEntries<T>(record: Record<string, T> | undefined): [string, T][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function convertAttribute(name: string, attribute: JsonAttribute, path: string): ProtoAttribute {
  if (attribute.type === undefined) {
    throw new Error(`provider schema: attribute ${path}${name} has no type (nested attribute types are not supported)`);
  }
  return {
    name,
    type: Buffer.from(JSON.stringify(attribute.type)).toString('base64'),
    description: attribute.description ?? '',
    description_kind: kind(attribute.description_kind),
    required: attribute.required === true,
    optional: attribute.optional === true,
    computed: attribute.computed === true,
    sensitive: attribute.sensitive === true,
    deprecated: attribute.deprecated === true,
  };
}

function convertBlock(block: JsonBlock, version: number, path: string): ProtoBlock {
  return {
    version,
    attributes: sortedEntries(block.attributes).map(([name, attribute]) => convertAttribute(name, attribute, path)),
    block_types: sortedEntries(block.block_types).map(([name, nested]) => {
      const nesting = NESTING[nested.nesting_mode];
      if (nesting === undefined) throw new Error(`provider schema: block ${path}${name} has an unknown nesting_mode ${String(nested.nesting_mode)}`);
      return {
        type_name: name,
        block: convertBlock(nested.block, 0, `${path}${name}.`),
        nesting,
        min_items: nested.min_items ?? 0,
        max_items: nested.max_items ?? 0,
      };
    }),
    description: block.description ?? '',
    description_kind: kind(block.description_kind),
    deprecated: block.deprecated === true,
  };
}

function convertSchema(schema: JsonSchema, path: string): ProtoSchema {
  const version = schema.version ?? 0;
  return { version, block: convertBlock(schema.block, version, path) };
}

/** The GetProviderSchema answer for one provider of a `providers schema -json` document
 * (by its full address, e.g. registry.terraform.io/bpg/proxmox). */
export function providerSchemaResponse(document: JsonProvidersSchema, providerAddress: string): GetProviderSchemaResponse {
  const provider = document.provider_schemas[providerAddress];
  if (provider === undefined) {
    throw new Error(`provider schema: ${providerAddress} is not in the schema (it has ${Object.keys(document.provider_schemas).join(', ') || 'no provider'})`);
  }
  const map = (schemas: Record<string, JsonSchema> | undefined): Record<string, ProtoSchema> =>
    Object.fromEntries(sortedEntries(schemas).map(([name, schema]) => [name, convertSchema(schema, `${name}.`)]));
  return {
    provider: convertSchema(provider.provider, 'provider.'),
    resource_schemas: map(provider.resource_schemas),
    data_source_schemas: map(provider.data_source_schemas),
    diagnostics: [],
  };
}
