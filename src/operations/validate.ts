// Input checks for what a user types when creating a guest (wizard fields and CLI flags). Each
// `...Problem` returns undefined when the value is fine, else one line saying what is wrong and
// what would do; the rules are PVE's own (pve-common JSONSchema.pm formats), so a value that
// passes here is not refused by the API for its form.
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { newVmidProblem } from './common.js';

/** PVE's `dns-name` format (a VM's name, a container's hostname). */
export { dnsNameProblem } from './common.js';
export { VMID_MAX, VMID_MIN } from './common.js';

/** A vmid PVE takes (100..999999999) and, given `used`, not taken by another guest. */
export function vmidProblem(vmid: number, used?: ReadonlySet<number>): string | undefined {
  return newVmidProblem(vmid, used ?? new Set());
}

const SIZE_UNITS: Record<string, number> = { k: 1 / (1024 * 1024), m: 1 / 1024, g: 1, t: 1024 };

/** `32`, `32G`, `32GiB`, `512M` (0.5), `1T`, `1.5G` -> GiB; no unit means GiB. Undefined when
 * it is not a size, or not above zero. */
export function parseSizeGiB(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(?:([kmgt])(?:i?b)?)?$/i.exec(text.trim());
  if (!m) return undefined;
  const gib = Number(m[1]) * SIZE_UNITS[(m[2] ?? 'g').toLowerCase()]!;
  return gib > 0 && Number.isFinite(gib) ? gib : undefined;
}

function splitCidr(cidr: string): { address: string; prefix: number; family: 4 | 6 } | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(cidr.trim());
  if (!m) return undefined;
  const family = isIP(m[1]!);
  if (family === 0) return undefined;
  return { address: m[1]!, prefix: Number(m[2]), family: family as 4 | 6 };
}

/** An address with its prefix: `192.168.1.50/24` or `2001:db8::5/64` (PVE takes prefixes from 8). */
export function cidrProblem(cidr: string): string | undefined {
  const c = splitCidr(cidr);
  if (!c) return `'${cidr}' is not an address/prefix: write it as 192.168.1.50/24 (or 2001:db8::5/64), or use dhcp`;
  const max = c.family === 4 ? 32 : 128;
  if (c.prefix < 8 || c.prefix > max) return `'${cidr}': the prefix must be from 8 to ${max}, e.g. ${c.family === 4 ? '/24' : '/64'}`;
  if (c.family === 4 && c.prefix < 31) {
    const addr = ipv4ToInt(c.address);
    const host = (addr & ~maskOf(c.prefix)) >>> 0;
    const hostMax = (2 ** (32 - c.prefix) - 1) >>> 0;
    if (host === 0) return `'${cidr}' is the network's own address: give the guest a host address, e.g. ${intToIpv4((addr + 10) >>> 0)}/${c.prefix}`;
    if (host === hostMax) return `'${cidr}' is the network's broadcast address: give the guest a host address inside it`;
  }
  return undefined;
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => ((n << 8) | Number(part)) >>> 0, 0);
}

function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** A gateway: an IP of the same family as `cidr`; for IPv4, inside its network and not the
 * guest's own address. */
export function gatewayProblem(gateway: string, cidr?: string): string | undefined {
  const gw = gateway.trim();
  if (!isIP(gw)) return `'${gateway}' is not an IP address: write the gateway as e.g. 192.168.1.1`;
  if (cidr === undefined) return undefined;
  const c = splitCidr(cidr);
  if (!c) return undefined; // the CIDR's own problem is told on its field
  if (c.family === 4 && !isIPv4(gw)) return `gateway '${gateway}' is IPv6 but the address ${cidr} is IPv4: give an IPv4 gateway`;
  if (c.family === 6 && !isIPv6(gw)) return `gateway '${gateway}' is IPv4 but the address ${cidr} is IPv6: give an IPv6 gateway`;
  if (c.family === 4) {
    const mask = maskOf(c.prefix);
    const net = (ipv4ToInt(c.address) & mask) >>> 0;
    if (((ipv4ToInt(gw) & mask) >>> 0) !== net) return `gateway ${gateway} is outside ${intToIpv4(net)}/${c.prefix}: give a gateway inside the guest's network, e.g. ${intToIpv4((net + 1) >>> 0)}`;
    if (gw === c.address) return `gateway ${gateway} is the guest's own address: give the router's address`;
  }
  return undefined;
}

const KEY_TYPES = new Set([
  'ssh-ed25519',
  'ssh-rsa',
  'ssh-dss',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
]);

/** The key type a base64 key body names (its first length-prefixed string). */
function bodyType(body: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return undefined;
  const bytes = Buffer.from(body, 'base64');
  if (bytes.length < 4) return undefined;
  const len = bytes.readUInt32BE(0);
  if (len === 0 || len > 64 || bytes.length < 4 + len) return undefined;
  return bytes.subarray(4, 4 + len).toString('latin1');
}

/** One or more OpenSSH public keys, a line each (`ssh-ed25519 AAAA... comment`); blank lines
 * and # comments are fine, as in authorized_keys. */
export function sshKeyProblem(text: string): string | undefined {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) return 'no SSH public key given: paste a line like ssh-ed25519 AAAA... user@host (the .pub file, not the private key)';
  for (const [i, line] of lines.entries()) {
    const where = lines.length > 1 ? `line ${i + 1}: ` : '';
    if (/PRIVATE KEY/.test(line)) return `${where}that is a private key: give the public one (the .pub file)`;
    const parts = line.split(/\s+/);
    // authorized_keys options may come first: the key type is the first word that is one.
    const at = parts.findIndex((p) => KEY_TYPES.has(p));
    if (at < 0) return `${where}not an SSH public key: it should start with ssh-ed25519, ssh-rsa or ecdsa-sha2-..., as in a .pub file`;
    const type = parts[at]!;
    const body = parts[at + 1];
    if (body === undefined || bodyType(body) !== type) return `${where}the ${type} key's body is not valid base64 for a ${type} key: copy the whole line from the .pub file`;
  }
  return undefined;
}

/** A VLAN tag PVE takes: 1..4094. */
export function vlanProblem(tag: number): string | undefined {
  return Number.isInteger(tag) && tag >= 1 && tag <= 4094 ? undefined : `'${tag}' is not a VLAN tag: use a whole number from 1 to 4094`;
}
