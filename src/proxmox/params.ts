// How request parameters go on the wire: PVE wants booleans as exactly 1/0 (the strings
// `true`/`false` are rejected with 400), absent parameters left out, and lists as one string.

/** A value a caller may pass; `undefined` means "leave the parameter out". */
export type ParamValue = string | number | boolean | readonly string[] | undefined;

export type Params = Readonly<Record<string, ParamValue>>;

/** Wire form of one value, or undefined when the parameter is to be left out. */
export function encodeParamValue(value: ParamValue): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`parameter value ${String(value)} is not a finite number`);
    return String(value);
  }
  if (typeof value === 'string') return value;
  // PVE list parameters (tags, delete, content filters) accept `,` between items.
  return value.join(',');
}

/** Parameters as ordered key/value string pairs (stable order: as given). */
export function encodeParams(params: Params | undefined): [string, string][] {
  const out: [string, string][] = [];
  if (!params) return out;
  for (const [key, value] of Object.entries(params)) {
    const encoded = encodeParamValue(value);
    if (encoded !== undefined) out.push([key, encoded]);
  }
  return out;
}

// RFC 3986 allows these in a path segment unescaped; UPIDs (`:` `@` `!`) stay readable.
const SEGMENT_SAFE: Record<string, string> = {
  '%3A': ':',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%26': '&',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2B': '+',
  '%2C': ',',
  '%3B': ';',
  '%3D': '=',
};

/** Escapes one path segment (a node name, a vmid, a snapshot name, a UPID). */
export function pathSegment(value: string | number): string {
  const s = String(value);
  if (s === '' || s === '.' || s === '..') throw new TypeError(`invalid path segment '${s}'`);
  return encodeURIComponent(s).replace(/%(3A|40|21|24|26|27|28|29|2A|2B|2C|3B|3D)/g, (m) => SEGMENT_SAFE[m] ?? m);
}

/** Builds `/a/b/c` from literal parts and escaped values: apiPath`/nodes/${node}/qemu`. */
export function apiPath(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += pathSegment(v) + (strings[i + 1] ?? '');
  });
  return out;
}
