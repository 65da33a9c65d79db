// Anonymisation speed (issue 7: >= 20 MB/s on mixed text; the seed: < 100 ms per 1 MB) on a
// realistic ~5 MB input built from the simulator: the cluster resources JSON, guest configs
// (MACs, IPs, SSH keys, passwords) and task logs, as text, JSON and YAML. Run alone with
// `npx tsx bench/anonymize.bench.ts`, or as part of `npm run bench`.
//
// Last measured (2 shared cores, load average ~2; median of 7 runs, wall clock):
//   text 5.2 MB 27.3 MB/s, JSON 4.6 MB 27.4 MB/s, YAML 4.3 MB 23.3 MB/s
//   (before the YAML line scan and the per-string fast paths: 19.9, 15.2 and 2.1 MB/s).
// On a busy machine the medians drop (load ~4: YAML ~17 MB/s, best run ~23): compare figures
// taken in the same conditions.
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { Anonymizer } from '../src/anonymize/engine.js';
import { processDocument, type Format } from '../src/anonymize/processors.js';
import { ProxmoxClient } from '../src/proxmox/client.js';
import { startSimulator } from '../src/simulator/index.js';

const TARGET_BYTES = 5 * 1024 * 1024;

interface Corpus {
  text: string;
  json: string;
  yaml: string;
  nodeNames: string[];
  guestNames: string[];
}

function taskLog(node: string, vmid: number, name: string, i: number): string {
  const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
  const upid = `UPID:${node}:${hex(4000 + i, 8)}:${hex(90000 + i * 7, 8)}:${hex(1_700_000_000 + i * 60, 8)}:vzdump:${vmid}:root@pam:`;
  return [
    `${upid} INFO: starting new backup job: vzdump ${vmid} --storage backup --mode snapshot --compress zstd --node ${node}`,
    `INFO: Starting Backup of VM ${vmid} (qemu)`,
    `INFO: Backup started at 2024-05-01 02:${String(i % 60).padStart(2, '0')}:13`,
    `INFO: VM Name: ${name}`,
    `INFO: include disk 'scsi0' 'local-lvm:vm-${vmid}-disk-0' 32G`,
    `INFO: creating vzdump archive '/mnt/pve/backup/dump/vzdump-qemu-${vmid}-2024_05_01-02_00_13.vma.zst'`,
    `INFO: connecting to ${name}.lab.example.de (10.${(i >> 8) & 255}.${i & 255}.${(i % 250) + 2}) via ${node} as backup@pve`,
    `INFO: transferred 32.00 GiB in 95 seconds (344.9 MiB/s), version 6.8.0, kernel 6.8.12-4-pve`,
    `INFO: archive file size: 2.31GB, sent notification to ops+${vmid}@acme.io`,
    `INFO: Finished Backup of VM ${vmid} (00:01:37)`,
    'TASK OK',
    '',
  ].join('\n');
}

function guestConfig(vmid: number, name: string, node: string, i: number): Record<string, string | number> {
  const b = (n: number) => (n & 255).toString(16).toUpperCase().padStart(2, '0');
  return {
    name,
    node,
    cores: 2 + (i % 4),
    memory: 2048 * (1 + (i % 4)),
    net0: `virtio=BC:24:11:${b(i >> 16)}:${b(i >> 8)}:${b(i)},bridge=vmbr0,firewall=1`,
    ipconfig0: `ip=192.168.${(i >> 8) & 255}.${(i % 250) + 2}/24,gw=192.168.${(i >> 8) & 255}.1,ip6=fd00:${(i & 0xffff).toString(16)}::10/64`,
    scsi0: `local-lvm:vm-${vmid}-disk-0,size=32G`,
    ide2: 'local:iso/debian-12.8.0-amd64-netinst.iso,media=cdrom',
    sshkeys: `ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAI${Buffer.from(`key-${i}-${name}`).toString('base64').replace(/=/g, '')}%20admin%40${node}`,
    cipassword: `S3cr3t-${i}!x`,
    searchdomain: 'lab.example.de',
    description: `owner: team-${i % 7}@acme.io, managed from ${node}.lab.example.de`,
  };
}

