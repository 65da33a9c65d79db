// The anonymiser's rules as data: what each kind of value looks like (one regex source per
// family, combined into a single alternation by the engine), which values stay as they are,
// and what a pseudonym of each kind looks like.
//
// Reversibility rests on one property: every pseudonym is itself matched by its own rule. The
// anonymiser therefore replaces every value of a kind, including one that merely looks like a
// pseudonym, and de-anonymisation can scan the output with the same rules and restore each
// match found in the mapping. Kept values (loopback, well-known public domains, `null`) are
// never in a pseudonym's shape, so they cannot be confused with one.

export const KINDS = [
  'private-key',
  'ticket',
  'token-secret',
  'ssh-key',
  'email',
  'hostname',
  'mac',
  'ipv6',
  'ipv4',
  'csrf',
  'secret',
  'node',
  'guest',
] as const;
export type Kind = (typeof KINDS)[number];

/** Kinds whose originals are credentials (left out of the mapping file with --drop-secrets). */
export const SECRET_KINDS: ReadonlySet<Kind> = new Set<Kind>(['private-key', 'ticket', 'token-secret', 'csrf', 'secret']);

// Top-level domains a dotted name must end in to count as a host name. Deliberately not every
// TLD: those that are also common file extensions (.sh .py .pl .md .rs .so .ps .cc .zip .mov
// .run .link .network .in) are left out, so `backup.sh`, `10-eth0.network` or `notes.md` stay.
// Names under another suffix are caught with a configured domain (--domain).
const TLDS = [
  'com', 'net', 'org', 'edu', 'gov', 'mil', 'int', 'info', 'biz', 'name', 'pro', 'io', 'dev', 'app',
  'cloud', 'tech', 'online', 'site', 'xyz', 'me', 'co', 'ai', 'eu', 'arpa',
  // private use and special use (RFC 6761, RFC 8375, ICANN's .internal)
  'lan', 'home', 'local', 'internal', 'intranet', 'intra', 'corp', 'private', 'localdomain', 'test',
  'example', 'invalid',
  // country codes without a clash with file extensions
  'de', 'fr', 'uk', 'nl', 'be', 'ch', 'at', 'es', 'it', 'se', 'no', 'dk', 'fi', 'cz', 'sk', 'hu',
  'ro', 'bg', 'gr', 'pt', 'ie', 'lu', 'li', 'ru', 'ua', 'lt', 'lv', 'ee', 'si', 'hr', 'jp', 'cn',
  'kr', 'tw', 'hk', 'sg', 'au', 'nz', 'ca', 'us', 'br', 'ar', 'mx', 'za',
];

/** Public names that identify nobody: kept so that a diagnostic still says where packages came from. */
export const KEPT_DOMAINS = [
  'proxmox.com', 'debian.org', 'ubuntu.com', 'github.com', 'githubusercontent.com', 'terraform.io',
  'hashicorp.com', 'ansible.com', 'galaxy.ansible.com', 'example.com', 'example.net', 'example.org',
  'letsencrypt.org', 'npmjs.org', 'pypi.org', 'ceph.io', 'ceph.com',
];

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = `(?:${OCTET}\\.){3}${OCTET}`;
const H = '[0-9A-Fa-f]{1,4}';
// The usual forms of an IPv6 address (full, and compressed with `::`), longest first so that
// the alternation does not stop at a prefix; with an IPv4 tail (::ffff:10.0.0.1) too.
const IPV6 = [
  `(?:${H}:){6}${IPV4}`,
  `(?:${H}:){1,5}:${IPV4}`,
  `::(?:[Ff]{4}:)?${IPV4}`,
  `(?:${H}:){7}${H}`,
  `(?:${H}:){1,6}:${H}`,
  `(?:${H}:){1,5}(?::${H}){1,2}`,
  `(?:${H}:){1,4}(?::${H}){1,3}`,
  `(?:${H}:){1,3}(?::${H}){1,4}`,
  `(?:${H}:){1,2}(?::${H}){1,5}`,
  `${H}:(?::${H}){1,6}`,
  `(?:${H}:){1,7}:`,
  `:(?::${H}){1,7}`,
].join('|');
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
// A key whose value is a credential: the key ends in one of these words.
export const SECRET_KEY = /(?:password|passwd|passphrase|secret|token|pwd)$/i;

