// Nodes as /nodes, /cluster/resources, /cluster/status and /nodes/{node}/status show them
// (pve-manager API2Tools extract_node_stats): an offline node keeps its static figures and
// loses the live ones.

import { KERNEL, PVE_VERSION, type Cluster } from './cluster.js';
import { nodeFigures } from './metrics.js';
import type { NodeState } from './model.js';

type Json = Record<string, unknown>;

/** extract_node_stats; `withStats` false hides the figures (no Sys.Audit on the node). */
export function nodeStats(cluster: Cluster, node: NodeState, withStats: boolean): Json {
  const out: Json = { id: `node/${node.name}`, node: node.name, type: 'node', status: 'unknown', level: node.level };
  const offline = cluster.isNodeOffline(node.name);
  if (!offline) {
    out.status = 'online';
    if (withStats) {
      const f = nodeFigures(cluster.seed, node, cluster.nowSec());
      out.uptime = f.uptime;
      out.cpu = f.cpu;
      out.mem = f.mem;
      out.disk = f.disk;
    }
  } else {
    out.status = 'offline';
  }
  if (withStats) {
    out.maxcpu = node.maxcpu;
    out.maxmem = node.maxmem;
    out.maxdisk = node.maxdisk;
  }
  return out;
}

export function nodeListEntry(cluster: Cluster, node: NodeState, withStats: boolean): Json {
  return { ...nodeStats(cluster, node, withStats), ssl_fingerprint: node.sslFingerprint };
}

export function nodeResourceEntry(cluster: Cluster, node: NodeState, withStats: boolean): Json {
  const out = nodeStats(cluster, node, withStats);
  if (!cluster.isNodeOffline(node.name)) out['cgroup-mode'] = 2;
  return out;
}

export function clusterStatus(cluster: Cluster): Json[] {
  const nodes = [...cluster.nodes.values()];
  const out: Json[] = [
    { type: 'cluster', id: 'cluster', name: cluster.name, nodes: nodes.length, version: nodes.length + 1, quorate: cluster.isQuorate() ? 1 : 0 },
  ];
  for (const node of nodes) {
    out.push({
      type: 'node',
      id: `node/${node.name}`,
      name: node.name,
      nodeid: node.nodeid,
      ip: node.ip,
      local: node.name === cluster.localNode ? 1 : 0,
      online: cluster.isNodeOffline(node.name) ? 0 : 1,
      level: node.level,
    });
  }
  return out;
}

export function nodeStatus(cluster: Cluster, node: NodeState): Json {
  const f = nodeFigures(cluster.seed, node, cluster.nowSec());
  const swapTotal = 8 * 1024 ** 3;
  const rootAvail = node.maxdisk - node.rootUsed;
  return {
    uptime: f.uptime,
    idle: 0,
    wait: f.wait,
    cpu: f.cpu,
    loadavg: f.loadavg,
    kversion: `${KERNEL.sysname} ${KERNEL.release} ${KERNEL.version}`,
    pveversion: `pve-manager/${PVE_VERSION.version}/${PVE_VERSION.repoid}`,
    'current-kernel': { ...KERNEL },
    'boot-info': { mode: 'efi', secureboot: 0 },
    cpuinfo: {
      model: node.cpuModel,
      sockets: node.sockets,
      cores: node.cores,
      cpus: node.maxcpu,
      mhz: '3400.000',
      hvm: '1',
      user_hz: 100,
      flags: 'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch svm sse4a',
    },
    memory: { total: node.maxmem, used: f.mem, free: node.maxmem - f.mem, available: node.maxmem - f.mem },
    swap: { total: swapTotal, used: f.swapUsed, free: swapTotal - f.swapUsed },
    ksm: { shared: 0 },
    rootfs: { total: node.maxdisk, used: node.rootUsed, free: rootAvail, avail: rootAvail },
  };
}
