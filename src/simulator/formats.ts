// The named string formats of PVE's JSONSchema (`format: 'pve-vmid'`), each with the check and
// the exact `die` message of its Perl validator (pve-common, pve-access-control, pve-storage,
// qemu-server, pve-container). A code format returns its error text (ending in "\n" like a
// Perl `die`) or undefined; an object format is a property string checked sub-key by sub-key.
// `-list` and `-opt` suffixes are handled by the validator, as JSONSchema.pm's check_format does.
import { ALL_PRIVILEGES } from './privileges.js';
import { perlFullMatch, perlTrue, splitList } from './perl.js';
import { PVE_SCHEMA, type PropertyStringFormat } from './schema.js';

export type CodeFormat = (value: string) => string | undefined;
export type NamedFormat = { kind: 'code'; check: CodeFormat } | { kind: 'object'; format: PropertyStringFormat };

const IPV4_OCTET = '(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])';
const IPV4_RE = `(?:(?:${IPV4_OCTET}\\.){3}${IPV4_OCTET})`;
const H16 = '(?:[0-9a-fA-F]{1,4})';
const LS32 = `(?:(?:${IPV4_RE}|${H16}:${H16}))`;
// PVE::Tools $IPV6RE (RFC 3986 IPv6address).
const IPV6_RE =
  '(?:' +
  `(?:(?:(?:${H16}:){6})${LS32})|` +
  `(?:(?:::(?:${H16}:){5})${LS32})|` +
  `(?:(?:(?:${H16})?::(?:${H16}:){4})${LS32})|` +
  `(?:(?:(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3})${LS32})|` +
  `(?:(?:(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2})${LS32})|` +
  `(?:(?:(?:(?:${H16}:){0,3}${H16})?::(?:${H16}:){1})${LS32})|` +
  `(?:(?:(?:(?:${H16}:){0,4}${H16})?::)${LS32})|` +
  `(?:(?:(?:(?:${H16}:){0,5}${H16})?::)${H16})|` +
  `(?:(?:(?:(?:${H16}:){0,6}${H16})?::))` +
  ')';
const DNS_LABEL = '([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)';
const STORAGE_ID = '[a-z][a-z0-9\\-_.]*[a-z0-9]';

const isIpv4 = (v: string) => perlFullMatch(IPV4_RE, v);
const isIpv6 = (v: string) => perlFullMatch(IPV6_RE, v);
const isIp = (v: string) => isIpv4(v) || isIpv6(v);
const isDnsName = (v: string) => perlFullMatch(`(${DNS_LABEL}\\.)*${DNS_LABEL}`, v);

function cidrBits(value: string, ipRe: string): number | undefined {
  const m = new RegExp(`^(?:${ipRe})/(\\d+)(?=\\n?$)`).exec(value);
  return m ? Number(m[1]) : undefined;
}
const isCidrV4 = (v: string) => {
  const bits = cidrBits(v, IPV4_RE);
  return bits !== undefined && bits > 7 && bits <= 32;
};
const isCidrV6 = (v: string) => {
  const bits = cidrBits(v, IPV6_RE);
  return bits !== undefined && bits > 7 && bits <= 128;
};

function regexFormat(source: string, message: (v: string) => string, flags = ''): CodeFormat {
  return (v) => (perlFullMatch(source, v, flags) ? undefined : message(v));
}

const checkStorageId = regexFormat(STORAGE_ID, (v) => `storage ID '${v}' contains illegal characters\n`, 'i');
const checkVolumeId = regexFormat(`(${STORAGE_ID}):(.+)`, (v) => `unable to parse volume ID '${v}'\n`, 'i');
const checkVolumeIdOrAbsolutePath: CodeFormat = (v) => (v.startsWith('/') ? undefined : checkVolumeId(v));

// qemu-server Drive.pm: the valid drive names (efidisk0/tpmstate0 are drives too).
const DRIVE_MAX: Record<string, number> = { ide: 3, sata: 5, scsi: 30, virtio: 15, efidisk: 0, tpmstate: 0 };
function isValidDriveName(v: string): boolean {
  const m = /^([a-z]+)(\d+)$/.exec(v);
  if (!m || String(Number(m[2])) !== m[2]) return false;
  const max = DRIVE_MAX[m[1]!];
  return max !== undefined && Number(m[2]) <= max;
}
const BOOTDEV_MAX: Record<string, number> = { net: 31, usb: 13, hostpci: 15 };

function checkIdPair(input: string): string | undefined {
  // JSONSchema.pm parse_idmap, with the storage-ID format; verify_idpair re-dies with "$@\n".
  const fail = (msg: string) => `${msg}\n`;
  let identity = false;
  let hasDefault = false;
  const sources = new Set<string>();
  for (const entry of splitList(input)) {
    if (entry === '1') {
      identity = true;
      continue;
    }
    const pair = /^([^:]+):([^:]+)$/.exec(entry);
    if (pair) {
      const err = checkStorageId(pair[1]!) ?? checkStorageId(pair[2]!);
      if (err) return fail(`entry '${entry}' contains invalid ID - ${err}\n`);
      if (sources.has(pair[1]!)) return fail(`duplicate mapping for source '${pair[1]}'\n`);
      sources.add(pair[1]!);
    } else {
      const err = checkStorageId(entry);
      if (err) return fail(`entry '${entry}' contains invalid ID - ${err}\n`);
      if (hasDefault) return fail('default target ID can only be provided once\n');
      hasDefault = true;
    }
  }
  if (identity && (hasDefault || sources.size > 0)) return fail('identity mapping cannot be combined with other mappings\n');
  return undefined;
}