/** SECRET_KEY.test(key), after a look at the last letter (it runs on every key of a document). */
export function isSecretKey(key: string): boolean {
  const c = key.charCodeAt(key.length - 1) | 0x20;
  // passwor(d) passw(d) p(w)d passphras(e) secre(t) toke(n)
  return (c === 100 || c === 101 || c === 116 || c === 110) && SECRET_KEY.test(key);
}

interface Trie {
  end: boolean;
  next: Map<string, Trie>;
}

/**
 * A list of literal words as a trie-shaped pattern (`pve(?:1|2)|web-0(?:1|2)`): with thousands of
 * guest names, a flat alternation is tried name by name at every word, a trie one character
 * at a time. Longer words are tried first, so the whole-word check after it can backtrack.
 */
export function trieSource(words: readonly string[]): string {
  const root: Trie = { end: false, next: new Map() };
  for (const w of words) {
    let node = root;
    for (const c of w) {
      let child = node.next.get(c);
      if (!child) node.next.set(c, (child = { end: false, next: new Map() }));
      node = child;
    }
    node.end = true;
  }
  const emit = (node: Trie): string => {
    const branches = [...node.next].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, child]) => escapeRegex(c) + emit(child));
    if (branches.length === 0) return '';
    const body = branches.length === 1 ? branches[0]! : `(?:${branches.join('|')})`;
    return node.end ? `(?:${body})?` : body;
  };
  return emit(root);
}

/** A case-insensitive literal without the `i` flag (the names rule is case-sensitive). */
function caseless(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escapeRegex(c))).join('');
}

const SECRET_KEY_SOURCE = `[A-Za-z0-9_.-]*(?:${['password', 'passwd', 'passphrase', 'secret', 'token', 'pwd'].map(caseless).join('|')})`;

/** The credential key right before a separator, wholly inside `text` (which ends there). */
export const KEY_BEFORE_SEPARATOR = new RegExp(`(?<![\\w-])["']?${SECRET_KEY_SOURCE}["']?[ \\t]*$`);

export interface RuleOptions {
  /** Node names: replaced wherever they stand as a whole word (`node-001`). */
  nodeNames?: readonly string[];
  /** Guest names: replaced wherever they stand as a whole word (`guest-0001`). */
  guestNames?: readonly string[];
  /** DNS suffixes whose names are host names even without a known TLD (`corp.acme`). */
  domains?: readonly string[];
}

/** A name the names rule can take: letters, digits, `-`, `_` and `.`, starting and ending with a
 * letter or digit, not all digits (a VMID is no name), at least 2 characters. */
export function usableName(name: string): boolean {
  return /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name) && name.length >= 2 && !/^\d+$/.test(name);
}

/** The node and guest names the names rule takes. */
export function ruleNames(options: RuleOptions): string[] {
  return [...new Set([...(options.nodeNames ?? []), ...(options.guestNames ?? [])].filter(usableName))];
}

/** Whether `text` is one word of ASCII letters, digits and `_`. In such a text no rule but the
 * names can match: every other family needs one of `-.@:=!` (the trigger, the credential
 * separator), and a name must be the whole word (nothing around it may be a word character). */
export function isPlainWord(text: string, start = 0, end = text.length): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) return false;
  }
  return true;
}

/**
 * The single combined pattern: one alternative per family, in priority order (at one
 * position, the first alternative that matches wins, so a ticket or a token is taken whole
 * before its pieces could look like a CSRF token or an e-mail address). Named groups tell the
 * engine which family matched.
 */
