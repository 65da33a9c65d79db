import { describe, expect, it } from 'vitest';
import { QEMU_SCSI_FORMAT, LXC_MOUNTPOINT_FORMAT, LXC_NET_FORMAT, QEMU_NET_FORMAT, QEMU_AGENT_FORMAT } from './formats/schema.js';
import { parsePropertyString, printPropertyString, PropertyStringError, type PropertyFormat } from './propertyString.js';

/** A small format with every feature: default key, alias, keyAlias, required and optional keys. */
const TOY: PropertyFormat = {
  name: { type: 'string', default_key: 1 },
  kind: { type: 'string', enum: ['red', 'blue'] },
  color: { type: 'string', optional: 1 },
  red: { alias: 'color', keyAlias: 'kind' },
  blue: { alias: 'color', keyAlias: 'kind' },
  label: { alias: 'name' },
  size: { type: 'integer', optional: 1 },
  flag: { type: 'boolean', optional: 1 },
  zeta: { type: 'string', optional: 1 },
};

const NO_DEFAULT: PropertyFormat = { a: { type: 'string', optional: 1 }, b: { type: 'string', optional: 1 } };

function errorOf(fn: () => unknown): PropertyStringError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PropertyStringError) return e;
    throw e;
  }
  throw new Error('expected a PropertyStringError');
}

