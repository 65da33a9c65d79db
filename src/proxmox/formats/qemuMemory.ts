// qemu `memory`: a property string since PVE 8.1 (`"2048"` or `"current=2048"`), an integer
// before (`2048`). MiB either way.
import { PropertyStringError } from '../propertyString.js';
import { propertyStringCodec } from './codec.js';
import { QEMU_MEMORY_FORMAT } from './schema.js';

export interface QemuMemory {
  /** MiB; the maximum when a balloon device is used. */
  current: number;
}

export const qemuMemoryCodec = propertyStringCodec<QemuMemory>(QEMU_MEMORY_FORMAT);

export function parseQemuMemory(value: string | number): QemuMemory {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 16) {
      throw new PropertyStringError(`memory: expected an integer of at least 16 (MiB), got ${value}`, { input: String(value), key: 'current' });
    }
    return { current: value };
  }
  return qemuMemoryCodec.parse(value);
}

/** The modern string form (`"2048"`); servers before 8.1 read it as the integer it spells. */
export function printQemuMemory(memory: QemuMemory): string {
  return qemuMemoryCodec.print(memory);
}
