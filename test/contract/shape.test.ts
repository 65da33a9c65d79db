import { describe, expect, it } from 'vitest';
import { compareShape } from './shape.js';

describe('compareShape', () => {
  it('accepts equal shapes with other values', () => {
    expect(compareShape({ data: [{ type: 'qemu', vmid: 100 }] }, { data: [{ type: 'qemu', vmid: 7 }] }, undefined)).toEqual([]);
  });
  it('reports a field with another JSON type', () => {
    expect(compareShape({ a: 1 }, { a: '1' }, undefined)).toEqual(['.a: sample is number, simulator gives string']);
  });
  it('reports a required field the simulator leaves out, but not an optional one', () => {
    const schema = { properties: { a: { type: 'integer' }, b: { type: 'integer', optional: 1 } } };
    expect(compareShape({ a: 1, b: 2 }, {}, schema)).toEqual(['.a: required by the schema and present in the sample, absent from the simulator']);
  });
  it('compares array items by kind', () => {
    const sample = [{ type: 'node', cpu: 0.1 }, { type: 'qemu', vmid: 1 }];
    expect(compareShape(sample, [{ type: 'node', cpu: 0 }], undefined)).toEqual(["[]: simulator has no item of kind 'qemu'"]);
  });
  it('accepts a documented legacy form', () => {
    expect(compareShape([{ vmid: '100' }], [{ vmid: 100 }], undefined, { legacy: { '[].vmid': 'string before PVE 8.2' } })).toEqual([]);
  });
  it('reports a field the simulator leaves out that the schema does not declare', () => {
    const schema = { properties: { a: { type: 'integer', optional: 1 } } };
    expect(compareShape({ a: 1, spice: 1 }, {}, schema)).toEqual(['.spice: not declared by the schema, present in the sample, absent from the simulator']);
    expect(compareShape({ x: { y: 1 } }, { x: {} }, undefined)).toEqual(['.x.y: present in the sample, absent from the simulator (the schema lists no properties here)']);
  });
  it('resolves indexed keys against their `[n]` family', () => {
    const schema = { properties: { 'net[n]': { type: 'string', optional: 1 }, 'scsi[n]': { type: 'string' } } };
    expect(compareShape({ net1: 'virtio', scsi2: 'local:1' }, {}, schema)).toEqual(['.scsi2: required by the schema and present in the sample, absent from the simulator']);
  });
  it('takes a null field in a sample as undef: the simulator may leave it out if it is optional', () => {
    const schema = { properties: { exists: { type: 'boolean', optional: 1 }, iface: { type: 'string' } } };
    expect(compareShape({ exists: null }, { exists: 1 }, schema)).toEqual([]);
    expect(compareShape({ exists: null }, {}, schema)).toEqual([]);
    expect(compareShape({ iface: null }, { iface: 'eno1' }, schema)).toEqual(['.iface: required by the schema and null (undef) in the sample']);
  });
  it('compares the entries of a map whatever their keys', () => {
    const maps = { '.nics': 'keyed by device' };
    expect(compareShape({ nics: { tap1i0: { netin: 1 } } }, { nics: { tap7i0: { netin: 2 } } }, undefined, { maps })).toEqual([]);
    expect(compareShape({ nics: { tap1i0: { netin: 1 } } }, { nics: { tap7i0: { netin: '2' } } }, undefined, { maps })).toEqual([
      '.nics.*.netin: sample is number, simulator gives string',
    ]);
    expect(compareShape({ nics: { tap1i0: {} } }, { nics: {} }, undefined, { maps })).toEqual(['.nics: sample has entries, simulator gives none']);
  });
});
