// qemu `net[n]`: `virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1,tag=20`.
import { propertyStringCodec } from './codec.js';
import { vlanTrunksCodec, type VlanRange } from './lists.js';
import { QEMU_NET_FORMAT } from './schema.js';

export const QEMU_NIC_MODELS = [
  'e1000',
  'e1000-82540em',
  'e1000-82544gc',
  'e1000-82545em',
  'e1000e',
  'i82551',
  'i82557b',
  'i82559er',
  'ne2k_isa',
  'ne2k_pci',
  'pcnet',
  'rtl8139',
  'virtio',
  'vmxnet3',
] as const;

export type QemuNicModel = (typeof QEMU_NIC_MODELS)[number];

export interface QemuNic {
  model: QemuNicModel;
  /** As written (PVE keeps the case it was given). */
  macaddr?: string;
  bridge?: string;
  /** VLAN tag, 1-4094. */
  tag?: number;
  trunks?: VlanRange[];
  firewall?: boolean;
  link_down?: boolean;
  mtu?: number;
  queues?: number;
  /** MB/s. */
  rate?: number;
}

export const qemuNicCodec = propertyStringCodec<QemuNic>(QEMU_NET_FORMAT, { fields: { trunks: vlanTrunksCodec } });

export function parseQemuNic(input: string): QemuNic {
  return qemuNicCodec.parse(input);
}

export function printQemuNic(nic: QemuNic): string {
  return qemuNicCodec.print(nic);
}
