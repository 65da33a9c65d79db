import { describe, expect, it } from 'vitest';
import { nextTags, parseMemoryMiB, planConfig, tagProblem } from './config.js';
import { isRefusal } from './power.js';
import type { GuestTarget } from './types.js';

const vm: GuestTarget = { type: 'qemu', vmid: 100, node: 'pve1', name: 'web-01', status: 'stopped', template: false };
const current = { cores: 2, memory: 4096, onboot: 1, description: undefined, tags: 'prod;web' };

describe('planConfig', () => {
  it('one PUT of what differs, with the digest, saying old -> new', () => {
    const p = planConfig(vm, { cores: 4, memory: 4096, onboot: false }, current, { readOnly: false, digest: 'abc' });
    if (isRefusal(p)) throw new Error(p.message);
    expect(p.risk).toBe('medium');
    expect(p.calls).toEqual([{ method: 'PUT', path: '/nodes/pve1/qemu/100/config', params: { cores: 4, onboot: 0, digest: 'abc' } }]);
    expect(p.summary).toBe('change VM 100 web-01: cores 2 -> 4, onboot 1 -> 0');
  });

  it('a running guest is told when CPU and memory apply', () => {
    const p = planConfig({ ...vm, status: 'running' }, { memory: 8192 }, current, { readOnly: false });
    expect(!isRefusal(p) && p.summary).toMatch(/memory 4096 -> 8192 \(CPU and memory apply at once only where they are hot-pluggable/);
  });

  it('nothing to change is skipped; read-only and locks are refused', () => {
    expect(planConfig(vm, { cores: 2 }, current, { readOnly: false })).toMatchObject({ reason: 'not-applicable', message: /nothing to change/ });
    expect(planConfig(vm, { cores: 4 }, current, { readOnly: true })).toMatchObject({ reason: 'read-only' });
    expect(planConfig({ ...vm, lock: 'migrate' }, { cores: 4 }, current, { readOnly: false })).toMatchObject({ reason: 'locked' });
  });

  it('tags go as PVE keeps them: ;-joined', () => {
    const p = planConfig(vm, { tags: ['prod', 'web', 'blue'] }, current, { readOnly: false });
    expect(!isRefusal(p) && p.calls[0]!.params).toEqual({ tags: 'prod;web;blue' });
  });
});

describe('tags', () => {
  it('are checked as PVE checks them', () => {
    expect(tagProblem('prod-db')).toBeUndefined();
    expect(tagProblem('k8s.node+1')).toBeUndefined();
    expect(tagProblem('-bad')).toMatch(/not a tag/);
    expect(tagProblem('has space')).toMatch(/not a tag/);
    expect(tagProblem('')).toMatch(/not a tag/);
  });

  it('add and remove case-insensitively, keeping the order', () => {
    expect(nextTags(['prod', 'web'], ['blue', 'PROD'], [])).toEqual(['prod', 'web', 'blue']);
    expect(nextTags(['prod', 'Web'], [], ['web'])).toEqual(['prod']);
  });
});

describe('parseMemoryMiB', () => {
  it('reads MiB and GiB', () => {
    expect(parseMemoryMiB('2048')).toBe(2048);
    expect(parseMemoryMiB('2048M')).toBe(2048);
    expect(parseMemoryMiB('2G')).toBe(2048);
    expect(parseMemoryMiB('1.5GiB')).toBe(1536);
    expect(parseMemoryMiB('1.5x')).toBeUndefined();
    expect(parseMemoryMiB('0.3M')).toBeUndefined();
  });
});
