// lxc `net[n]`: `name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:…,ip=dhcp,type=veth`.
import { propertyStringCodec } from './codec.js';
import { ipv4SettingCodec, ipv6SettingCodec, type Ipv4Setting, type Ipv6Setting } from './ip.js';
import { vlanTrunksCodec, type VlanRange } from './lists.js';
import { LXC_NET_FORMAT } from './schema.js';

export interface LxcNic {
  /** The interface name inside the container (`eth0`). */
  name: string;
  bridge?: string;
  /** As written (PVE keeps the case it was given). */
  hwaddr?: string;
  ip?: Ipv4Setting;
  gw?: string;
  ip6?: Ipv6Setting;
  gw6?: string;
  /** VLAN tag, 1-4094. */
  tag?: number;
  /** Single VLAN ids only (no ranges, unlike qemu). */
  trunks?: VlanRange[];
  firewall?: boolean;
  link_down?: boolean;
  'host-managed'?: boolean;
  type?: 'veth';
  mtu?: number;
  /** MB/s. */
  rate?: number;
}

export const lxcNicCodec = propertyStringCodec<LxcNic>(LXC_NET_FORMAT, {
  fields: { ip: ipv4SettingCodec, ip6: ipv6SettingCodec, trunks: vlanTrunksCodec },
});

export function parseLxcNic(input: string): LxcNic {
  return lxcNicCodec.parse(input);
}

export function printLxcNic(nic: LxcNic): string {
  return lxcNicCodec.print(nic);
}
