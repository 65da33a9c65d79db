// qemu `boot`: `order=scsi0;ide2;net0` (PVE ≥ 6.3), or the deprecated `cdn` / `legacy=cdn`
// (floppy a, disk c, CD-ROM d, network n; the disk is then the `bootdisk` option).
import { propertyStringCodec, type FieldCodec, type PropertyStringCodec } from './codec.js';
import { BOOT_DEVICE_RE } from './checks.js';
import { QEMU_BOOT_FORMAT } from './schema.js';

export interface QemuBoot {
  /** Devices in boot order; empty when the string has no `order=` (`boot: ""` boots nothing,
   * `boot: cdn` uses the legacy letters). */
  order: string[];
  /** The deprecated `[acdn]{1,4}` form, when used. */
  legacy?: string;
}

// qemu-server reads the list with split_list, so white space separates devices too; it
// prints `;`.
const bootOrderCodec: FieldCodec<string[]> = {
  parse: (text) => text.split(/[;\s]+/).filter((d) => d !== ''),
  print(value) {
    if (!Array.isArray(value) || !value.every((d): d is string => typeof d === 'string' && BOOT_DEVICE_RE.test(d))) {
      throw new Error(`not a list of boot devices (disk, net, usb or hostpci keys): ${JSON.stringify(value)}`);
    }
    return value.join(';');
  },
};

const wire = propertyStringCodec<{ order?: string[]; legacy?: string }>(QEMU_BOOT_FORMAT, {
  fields: { order: bootOrderCodec },
});

export function parseQemuBoot(input: string): QemuBoot {
  const { order = [], legacy } = wire.parse(input);
  return legacy === undefined ? { order } : { order, legacy };
}

/** `{order: []}` prints as `""`, which PVE reads as "boot from nothing". */
export function printQemuBoot(boot: QemuBoot): string {
  const order = boot.order.length > 0 ? boot.order : undefined;
  return wire.print({ order, legacy: boot.legacy });
}

export const qemuBootCodec: PropertyStringCodec<QemuBoot> = { format: QEMU_BOOT_FORMAT, parse: parseQemuBoot, print: printQemuBoot };
