// The schema type of each guest config option, from the official schema's create endpoints
// (the options of POST /nodes/{node}/qemu and /lxc are the config keys plus a few
// create-only parameters). PVE keeps `number` options as the strings they were written as.

import { endpointSchema, type ParamSchema } from '../schema.js';
import type { ConfigValue, GuestKind } from './model.js';

export type ConfigKeyType = 'string' | 'integer' | 'number' | 'boolean';

const CREATE_ONLY: Record<GuestKind, ReadonlySet<string>> = {
  qemu: new Set(['node', 'vmid', 'archive', 'storage', 'force', 'unique', 'live-restore', 'pool', 'bwlimit', 'start', 'ha-managed', 'import-working-storage']),
  lxc: new Set(['node', 'vmid', 'ostemplate', 'password', 'storage', 'force', 'restore', 'pool', 'ignore-unpack-errors', 'ssh-public-keys', 'bwlimit', 'start', 'unique', 'ha-managed']),
};

function propertiesOf(kind: GuestKind): Record<string, ParamSchema> {
  const schema = endpointSchema(`POST /nodes/{node}/${kind}`);
  return schema?.parameters.properties ?? {};
}

const cache = new Map<GuestKind, Map<string, ConfigKeyType>>();

function typesOf(kind: GuestKind): Map<string, ConfigKeyType> {
  let map = cache.get(kind);
  if (!map) {
    map = new Map();
    for (const [name, spec] of Object.entries(propertiesOf(kind))) {
      if (CREATE_ONLY[kind].has(name)) continue;
      const type = spec.type;
      if (type === 'string' || type === 'integer' || type === 'number' || type === 'boolean') map.set(name, type);
    }
    cache.set(kind, map);
  }
  return map;
}

/** `net0` -> the type of `net[n]`. */
export function configKeyType(kind: GuestKind, key: string): ConfigKeyType | undefined {
  const types = typesOf(kind);
  const direct = types.get(key);
  if (direct) return direct;
  const m = /^([a-z]+)\d+$/.exec(key);
  return m ? types.get(`${m[1]}[n]`) : undefined;
}

export function isConfigKey(kind: GuestKind, key: string): boolean {
  return configKeyType(kind, key) !== undefined;
}

/** A coerced request parameter -> the value PVE stores and returns. */
export function toConfigValue(kind: GuestKind, key: string, value: string | number): ConfigValue {
  const type = configKeyType(kind, key);
  if (type === 'number') return String(value);
  if (type === 'integer' || type === 'boolean') return typeof value === 'number' ? value : Number(value);
  return String(value);
}
