// The few Perl semantics PVE's parameter handling depends on, reproduced so that the
// simulator accepts and rejects exactly what pve-common's JSONSchema.pm and pve-http-server do.

/** Compiles a schema `pattern` (Perl syntax) into a regex that behaves like PVE's
 * `$value =~ m/^$pattern$/`: not wrapped in a group (so a top-level `a|b` binds like Perl's),
 * and `$` also matching before a final newline. */
export function compilePerlPattern(pattern: string): RegExp {
  const js = pattern
    .replace(/\(\?\^:/g, '(?:') // Perl's `(?^:...)` (default flags) group
    .replace(/\{,(\d+)\}/g, '{0,$1}'); // Perl >= 5.34 reads `{,n}` as `{0,n}`
  return new RegExp(`^${js}(?=\\n?$)`);
}

/** Perl's `m/^...$/`-style full match for our own regex sources (with the final-newline quirk). */
export function perlFullMatch(source: string, value: string, flags = ''): boolean {
  return new RegExp(`^(?:${source})(?=\\n?$)`, flags).test(value);
}

/** JSONSchema.pm is_integer. */
export function isPerlInteger(value: string): boolean {
  return perlFullMatch('[+-]?\\d+', value);
}

/** JSONSchema.pm is_number. */
export function isPerlNumber(value: string): boolean {
  return perlFullMatch('[+-]?(\\d+\\.\\d+|\\d+\\.|\\.\\d+|\\d+)([eE][+-]?\\d+)?', value);
}

/** JSONSchema.pm parse_boolean (used inside property strings, not for top-level params). */
export function parsePerlBoolean(value: string): 0 | 1 | undefined {
  if (/^(1|on|yes|true)$/i.test(value)) return 1;
  if (/^(0|off|no|false)$/i.test(value)) return 0;
  return undefined;
}

/** PVE::Tools::split_list: NUL-separated if it has a NUL, else split on `,`, `;` and white space. */
export function splitList(text: string): string[] {
  if (text.includes('\0')) return perlSplit(text, /\0/);
  return perlSplit(text.replace(/[,;]/g, ' ').replace(/^\s+/, ''), /\s+/);
}

/** Perl truthiness of a scalar: undef, '' and '0' are false. */
export function perlTrue(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0';
}

/** `length()` of a decoded Perl string counts code points, not UTF-16 units. */
export function perlLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** Perl's `split(/sep/, $s)`: fields, with trailing empty fields removed. */
export function perlSplit(value: string, separator: RegExp): string[] {
  const parts = value.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** `s/%([0-9a-fA-F][0-9a-fA-F])/chr(hex($1))/eg` over a byte string: malformed escapes stay. */
export function percentDecodeBytes(bytes: string): string {
  return bytes.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Bytes (one char per byte) -> text, decoding UTF-8 leniently like Encode::decode('utf8'). */
export function utf8FromBytes(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Sets an own property even for keys like `__proto__` (request parameters are untrusted). */
export function setOwn<T>(target: Record<string, T>, key: string, value: NoInfer<T>): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
