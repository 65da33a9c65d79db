// qemu cloud-init `ipconfig[n]`: `ip=10.0.0.5/24,gw=10.0.0.1`, `ip=dhcp,ip6=auto`.
import { propertyStringCodec } from './codec.js';
import { ipv4SettingCodec, ipv6SettingCodec, type Ipv4Setting, type Ipv6Setting } from './ip.js';
import { QEMU_IPCONFIG_FORMAT } from './schema.js';

export interface QemuIpConfig {
  ip?: Ipv4Setting;
  /** Needs `ip`. */
  gw?: string;
  ip6?: Ipv6Setting;
  /** Needs `ip6`. */
  gw6?: string;
}

export const qemuIpConfigCodec = propertyStringCodec<QemuIpConfig>(QEMU_IPCONFIG_FORMAT, {
  fields: { ip: ipv4SettingCodec, ip6: ipv6SettingCodec },
});

export function parseQemuIpConfig(input: string): QemuIpConfig {
  return qemuIpConfigCodec.parse(input);
}

export function printQemuIpConfig(config: QemuIpConfig): string {
  return qemuIpConfigCodec.print(config);
}
