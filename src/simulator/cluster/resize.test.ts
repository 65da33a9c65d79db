// PUT .../resize: a disk grows (absolute or +relative) in a `resize` task; shrinking, a
// missing disk and a CD-ROM fail the task with PVE's words.
import { afterEach, describe, expect, it } from 'vitest';
import { asObject, makeHarness, type Harness } from './testHarness.js';

let h: Harness;
afterEach(() => h?.dispose());

async function newVm(vmid: number): Promise<void> {
  const upid = await h.call('POST', '/nodes/{node}/qemu', {
    node: 'pve1',
    vmid,
    name: `resize-${vmid}`,
    scsi0: 'local-lvm:8',
    ide2: 'local:iso/debian-12.8.0-amd64-netinst.iso,media=cdrom',
  });
  expect((await h.finished(upid)).exitstatus).toBe('OK');
}

const resize = async (vmid: number, disk: string, size: string) => h.finished(await h.call('PUT', '/nodes/{node}/qemu/{vmid}/resize', { node: 'pve1', vmid, disk, size }));
const scsi0 = async (vmid: number) => asObject(await h.call('GET', '/nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid })).scsi0;

describe('resize', () => {
  it('grows a disk to an absolute size, then by a relative one', async () => {
    h = makeHarness();
    await newVm(310);
    const first = await resize(310, 'scsi0', '12G');
    expect(first.exitstatus).toBe('OK');
    expect(await scsi0(310)).toBe('local-lvm:vm-310-disk-0,size=12G');
    expect((await resize(310, 'scsi0', '+4G')).exitstatus).toBe('OK');
    expect(await scsi0(310)).toBe('local-lvm:vm-310-disk-0,size=16G');
  });

  it('refuses to shrink, a disk that does not exist, and a CD-ROM', async () => {
    h = makeHarness();
    await newVm(311);
    expect((await resize(311, 'scsi0', '4G')).exitstatus).toBe('shrinking disks is not supported');
    expect((await resize(311, 'scsi5', '+1G')).exitstatus).toBe("disk 'scsi5' does not exist");
    expect((await resize(311, 'ide2', '+1G')).exitstatus).toBe("you can't resize a cdrom");
    expect(await scsi0(311)).toBe('local-lvm:vm-311-disk-0,size=8G');
  });
});
