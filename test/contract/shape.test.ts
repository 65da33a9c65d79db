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
});