function checkStartupOrder(v: string): string | undefined {
  const fail = 'unable to parse startup options\n';
  if (!perlTrue(v)) return fail;
  for (const part of v.split(',')) {
    if (/^\s*$/.test(part)) continue;
    if (!/^(?:(order=)?\d+|up=\d+|down=\d+)$/.test(part)) return fail;
  }
  return undefined;
}

function checkHotplugFeatures(v: string): string | undefined {
  if (v === '0') return undefined;
  const list = v === '1' ? 'network,disk,usb' : v;
  for (const feature of splitList(list)) {
    if (!/^(network|disk|cpu|memory|usb|cloudinit)$/.test(feature)) return `invalid hotplug feature '${feature}'\n`;
  }
  return undefined;
}

const TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone'));
const STORAGE_CONTENT = new Set(['images', 'rootdir', 'vztmpl', 'iso', 'backup', 'snippets', 'none', 'import']);
const PRIVILEGES = new Set<string>(ALL_PRIVILEGES);

const CODE_FORMATS: Record<string, CodeFormat> = {
  string: () => undefined,
  urlencoded: regexFormat("[-%a-zA-Z0-9_.!~*'()]*", (v) => `invalid urlencoded string: ${v}\n`),
  'pve-configid': regexFormat('[a-z][a-z0-9_-]+', (v) => `invalid configuration ID '${v}'\n`, 'i'),
  'pve-storage-id': checkStorageId,
  'pve-bridge-id': regexFormat('[-_.\\w\\d]+', (v) => `invalid bridge ID '${v}'\n`),
  'pve-vmid': regexFormat('[1-9][0-9]{2,8}', () => 'value does not look like a valid VM ID\n'),
  'pve-node': regexFormat('([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)', () => 'value does not look like a valid node name\n'),
  'pve-poolid': regexFormat(
    '[A-Za-z0-9.\\-_]+(?:/[A-Za-z0-9.\\-_]+){0,2}',
    (v) => `pool name '${v}' contains invalid characters\n`,
  ),
  'pve-realm': regexFormat('[A-Za-z][A-Za-z0-9.\\-_]+', () => 'value does not look like a valid realm\n'),
  'pve-priv': (v) => (PRIVILEGES.has(v) ? undefined : `invalid privilege '${v}'\n`),
  'pve-iface': regexFormat('[a-z][a-z0-9_]{1,20}([:.]\\d+)?', (v) => `invalid network interface name '${v}'\n`, 'i'),
  'mac-addr': regexFormat(
    '[a-f0-9][02468ace](?::[a-f0-9]{2}){5}',
    () => 'value does not look like a valid unicast MAC address\n',
    'i',
  ),
  ipv4: (v) => (isIpv4(v) ? undefined : 'value does not look like a valid IPv4 address\n'),
  ipv6: (v) => (isIpv6(v) ? undefined : 'value does not look like a valid IPv6 address\n'),
  ip: (v) => (isIp(v) ? undefined : 'value does not look like a valid IP address\n'),
  CIDRv4: (v) => (isCidrV4(v) ? undefined : 'value does not look like a valid IPv4 CIDR network\n'),
  CIDRv6: (v) => (isCidrV6(v) ? undefined : 'value does not look like a valid IPv6 CIDR network\n'),
  CIDR: (v) => (isCidrV4(v) || isCidrV6(v) ? undefined : 'value does not look like a valid CIDR network\n'),
  'pve-ipv4-config': (v) =>
    /^(?:dhcp|manual)(?=\n?$)/.test(v) || isCidrV4(v) ? undefined : 'value does not look like a valid ipv4 network configuration\n',
  'pve-ipv6-config': (v) =>
    /^(?:auto|dhcp|manual)(?=\n?$)/.test(v) || isCidrV6(v) ? undefined : 'value does not look like a valid ipv6 network configuration\n',
  'dns-name': (v) => (isDnsName(v) ? undefined : 'value does not look like a valid DNS name\n'),
  address: (v) => (isIp(v) || isDnsName(v) ? undefined : `value does not look like a valid address: ${v}\n`),
  'disk-size': regexFormat('(\\d+(\\.\\d+)?)([KMGT])?', (v) => `value does not look like a valid disk size: ${v}\n`),
  'pve-startup-order': checkStartupOrder,
  'pve-tag': regexFormat('[a-z0-9_][a-z0-9_\\-+.]*', () => 'invalid characters in tag\n', 'i'),
  'pve-task-status-type': regexFormat('(ok|error|warning|unknown)', (v) => `invalid status '${v}'\n`, 'i'),
  'storage-pair': checkIdPair,
  'pve-volume-id': checkVolumeId,
  'pve-volume-id-or-absolute-path': checkVolumeIdOrAbsolutePath,
  'pve-volume-id-or-qm-path': (v) => (v === 'none' || v === 'cdrom' ? undefined : checkVolumeIdOrAbsolutePath(v)),
  'pve-lxc-mp-string': (v) =>
    /\/\.\.?\//.test(v) || /\/\.\.?$/.test(v) || /^\.\.?\//.test(v) ? `${v} contains illegal character sequences\n` : undefined,
  'pve-lxc-dev-string': (v) =>
    /\/\.\.?\//.test(v) || /\/\.\.?$/.test(v) || !v.startsWith('/dev/') ? `${v} is not a valid device path\n` : undefined,
  'pve-storage-content': (v) => (STORAGE_CONTENT.has(v) ? undefined : `invalid content type '${v}'\n`),
  'pve-qm-bootdisk': (v) => (isValidDriveName(v) ? undefined : `invalid boot disk '${v}'\n`),
  'pve-qm-bootdev': (v) => {
    if (isValidDriveName(v) && !/^(efidisk|tpmstate)/.test(v)) return undefined;
    const m = /^([a-z]+)(\d+)$/.exec(v);
    const max = m ? BOOTDEV_MAX[m[1]!] : undefined;
    if (m && max !== undefined && String(Number(m[2])) === m[2] && Number(m[2]) <= max) return undefined;
    return `invalid boot device '${v}'\n`;
  },
  'pve-hotplug-features': checkHotplugFeatures,
  'lxc-ip-with-ll-iface': (v) => {
    const m = /^(fe80:[^%]+)%(.*)$/.exec(v);
    if (m && isIp(m[1]!) && !CODE_FORMATS['pve-iface']!(m[2]!)) return undefined;
    return isIp(v) ? undefined : 'value does not look like a valid IP address\n';
  },
  'pve-ct-timezone': (v) => (v === 'host' || v === 'UTC' || TIME_ZONES.has(v) ? undefined : `invalid time zone '${v}'\n`),
};

