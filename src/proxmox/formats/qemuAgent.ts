// qemu `agent`: `1`, `1,fstrim_cloned_disks=1`, `enabled=1,type=isa`.
import { PropertyStringError } from '../propertyString.js';
import { propertyStringCodec } from './codec.js';
import { QEMU_AGENT_FORMAT } from './schema.js';

export interface QemuAgent {
  enabled: boolean;
  fstrim_cloned_disks?: boolean;
  'freeze-fs-on-backup'?: boolean;
  type?: 'virtio' | 'isa';
}

export const qemuAgentCodec = propertyStringCodec<QemuAgent>(QEMU_AGENT_FORMAT);

/** Reads the property string, and the bare 0/1 some clients hand over as a JSON number. */
export function parseQemuAgent(value: string | number): QemuAgent {
  if (typeof value === 'number') {
    if (value !== 0 && value !== 1) throw new PropertyStringError(`agent: expected 0 or 1, got ${value}`, { input: String(value) });
    return { enabled: value === 1 };
  }
  return qemuAgentCodec.parse(value);
}

export function printQemuAgent(agent: QemuAgent): string {
  return qemuAgentCodec.print(agent);
}