// Look-arounds only ever ask whether a neighbour is a word character (or a dot or separator
// followed by one), never whether it is a digit or a hex digit: a neighbour may be replaced
// by a pseudonym that starts or ends differently (a0:... becomes 02:...), and the anonymised
// text must be scanned into exactly the same matches as the original.
export function combinedSource(options: RuleOptions = {}): string {
  const names = ruleNames(options);
  const domains = [...new Set((options.domains ?? []).map((d) => d.replace(/^\.+|\.+$/g, '')).filter((d) => /^[A-Za-z0-9.-]+$/.test(d)))].map(caseless);
  const hostTail = `(?:${TLDS.map(caseless).join('|')})`;
  const hostname = [`(?:${LABEL}\\.)+${hostTail}`, ...(domains.length ? [`(?:${LABEL}\\.)*(?:${domains.join('|')})`] : [])].join('|');
  const parts = [
    // SSH/TLS private key: header, the body (replaced), footer.
    `(?<pkh>-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----)(?<pkl>(?:\\s|\\\\[nr])+)(?<pkb>[\\s\\S]{1,65536}?)(?=(?:\\s|\\\\[nr])+-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----)`,
    // PVE ticket: PVE:user@realm:HEXTIME::signature
    `(?<![\\w])(?<tk>PVE(?:VNC)?:[^\\s:"'\\\\]+:[0-9A-Fa-f]{8}::[A-Za-z0-9+/]+={0,2})`,
    // API token: user@realm!tokenid=secret (the secret is replaced). The user starts with a
    // letter or digit: a `-` or `.` before it stays outside, as the end of a neighbour may
    // differ between the original and its pseudonym (`a0::-root@pam!x=...`: `2001:db8::1-root...`).
    `(?<![\\w@])(?<tti>[A-Za-z0-9_][A-Za-z0-9._-]*@[A-Za-z0-9._-]+![A-Za-z0-9._-]+=)(?<tts>[^\\s"'\`,;&<>]+)`,
    // SSH public key: algorithm, then the base64 blob (replaced); plain or %-encoded as in PVE configs.
    `(?<![\\w-])(?<ska>(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\\.com)(?: |%20))(?<skb>AAAA(?:[A-Za-z0-9+/]|%2[BbFf])+(?:=|%3[Dd]){0,3})`,
    `(?<![\\w.%+-])(?<em>[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:${LABEL}\\.)+[A-Za-z]{2,63})(?![\\w-]|\\.[A-Za-z0-9])`,
    `(?<![\\w.-])(?<hn>${hostname})(?![\\w-]|\\.[A-Za-z0-9])`,
    `(?<![\\w:-])(?<mac>[0-9A-Fa-f]{2}(?<ms>[:-])[0-9A-Fa-f]{2}(?:\\k<ms>[0-9A-Fa-f]{2}){4})(?![\\w]|[:-]\\w)`,
    `(?<![\\w:.])(?<ip6>${IPV6})(?![\\w:]|\\.\\w)`,
    `(?<![\\w.])(?<ip4>${IPV4})(?![\\w]|\\.\\w)`,
    `(?<![\\w+/:])(?<csrf>[0-9A-Fa-f]{8}:[A-Za-z0-9+/]{24,100})(?![\\w+/])`,
  ];
  const namesPart = `(?<![\\w-])(?<nm>${[...(names.length ? [trieSource(names)] : []), 'node-\\d{3,}', 'guest-\\d{4,}'].join('|')})(?![\\w-])`;
  // Speed: every family starts at a word boundary, and every family but the names needs one of
  // a few characters (. @ : = !) in its first word, or a fixed start. Checking that once, before
  // trying the alternatives, lets the scan skip ordinary words at the cost of one short look.
  const trigger = `(?=-----BEGIN |ssh-|ecdsa-|sk-|[0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}-|[\\w.%+-]*[.@:=!])`;
  // key=value / key: value / "key": "value" where the key names a credential: matched from the
  // separator (few positions: looked for first, as the look-behind costs at every position),
  // the key checked behind it; the value is replaced.
  const credential = `(?=[:=])(?<kvk>(?<=(?<![\\w-])["']?${SECRET_KEY_SOURCE}["']?[ \\t]*)[:=][ \\t]*)(?:"(?<kvd>(?:[^"\\\\\\n]|\\\\.)+)"|'(?<kvs>[^'\\n]+)'|(?<kvb>[^\\s"'\`,;&{}\\[\\]]+))`;
  return `(?<![\\w])(?:${trigger}(?:${parts.join('|')})|${namesPart})|${credential}`;
}

