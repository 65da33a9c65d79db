// The documented JSON/YAML field sets of `get`, in output order (records.ts builds them; a
// test checks that the two agree). Light on purpose: the help text imports it.
export const RECORD_FIELDS = {
  nodes: ['node', 'status', 'cpu', 'maxcpu', 'mem', 'maxmem', 'disk', 'maxdisk', 'uptime', 'level', 'sslFingerprint', 'qemu', 'lxc', 'running'],
  guests: [
    'type', 'vmid', 'name', 'node', 'status', 'template', 'tags', 'pool', 'lock', 'hastate',
    'cpu', 'maxcpu', 'mem', 'maxmem', 'disk', 'maxdisk', 'uptime', 'netin', 'netout', 'diskread', 'diskwrite',
  ],
  storage: ['node', 'storage', 'type', 'content', 'shared', 'enabled', 'active', 'status', 'total', 'used', 'avail'],
  tasks: ['upid', 'node', 'type', 'id', 'vmid', 'user', 'state', 'exitStatus', 'startedAt', 'endedAt', 'duration'],
  snapshots: ['type', 'vmid', 'guest', 'node', 'name', 'parent', 'description', 'takenAt', 'vmstate'],
  pools: ['poolid', 'comment', 'members', 'vmids', 'storage'],
} as const satisfies Record<string, readonly string[]>;
