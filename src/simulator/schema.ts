// Typed access to pve-schema.json: the parameters, returns and permissions of every served
// endpoint, derived from the official PVE 9.1 schema (see scripts/derive-pve-fixtures.ts).
import rawSchema from './schema/pve-schema.json' with { type: 'json' };

/** One parameter (or property-string sub-key) as JSONSchema.pm understands it. */
export interface ParamSchema {
  type?: string;
  /** A named format (`pve-vmid`, `pve-tag-list`) or a property-string format object. */
  format?: string | PropertyStringFormat;
  optional?: number;
  default?: unknown;
  enum?: string[];
  pattern?: string;
  minimum?: number | string;
  maximum?: number | string;
  minLength?: number;
  maxLength?: number;
  /** Another parameter that must be present when this one is. */
  requires?: string;
  default_key?: number;
  alias?: string;
  keyAlias?: string;
  typetext?: string;
  description?: string;
}

export type PropertyStringFormat = Record<string, ParamSchema>;

export interface ParametersSchema {
  additionalProperties?: number;
  properties?: Record<string, ParamSchema>;
}

/** A permission check in PVE's prefix notation: `["perm", path, [privs], "any", 1]`,
 * `["and", ...checks]`, `["or", ...checks]`. */
export type PermissionCheck = readonly unknown[];

export interface PermissionsSpec {
  user?: 'all' | 'world';
  check?: PermissionCheck;
  description?: string;
}

export interface EndpointSchema {
  parameters: ParametersSchema;
  returns: unknown;
  permissions: PermissionsSpec | null;
  allowtoken: number;
  protected: number;
}

/** Keyed like a SimRouteTable: `"GET /nodes/{node}/qemu"`. */
export const PVE_SCHEMA: Readonly<Record<string, EndpointSchema>> = rawSchema as unknown as Record<string, EndpointSchema>;

export function endpointSchema(routeKey: string): EndpointSchema | undefined {
  return Object.prototype.hasOwnProperty.call(PVE_SCHEMA, routeKey) ? PVE_SCHEMA[routeKey] : undefined;
}