export async function buildCorpus(): Promise<Corpus> {
  const sim = await startSimulator({ scenario: 'generated', guests: 3000, timeScale: 0.01 });
  const client = new ProxmoxClient({ endpoint: sim.url, auth: { tokenId: sim.root.tokenId, tokenSecret: sim.root.tokenSecret }, fingerprint: sim.fingerprint });
  try {
    const resources = await client.clusterResources();
    const nodeNames = [...new Set(resources.filter((r) => r.type === 'node').map((r) => r.node!))];
    const guests = resources.filter((r) => r.type === 'qemu' || r.type === 'lxc');
    const guestNames = [...new Set(guests.map((g) => g.name!).filter(Boolean))];
    const configs: Record<string, Record<string, string | number>> = {};
    const logs: string[] = [];
    const textParts: string[] = [JSON.stringify(resources)];
    let size = textParts[0]!.length;
    for (let i = 0; size < TARGET_BYTES; i++) {
      const g = guests[i % guests.length]!;
      const config = guestConfig(g.vmid!, g.name ?? `vm${g.vmid}`, g.node!, i);
      const log = taskLog(g.node!, g.vmid!, g.name ?? `vm${g.vmid}`, i);
      configs[`${g.node}/${g.vmid}/${i}`] = config;
      logs.push(log);
      const configText = Object.entries(config).map(([k, v]) => `${k}: ${v}`).join('\n');
      textParts.push(`# /etc/pve/nodes/${g.node}/qemu-server/${g.vmid}.conf\n${configText}\n`, log);
      size += configText.length + log.length + 60;
    }
    const text = textParts.join('\n');
    const data = { resources, configs, logs: logs.slice(0, Math.ceil(logs.length / 2)) };
    return { text, json: JSON.stringify(data, null, 1), yaml: stringify(data), nodeNames, guestNames };
  } finally {
    client.close();
    await sim.close();
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** MB/s figures are the median of `runs` runs (wall clock, and CPU time of this process, which a
 * busy machine disturbs less), with the best run beside it. */
function measure(input: string, format: Format, corpus: Corpus, runs = 7) {
  const mb = Buffer.byteLength(input) / 1e6;
  const anonMs: number[] = [];
  const cpuMs: number[] = [];
  const deanonMs: number[] = [];
  let exact = true;
  let replaced = 0;
  for (let i = 0; i < runs; i++) {
    const engine = new Anonymizer({ nodeNames: corpus.nodeNames, guestNames: corpus.guestNames });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const out = processDocument(input, format, engine, 'anonymize');
    anonMs.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpuMs.push((cpu.user + cpu.system) / 1000);
    replaced = [...engine.mapping.counts.values()].reduce((a, b) => a + b, 0);
    const t1 = performance.now();
    const back = processDocument(out, format, new Anonymizer({ mapping: engine.mapping }), 'deanonymize');
    deanonMs.push(performance.now() - t1);
    exact &&= back === input;
  }
  const mbps = (ms: number) => round(mb / (ms / 1000));
  return {
    megabytes: round(mb),
    runs,
    valuesReplaced: replaced,
    anonymizeMBps: mbps(median(anonMs)),
    anonymizeBestMBps: mbps(Math.min(...anonMs)),
    anonymizeCpuMBps: mbps(median(cpuMs)),
    msPerMB: round(median(anonMs) / mb),
    deanonymizeMBps: mbps(median(deanonMs)),
    roundTripExact: exact,
  };
}

export async function anonymizeBenchmarks() {
  const corpus = await buildCorpus();
  return {
    names: corpus.nodeNames.length + corpus.guestNames.length,
    text: measure(corpus.text, 'text', corpus),
    json: measure(corpus.json, 'json', corpus),
    yaml: measure(corpus.yaml, 'yaml', corpus),
  };
}

if (/anonymize\.bench\.ts$/.test(process.argv[1] ?? '')) {
  process.stdout.write(`${JSON.stringify(await anonymizeBenchmarks(), null, 2)}\n`);
}
