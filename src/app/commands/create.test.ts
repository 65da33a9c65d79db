import { describe, expect, it } from 'vitest';
import type { OperationResult } from '../../operations/types.js';
import { explainFor } from './create.js';

const failed: OperationResult = {
  action: 'create',
  target: { type: 'qemu', vmid: 130, node: 'pve1', name: 'web-04', status: 'absent', template: false },
  outcome: 'failed',
  message: "invalid parameters for POST /nodes/pve1/qemu: net0: bridge 'vmbr9' does not exist; ipconfig0: invalid format; fix them and try again",
  paramErrors: { net0: "bridge 'vmbr9' does not exist", ipconfig0: 'invalid format' },
};

describe('explainFor', () => {
  it("names the flag each of PVE's parameters came from", () => {
    expect(explainFor('qemu')(failed).message).toBe(`${failed.message} (net0 is --net, ipconfig0 is --ip)`);
    const ct = { ...failed, paramErrors: { 'ssh-public-keys': 'bad', rootfs: 'bad size', features: 'x' } };
    expect(explainFor('lxc')(ct).message).toMatch(/\(ssh-public-keys is --ssh-key, rootfs is --size, features is --nesting\)$/);
  });

  it('leaves other results as they are', () => {
    const { paramErrors: _, ...plain } = failed;
    expect(explainFor('qemu')(plain)).toBe(plain);
  });
});
