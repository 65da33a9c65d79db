// PUT .../resize: grow a disk (qemu) or mount point (lxc). Since PVE 8 the work, and every
// check made on the loaded config, runs in a `resize` task; only the parameter format is
// checked up front (by the schema validation of the HTTP layer).

import type { SimRequest } from '../../types.js';
import type { Cluster } from '../cluster.js';
import { lockedMessage } from '../errors.js';
import { isLxcMountKey, isQemuDriveKey, parseVolumeOption, printVolumeOption, splitVolid } from '../formats.js';
import type { GuestKind } from '../model.js';
import { formatSize, parseSize } from '../sizes.js';
import { TaskFailure } from '../tasks.js';
import { flag, loadInTask, ms, ownerOf, pathNode, pathVmid, startTask, str } from './context.js';

export function resizeDisk(cluster: Cluster, kind: GuestKind, req: SimRequest): string {
  const node = pathNode(req);
  const vmid = pathVmid(req);
  cluster.requireGuest(kind, node, vmid);
  const disk = str(req, 'disk')!;
  const sizeText = str(req, 'size')!;
  const digest = str(req, 'digest');
  return startTask(cluster, ownerOf(req), node, 'resize', vmid, async (t) => {
    const guest = loadInTask(cluster, kind, node, vmid);
    const conf = guest.config.current;
    if (digest && digest !== guest.config.digest()) throw new TaskFailure('checksum missmatch (file change by other user?)');
    if (guest.config.lock !== undefined && !(kind === 'qemu' && flag(req, 'skiplock'))) throw new TaskFailure(lockedMessage(kind, guest.config.lock));
    const value = conf[disk];
    const isDiskKey = kind === 'qemu' ? isQemuDriveKey(disk) : disk === 'rootfs' || isLxcMountKey(disk);
    if (typeof value !== 'string' || !isDiskKey) throw new TaskFailure(`disk '${disk}' does not exist`);
    const parsed = parseVolumeOption(kind, disk, value)!;
    if (parsed.isCdrom) throw new TaskFailure("you can't resize a cdrom");
    const split = splitVolid(parsed.volume);
    if (!split) throw new TaskFailure(kind === 'qemu' ? `disk '${disk}' has no associated volume` : 'Unable to resize mount point - not a volume');
    const volume = cluster.storage.get(node, parsed.volume);
    const current = volume?.size ?? parseSize(parsed.props.size);
    if (current === undefined) throw new TaskFailure(`Could not determine current size of volume '${parsed.volume}'`);
    const relative = sizeText.startsWith('+');
    const amount = parseSize(relative ? sizeText.slice(1) : sizeText)!;
    const next = Math.floor(relative ? current + amount : amount);
    if (next < current) throw new TaskFailure('shrinking disks is not supported');
    if (next === current) return;
    await t.sleep(ms(cluster, 200, 800));
    if (volume) {
      if (volume.used >= volume.size) volume.used = next;
      volume.size = next;
    }
    t.log(`Image resized to ${formatSize(next)}.`);
    const again = loadInTask(cluster, kind, node, vmid);
    again.config.mutate((c) => {
      const v = c[disk];
      if (typeof v !== 'string') return;
      const p = parseVolumeOption(kind, disk, v)!;
      c[disk] = printVolumeOption(kind, disk, { ...p.props, size: formatSize(next) });
    });
  });
}
