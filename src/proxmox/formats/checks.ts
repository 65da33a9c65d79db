// Checks one value's text against its schema entry, the way check_prop in pve-common
// JSONSchema.pm does: type, enum, pattern, maxLength, minimum/maximum, and the named formats
// the property strings we read use. Throws an Error saying what is wrong.
import { isIPv4, isIPv6 } from 'node:net';
import type { PropertySpec } from '../propertyString.js';
import { isDiskSizeText } from './diskSize.js';
import { isIpv4Config, isIpv6Config } from './ip.js';
import { isVolumeId } from './volume.js';

export const BOOLEAN_RE = /^(?:1|on|yes|true|0|off|no|false)$/i;
const TRUE_RE = /^(?:1|on|yes|true)$/i;
const INTEGER_RE = /^[+-]?\d+$/;
const NUMBER_RE = /^[+-]?(?:\d+\.\d+|\d+\.|\.\d+|\d+)(?:[eE][+-]?\d+)?$/;

/** Boot devices qemu-server accepts in `order=` (verify_bootdev): disks, NICs, USB, PCI. */
export const BOOT_DEVICE_RE = /^(?:ide|sata|scsi|virtio|net|usb|hostpci)\d+$/;

// Shape only for MACs: PVE refuses multicast MACs on input, but sanitised real responses
// (`FF:FF:…`) carry them and must still be readable.
const MAC_RE = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;

const FORMAT_CHECKS: Record<string, (text: string) => boolean> = {
  'mac-addr': (t) => MAC_RE.test(t),
  ipv4: (t) => isIPv4(t),
  ipv6: (t) => isIPv6(t),
  'pve-ipv4-config': isIpv4Config,
  'pve-ipv6-config': isIpv6Config,
  'disk-size': isDiskSizeText,
  urlencoded: (t) => /^[-%a-zA-Z0-9_.!~*'()]*$/.test(t),
  'pve-bridge-id': (t) => /^[-_.\w]+$/.test(t),
  'pve-volume-id': isVolumeId,
  'pve-qm-bootdev-list': (t) => t.split(/[;\s]+/).every((d) => d === '' || BOOT_DEVICE_RE.test(d)),
};

const patterns = new Map<string, RegExp>();

/** A schema pattern as an anchored JS RegExp. Perl stringifies qr// as `(?^:…)`, which JS
 * spells `(?:…)`, and Perl ≥ 5.34 reads `{,n}` as `{0,n}`. */
export function schemaPattern(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    const js = pattern.replaceAll('(?^:', '(?:').replace(/\{,(\d+)\}/g, '{0,$1}');
    re = new RegExp(`^(?:${js})$`);
    patterns.set(pattern, re);
  }
  return re;
}

export function checkValueText(spec: PropertySpec, text: string): void {
  switch (spec.type) {
    case 'boolean':
      if (!BOOLEAN_RE.test(text)) throw new Error(`expected a boolean (1 or 0), got '${text}'`);
      break;
    case 'integer':
      if (!INTEGER_RE.test(text) || !Number.isSafeInteger(Number(text))) throw new Error(`expected an integer, got '${text}'`);
      break;
    case 'number':
      if (!NUMBER_RE.test(text) || !Number.isFinite(Number(text))) throw new Error(`expected a number, got '${text}'`);
      break;
    default:
      break;
  }
  if (spec.enum && !spec.enum.includes(text)) {
    throw new Error(`'${text}' is not one of ${spec.enum.join(', ')}`);
  }
  if (spec.pattern && !schemaPattern(spec.pattern).test(text)) {
    throw new Error(`'${text}' does not match the pattern ${spec.pattern}`);
  }
  if (spec.maxLength !== undefined && text.length > spec.maxLength) {
    throw new Error(`value may only be ${spec.maxLength} characters long`);
  }
  if (spec.type === 'integer' || spec.type === 'number') {
    const n = Number(text);
    if (spec.minimum !== undefined && n < spec.minimum) throw new Error(`${text} is less than the minimum ${spec.minimum}`);
    if (spec.maximum !== undefined && n > spec.maximum) throw new Error(`${text} is more than the maximum ${spec.maximum}`);
  }
  const check = spec.format === undefined ? undefined : FORMAT_CHECKS[spec.format];
  if (check && !check(text)) throw new Error(`'${text}' is not a valid ${spec.format}`);
}

/** The typed value of a text that passed checkValueText. */
export function valueFromText(spec: PropertySpec, text: string): string | number | boolean {
  switch (spec.type) {
    case 'boolean':
      return TRUE_RE.test(text);
    case 'integer':
    case 'number':
      return Number(text);
    default:
      return text;
  }
}

/** The text PVE stores for a typed value; throws when the value has the wrong JS type. */
export function textFromValue(spec: PropertySpec, value: unknown): string {
  switch (spec.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw new Error(`expected a boolean, got ${JSON.stringify(value)}`);
      return value ? '1' : '0';
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`expected an integer, got ${JSON.stringify(value)}`);
      return String(value);
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`expected a number, got ${JSON.stringify(value)}`);
      return String(value);
    default:
      if (typeof value !== 'string') throw new Error(`expected a string, got ${JSON.stringify(value)}`);
      return value;
  }
}