describe('parsePropertyString', () => {
  it('reads key=value pairs as raw strings', () => {
    expect(parsePropertyString('name=eth0,bridge=vmbr0,firewall=1,tag=20', LXC_NET_FORMAT)).toEqual({
      name: 'eth0',
      bridge: 'vmbr0',
      firewall: '1',
      tag: '20',
    });
  });

  it('gives a bare value to the default key', () => {
    expect(parsePropertyString('local-lvm:vm-100-disk-0,size=32G', QEMU_SCSI_FORMAT)).toEqual({
      file: 'local-lvm:vm-100-disk-0',
      size: '32G',
    });
    expect(parsePropertyString('1,fstrim_cloned_disks=1', QEMU_AGENT_FORMAT)).toEqual({ enabled: '1', fstrim_cloned_disks: '1' });
  });

  it('accepts the default key written out, in any position', () => {
    expect(parsePropertyString('size=32G,file=local-lvm:vm-100-disk-0', QEMU_SCSI_FORMAT)).toEqual({
      file: 'local-lvm:vm-100-disk-0',
      size: '32G',
    });
  });

  it('stores an alias under the key it stands for', () => {
    expect(parsePropertyString('volume=local-lvm:vm-100-disk-0', QEMU_SCSI_FORMAT)).toEqual({ file: 'local-lvm:vm-100-disk-0' });
    expect(parsePropertyString('label=x', TOY)).toEqual({ name: 'x' });
  });

  it('stores a keyAlias name under the keyAlias key and the value under the alias target', () => {
    expect(parsePropertyString('virtio=BC:24:11:2E:C5:4A,bridge=vmbr0', QEMU_NET_FORMAT)).toEqual({
      model: 'virtio',
      macaddr: 'BC:24:11:2E:C5:4A',
      bridge: 'vmbr0',
    });
    expect(parsePropertyString('x,blue=navy', TOY)).toEqual({ name: 'x', kind: 'blue', color: 'navy' });
  });

  it('reads a NIC model without a MAC as the bare default value', () => {
    expect(parsePropertyString('e1000,bridge=vmbr0', QEMU_NET_FORMAT)).toEqual({ model: 'e1000', bridge: 'vmbr0' });
  });

  it('keeps everything after the first `=` as the value', () => {
    expect(parsePropertyString('zeta=a=b=c', TOY)).toEqual({ zeta: 'a=b=c' });
  });

  it('skips empty and blank parts, like PVE', () => {
    expect(parsePropertyString('virtio=BC:24:11:2E:C5:4A,,bridge=vmbr0,', QEMU_NET_FORMAT)).toEqual({
      model: 'virtio',
      macaddr: 'BC:24:11:2E:C5:4A',
      bridge: 'vmbr0',
    });
    expect(parsePropertyString('', QEMU_NET_FORMAT)).toEqual({});
    expect(parsePropertyString(' , ', TOY)).toEqual({});
  });

  it('does not check types, enums or required keys (the typed layer does)', () => {
    expect(parsePropertyString('size=big,flag=maybe', TOY)).toEqual({ size: 'big', flag: 'maybe' });
  });

  describe('errors', () => {
    it.each([
      ['the same key twice', 'zeta=a,zeta=b', TOY, /duplicate key in comma-separated list property: zeta/, 'zeta'],
      ['two bare values', 'a,b', TOY, /duplicate key in comma-separated list property: name/, 'name'],
      ['a bare value after the default key written out', 'name=a,b', TOY, /duplicate key .*: name/, 'name'],
      ['an alias after its target', 'file=a:b,volume=c:d', QEMU_SCSI_FORMAT, /duplicate key .*: file/, 'file'],
      ['a keyAlias target twice', 'macaddr=AA,virtio=BB', QEMU_NET_FORMAT, /duplicate key .*: macaddr/, 'macaddr'],
      ['two keyAlias names', 'virtio=AA,e1000=BB', QEMU_NET_FORMAT, /key alias 'model' is already defined/, 'model'],
      ['a bare model, then a keyAlias name', 'virtio,e1000=BB', QEMU_NET_FORMAT, /key alias 'model' is already defined/, 'model'],
      ['an unknown key', 'virtio,foo=1', QEMU_NET_FORMAT, /invalid key in comma-separated list property: foo/, 'foo'],
      ['a key Object.prototype has', 'constructor=1', TOY, /invalid key .*: constructor/, 'constructor'],
      ['__proto__', '__proto__=1', TOY, /invalid key .*: __proto__/, '__proto__'],
      ['toString', 'toString=1', TOY, /invalid key .*: toString/, 'toString'],
      ['an empty value', 'zeta=', TOY, /missing key in comma-separated list property/, undefined],
      ['an empty key', '=x', TOY, /missing key in comma-separated list property/, undefined],
      ['a bare value without a default key', 'eth0,bridge=vmbr0', LXC_NET_FORMAT, /value without key, but schema does not define a default key/, undefined],
      ['a bare value in a format with no default', 'x', NO_DEFAULT, /value without key/, undefined],
    ])('%s', (_what, input, format, message, key) => {
      const err = errorOf(() => parsePropertyString(input, format));
      expect(err.message).toMatch(message);
      expect(err.message).toContain(`'${input}'`);
      expect(err.input).toBe(input);
      expect(err.key).toBe(key);
      expect(err.name).toBe('PropertyStringError');
      expect(err).toBeInstanceOf(Error);
    });
  });
});

