import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { THEMES } from '../app/theme.js';
import { Header, type HeaderProps } from './Header.js';

afterEach(() => {
  cleanup();
});

const base: HeaderProps = {
  profile: 'homelab',
  connection: 'online',
  age: 'synced 12 s ago',
  readOnly: false,
  counts: '3 nodes  5 VMs  2 CTs  4 running',
  breadcrumbs: ['Guests', 'qemu/100'],
  width: 100,
  theme: THEMES.mono,
};

const lines = (props: Partial<HeaderProps> = {}): string[] => (render(<Header {...base} {...props} />).lastFrame() ?? '').split('\n');

describe('Header', () => {
  it('has two lines: who/where/connection/age, then breadcrumbs and counts', () => {
    const [first, second, ...rest] = lines({ cluster: 'homelab-cluster', pveVersion: '9.1.1' });
    expect(rest).toEqual([]);
    expect(first).toBe('proxmox-mpc  homelab  cluster homelab-cluster  PVE 9.1.1  online  synced 12 s ago');
    expect(second).toBe('Guests › qemu/100   3 nodes  5 VMs  2 CTs  4 running');
  });

  it('leaves out what it does not know', () => {
    const [first] = lines({ connection: 'cache', age: 'never synced' });
    expect(first).toBe('proxmox-mpc  homelab  cache  never synced');
  });

  it('shows a sync in progress and read-only mode', () => {
    const [first] = lines({ progress: 'syncing configs 120/400', readOnly: true });
    expect(first).toContain('  syncing configs 120/400');
    expect(first!.trimEnd().endsWith('READ-ONLY')).toBe(true);
  });

  it('truncates to its width', () => {
    const out = lines({ width: 30, breadcrumbs: ['Guests', 'a'.repeat(80)] });
    for (const l of out) expect(Array.from(l).length).toBeLessThanOrEqual(30);
    expect(out).toHaveLength(2);
  });
});