/** Values of a credential key that are no credential: left as they are. */
export function keptSecretValue(value: string): boolean {
  return /^(?:null|nil|none|true|false|undefined|\*+|\*{3}[^*]*\*{3}|\$vault\.[\w.-]+|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*)$/i.test(value);
}

export function keptHostname(name: string): boolean {
  const lower = name.toLowerCase();
  return KEPT_DOMAINS.some((d) => lower === d || lower.endsWith(`.${d}`)) || lower === 'localhost.localdomain';
}

/** Loopback, 0.0.0.0 and netmasks (255.x) carry no identity and stay. */
export function keptIpv4(ip: string): boolean {
  return KEPT_IPV4.test(ip);
}
const KEPT_IPV4 = /^(?:127\.|255\.|0\.0\.0\.0$)/;

export function privateIpv4(ip: string): boolean {
  const dot = ip.indexOf('.');
  const a = Number(ip.slice(0, dot));
  const b = Number(ip.slice(dot + 1, ip.indexOf('.', dot + 1)));
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254);
}

export function keptIpv6(ip: string): boolean {
  return ip === '::' || ip === '::1';
}

/** The pseudonym family (its own counter) and the n-th pseudonym of a kind, for one original. */
export interface PseudonymFamily {
  family: string;
  make(n: number): string;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const hex = (n: number) => n.toString(16);

function ipv6Tail(n: number): string {
  return n > 0xffff ? `${hex(Math.floor(n / 0x10000))}:${hex(n % 0x10000)}` : hex(n);
}

// TEST-NET-1..3 (RFC 5737) first, then the benchmarking range 198.18.0.0/15 (RFC 2544).
function publicIpv4(n: number): string {
  const nets = ['192.0.2', '198.51.100', '203.0.113'];
  if (n <= 3 * 254) {
    const i = n - 1;
    return `${nets[Math.floor(i / 254)]}.${(i % 254) + 1}`;
  }
  const i = n - 3 * 254 - 1;
  const third = Math.floor(i / 254);
  return `198.${18 + Math.floor(third / 256)}.${third % 256}.${(i % 254) + 1}`;
}

function privateIpv4Pseudonym(n: number): string {
  const i = n - 1;
  const third = Math.floor(i / 254);
  return `10.${77 + Math.floor(third / 256)}.${third % 256}.${(i % 254) + 1}`;
}

function base64Of(text: string): string {
  return Buffer.from(text).toString('base64');
}

const macFamily = (sep: string, upper: boolean): PseudonymFamily => ({
  family: 'mac',
  make: (n) => {
    const h = n.toString(16).padStart(8, '0');
    const mac = ['02', '00', h.slice(0, 2), h.slice(2, 4), h.slice(4, 6), h.slice(6, 8)].join(sep);
    return upper ? mac.toUpperCase() : mac;
  },
});

// One object per family (a new value is pseudonymised many thousand times in a large file).
const FAMILIES = {
  ipv4Private: { family: 'ipv4-private', make: privateIpv4Pseudonym },
  ipv4Public: { family: 'ipv4-public', make: publicIpv4 },
  ipv6LinkLocal: { family: 'ipv6-link-local', make: (n: number) => `fe80::77:${ipv6Tail(n)}` },
  ipv6Ula: { family: 'ipv6-ula', make: (n: number) => `fd77::${ipv6Tail(n)}` },
  ipv6Global: { family: 'ipv6-global', make: (n: number) => `2001:db8::${ipv6Tail(n)}` },
  macColon: macFamily(':', false),
  macColonUpper: macFamily(':', true),
  macDash: macFamily('-', false),
  macDashUpper: macFamily('-', true),
  email: { family: 'email', make: (n: number) => `user${n}@example.invalid` },
  hostname: { family: 'hostname', make: (n: number) => `host-${pad(n, 4)}.example.invalid` },
  domain: { family: 'domain', make: (n: number) => `domain-${pad(n, 4)}.invalid` },
  tokenSecret: { family: 'token-secret', make: (n: number) => `00000000-0000-4000-8000-${hex(n).padStart(12, '0')}` },
  ticket: { family: 'ticket', make: (n: number) => `PVE:anon@pve:${hex(n).padStart(8, '0').toUpperCase()}::${base64Of(`pseudonymised-ticket-${pad(n, 6)}`)}` },
  vncTicket: { family: 'ticket', make: (n: number) => `PVEVNC:anon@pve:${hex(n).padStart(8, '0').toUpperCase()}::${base64Of(`pseudonymised-ticket-${pad(n, 6)}`)}` },
  csrf: { family: 'csrf', make: (n: number) => `${hex(n).padStart(8, '0').toUpperCase()}:PseudonymisedCsrfToken${pad(n, 21)}` },
  secret: { family: 'secret', make: (n: number) => `secret-${pad(n, 4)}` },
  sshKey: { family: 'ssh-key', make: (n: number) => `AAAAPseudonymisedSshKey${pad(n, 6)}` },
  privateKey: { family: 'private-key', make: (n: number) => `PSEUDONYMISED-PRIVATE-KEY-${pad(n, 4)}` },
  node: { family: 'node', make: (n: number) => `node-${pad(n, 3)}` },
  guest: { family: 'guest', make: (n: number) => `guest-${pad(n, 4)}` },
} satisfies Record<string, PseudonymFamily>;

/** How a value of `kind` is pseudonymised. `original` picks the family (private or public
 * address, the ticket prefix, the MAC separator). */
export function familyFor(kind: Kind, original: string): PseudonymFamily {
  switch (kind) {
    case 'ipv4':
      return privateIpv4(original) ? FAMILIES.ipv4Private : FAMILIES.ipv4Public;
    case 'ipv6': {
      const lower = original.toLowerCase();
      if (/^fe[89ab]/.test(lower)) return FAMILIES.ipv6LinkLocal;
      if (/^f[cd]/.test(lower)) return FAMILIES.ipv6Ula;
      return FAMILIES.ipv6Global;
    }
    case 'mac': {
      const upper = /[A-F]/.test(original) && !/[a-f]/.test(original);
      if (original[2] === '-') return upper ? FAMILIES.macDashUpper : FAMILIES.macDash;
      return upper ? FAMILIES.macColonUpper : FAMILIES.macColon;
    }
    case 'email':
      return FAMILIES.email;
    case 'hostname': {
      const first = original.indexOf('.');
      return original.indexOf('.', first + 1) >= 0 ? FAMILIES.hostname : FAMILIES.domain;
    }
    case 'token-secret':
      return FAMILIES.tokenSecret;
    case 'ticket':
      return original.startsWith('PVEVNC:') ? FAMILIES.vncTicket : FAMILIES.ticket;
    case 'csrf':
      return FAMILIES.csrf;
    case 'secret':
      return FAMILIES.secret;
    case 'ssh-key':
      return FAMILIES.sshKey;
    case 'private-key':
      return FAMILIES.privateKey;
    case 'node':
      return FAMILIES.node;
    case 'guest':
      return FAMILIES.guest;
  }
}

export interface CompiledRules {
  regex: RegExp;
  /** Capture group number of each named group (the regex itself uses numbered groups). */
  group: Record<string, number>;
}

/**
 * The combined pattern with its named groups turned into numbered ones: V8 builds a groups
 * object for every match of a pattern with named groups, which made the scan several times
 * slower than the matching itself.
 */
export function compileRules(options: RuleOptions = {}): CompiledRules {
  const source = combinedSource(options);
  const group: Record<string, number> = {};
  let n = 0;
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const k = /^\\k<([a-z0-9]+)>/.exec(source.slice(i, i + 20));
      if (k) {
        out += `\\${group[k[1]!]}`;
        i += k[0].length - 1;
      } else {
        out += source.slice(i, i + 2);
        i += 1;
      }
      continue;
    }
    if (c === '[') {
      // A character class: copied as it is (a `(` inside it is no group).
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      while (source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '(') {
      const named = /^\(\?<([a-z0-9]+)>/.exec(source.slice(i, i + 20));
      if (named) {
        group[named[1]!] = ++n;
        out += '(';
        i += named[0].length - 1;
        continue;
      }
      if (source[i + 1] !== '?') n++;
    }
    out += c;
  }
  return { regex: new RegExp(out, 'g'), group };
}