describe('printPropertyString', () => {
  it('prints the default key bare, first', () => {
    expect(printPropertyString({ size: '32G', file: 'local-lvm:vm-100-disk-0' }, QEMU_SCSI_FORMAT)).toBe(
      'local-lvm:vm-100-disk-0,size=32G',
    );
  });

  it('prints the keyAlias pair as <name>=<value> in the default position, once', () => {
    expect(printPropertyString({ bridge: 'vmbr0', macaddr: 'BC:24:11:2E:C5:4A', model: 'virtio', firewall: true }, QEMU_NET_FORMAT)).toBe(
      'virtio=BC:24:11:2E:C5:4A,bridge=vmbr0,firewall=1',
    );
  });

  it('prints a model without a MAC bare', () => {
    expect(printPropertyString({ model: 'e1000', bridge: 'vmbr0' }, QEMU_NET_FORMAT)).toBe('e1000,bridge=vmbr0');
  });

  it('prints required keys before optional ones (PVE: "add required keys first")', () => {
    // The PVE 6.2 LXC sample, verbatim: name= comes first although it sorts after the others.
    expect(
      printPropertyString(
        { bridge: 'vmbr0', gw: '10.1.1.1', hwaddr: 'FF:FF:FF:FF:FF:FF', ip: '10.1.1.3/24', name: 'eth0', type: 'veth' },
        LXC_NET_FORMAT,
      ),
    ).toBe('name=eth0,bridge=vmbr0,gw=10.1.1.1,hwaddr=FF:FF:FF:FF:FF:FF,ip=10.1.1.3/24,type=veth');
    expect(printPropertyString({ volume: '/mnt/foo/bar', backup: true, acl: false, mp: '/storage' }, LXC_MOUNTPOINT_FORMAT)).toBe(
      '/mnt/foo/bar,mp=/storage,acl=0,backup=1',
    );
    expect(printPropertyString({ zeta: 'z', kind: 'red', name: 'n', flag: false }, TOY)).toBe('n,kind=red,flag=0,zeta=z');
  });

  it('prints booleans as 1/0 and numbers as written by String()', () => {
    expect(printPropertyString({ name: 'n', flag: true, size: 10 }, TOY)).toBe('n,flag=1,size=10');
  });

  it('skips undefined values', () => {
    expect(printPropertyString({ name: 'n', zeta: undefined }, TOY)).toBe('n');
    expect(printPropertyString({}, TOY)).toBe('');
  });

  it('prints a default value containing `=` as key=value, which parses back', () => {
    const printed = printPropertyString({ volume: '/mnt/a=b', mp: '/x' }, LXC_MOUNTPOINT_FORMAT);
    expect(printed).toBe('volume=/mnt/a=b,mp=/x');
    expect(parsePropertyString(printed, LXC_MOUNTPOINT_FORMAT)).toEqual({ volume: '/mnt/a=b', mp: '/x' });
  });

  it('prints an alias key given as data under its own name', () => {
    expect(printPropertyString({ volume: 'local:x' }, QEMU_SCSI_FORMAT)).toBe('volume=local:x');
  });

  it.each([
    ['an unknown key', { name: 'n', nope: 'x' }, /invalid key 'nope'/, 'nope'],
    ['a key Object.prototype has', { name: 'n', constructor: 'x' }, /invalid key 'constructor'/, 'constructor'],
    ['a comma in a value', { name: 'a,b' }, /illegal value with commas for name/, 'name'],
    ['an empty value', { name: '' }, /value of 'name' is empty/, 'name'],
    ['a line break', { name: 'a\nb' }, /line break/, 'name'],
    ['a non-finite number', { name: 'n', size: Number.NaN }, /not a finite number/, 'size'],
    ['a keyAlias name that is not an alias of the value key', { name: 'n', kind: 'green', color: 'c' }, /'green' is not a valid kind/, 'kind'],
  ])('refuses %s', (_what, values, message, key) => {
    const err = errorOf(() => printPropertyString(values, TOY));
    expect(err.message).toMatch(message);
    expect(err.key).toBe(key);
  });

  it('parse(print(x)) gives x back for raw maps', () => {
    const cases: [Record<string, string>, PropertyFormat][] = [
      [{ model: 'virtio', macaddr: 'BC:24:11:2E:C5:4A', bridge: 'vmbr0', tag: '5', trunks: '1;2-3' }, QEMU_NET_FORMAT],
      [{ file: 'none', media: 'cdrom' }, QEMU_SCSI_FORMAT],
      [{ name: 'eth0', ip: 'dhcp', type: 'veth' }, LXC_NET_FORMAT],
      [{ name: 'n', kind: 'blue', color: 'c', zeta: 'a=b' }, TOY],
    ];
    for (const [raw, format] of cases) {
      expect(parsePropertyString(printPropertyString(raw, format), format)).toEqual(raw);
    }
  });
});