const optionalString = (format?: string) => ({ type: 'string', optional: 1, ...(format ? { format } : {}) });

const OBJECT_FORMATS: Record<string, () => PropertyStringFormat> = {
  'pve-qm-ipconfig': () => ({
    ip: optionalString('pve-ipv4-config'),
    gw: optionalString('ipv4'),
    ip6: optionalString('pve-ipv6-config'),
    gw6: optionalString('ipv6'),
  }),
  'pve-qm-boot': () => ({
    legacy: { type: 'string', optional: 1, default_key: 1, pattern: '[acdn]{1,4}', default: 'cdn' },
    order: optionalString('pve-qm-bootdev-list'),
  }),
  'pve-qm-watchdog': () => ({
    model: { type: 'string', optional: 1, default_key: 1, enum: ['i6300esb', 'ib700'], default: 'i6300esb' },
    action: { type: 'string', optional: 1, enum: ['reset', 'shutdown', 'poweroff', 'pause', 'debug', 'none'] },
  }),
  'pve-qm-rng': () => ({
    source: { type: 'string', default_key: 1, enum: ['/dev/urandom', '/dev/random', '/dev/hwrng'] },
    max_bytes: { type: 'integer', optional: 1, default: 1024 },
    period: { type: 'integer', optional: 1 },
  }),
  'pve-qm-cicustom': () => ({
    meta: optionalString('pve-volume-id'),
    network: optionalString('pve-volume-id'),
    user: optionalString('pve-volume-id'),
    vendor: optionalString('pve-volume-id'),
  }),
  // `cdrom` is ide2 with media=cdrom: the same drive property string as ide[n].
  'pve-qm-ide': () => {
    const ide = PVE_SCHEMA['POST /nodes/{node}/qemu']?.parameters.properties?.['ide[n]']?.format;
    return typeof ide === 'object' ? ide : {};
  },
};

/** Named formats the simulator accepts without checking (their validators need more of a real
 * node than a simulator has, or their grammar is not worth reproducing). */
export const UNCHECKED_FORMATS: readonly string[] = [
  'pve-cpuset',
  'pve-vm-cpu-conf',
  'pve-qm-hostpci',
  'pve-qm-smbios1',
  'pve-qemu-sev-fmt',
  'pve-qemu-tdx-fmt',
];

export const CHECKED_FORMATS: readonly string[] = [...Object.keys(CODE_FORMATS), ...Object.keys(OBJECT_FORMATS)].filter(
  (f) => f !== 'string',
);

const objectFormatCache = new Map<string, PropertyStringFormat>();

/** The registered format of that name (without a `-list`/`-opt` suffix), or undefined. */
export function lookupFormat(name: string): NamedFormat | undefined {
  if (Object.hasOwn(CODE_FORMATS, name)) return { kind: 'code', check: CODE_FORMATS[name]! };
  if (!Object.hasOwn(OBJECT_FORMATS, name)) return undefined;
  const make = OBJECT_FORMATS[name]!;
  let format = objectFormatCache.get(name);
  if (!format) {
    format = make();
    objectFormatCache.set(name, format);
  }
  return { kind: 'object', format };
}
