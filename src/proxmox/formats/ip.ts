// IP settings of NICs and cloud-init (`ip=dhcp`, `ip=10.0.0.5/24`, `ip6=auto`): the
// pve-ipv4-config / pve-ipv6-config formats of pve-common JSONSchema.pm.
import { isIPv4, isIPv6 } from 'node:net';
import type { FieldCodec } from './codec.js';

export interface IpAddressWithPrefix {
  address: string;
  prefixLength: number;
}

export type Ipv4Setting = 'dhcp' | 'manual' | IpAddressWithPrefix;
export type Ipv6Setting = 'dhcp' | 'auto' | 'manual' | IpAddressWithPrefix;

const CIDR_RE = /^([^/]+)\/(\d+)$/;

// PVE accepts prefixes 8..32 (v4) and 8..128 (v6): pve_verify_cidrv4 / pve_verify_cidrv6.
function parseCidr(text: string, family: 4 | 6): IpAddressWithPrefix | undefined {
  const m = CIDR_RE.exec(text);
  if (!m) return undefined;
  const address = m[1]!;
  const prefixLength = Number(m[2]);
  const valid = family === 4 ? isIPv4(address) && prefixLength <= 32 : isIPv6(address) && prefixLength <= 128;
  return valid && prefixLength > 7 ? { address, prefixLength } : undefined;
}

export function isIpv4Config(text: string): boolean {
  return text === 'dhcp' || text === 'manual' || parseCidr(text, 4) !== undefined;
}

export function isIpv6Config(text: string): boolean {
  return text === 'dhcp' || text === 'auto' || text === 'manual' || parseCidr(text, 6) !== undefined;
}

function printSetting(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'address' in value && 'prefixLength' in value) {
    const { address, prefixLength } = value;
    if (typeof address === 'string' && typeof prefixLength === 'number') return `${address}/${prefixLength}`;
  }
  throw new Error(`not an IP setting: ${JSON.stringify(value)}`);
}

export const ipv4SettingCodec: FieldCodec<Ipv4Setting> = {
  parse(text) {
    if (text === 'dhcp' || text === 'manual') return text;
    const cidr = parseCidr(text, 4);
    if (!cidr) throw new Error(`not an IPv4 setting: '${text}' (expected dhcp, manual or address/prefix)`);
    return cidr;
  },
  print: printSetting,
};

export const ipv6SettingCodec: FieldCodec<Ipv6Setting> = {
  parse(text) {
    if (text === 'dhcp' || text === 'auto' || text === 'manual') return text;
    const cidr = parseCidr(text, 6);
    if (!cidr) throw new Error(`not an IPv6 setting: '${text}' (expected dhcp, auto, manual or address/prefix)`);
    return cidr;
  },
  print: printSetting,
};
