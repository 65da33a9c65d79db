// The process-wide redactor: every secret this process learns (a vault value, a token secret, a
// password, a ticket, a CSRF token) is registered here under a name the moment it is known, and
// any text on its way to the user, a log, the history or a report goes through redact(), which
// replaces each registered value with `***<name>***` and masks credential shapes (an API token
// `USER@REALM!TOKENID=<uuid>`, `PVEAPIToken=...`, a ticket, a CSRF token) it was never told about.
//
// One registry per JavaScript realm: the sync worker (worker_threads) has its own, filled by the
// same calls in the API client it runs.

/** Values shorter than this are not registered: masking `abc` everywhere would garble text and
 * still reveal the value by where the masks fall. PVE token secrets are UUIDs; tickets are long. */
export const MIN_SECRET_LENGTH = 4;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

// name by value; a value registered twice keeps its first (most specific) name.
const secrets = new Map<string, string>();
// What is searched for: each secret and the forms it takes once escaped, with its name. Longest
// first, so that a secret containing another is masked whole.
let ordered: Array<[string, string]> = [];

const hex4 = (c: string, upper: boolean): string => {
  const h = c.charCodeAt(0).toString(16).padStart(4, '0');
  return `\\u${upper ? h.toUpperCase() : h}`;
};

/**
 * The forms `value` takes once another program quotes it, besides itself: inside a JSON (or YAML
 * double-quoted) string (`pa"ss\word` -> `pa\"ss\\word`; ansible and terraform print JSON),
 * the same with non-ASCII as `\uXXXX` (Python's json.dumps), with `<`, `>`, `&` as `\u003c`...
 * (Go's encoding/json: terraform -json), with `/` as `\/`, and
 * shell-quoted (`'` -> `'\''` in single quotes; `"`, `\`, `$`, backquote escaped in double
 * quotes). A secret of plain characters (a UUID) has no other form: the redactor's cost per line
 * grows only with secrets that do.
 */
export function escapedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const ascii = (upper: boolean) => json.replace(/[^\x00-\x7f]/g, (c) => hex4(c, upper));
  const forms = new Set([
    json,
    ascii(false),
    ascii(true),
    json.replace(/[<>&\u2028\u2029]/g, (c) => hex4(c, false)),
    json.replaceAll('/', '\\/'),
    ascii(false).replaceAll('/', '\\/'),
    value.replaceAll("'", "'\\''"),
    value.replaceAll("'", `'"'"'`),
    value.replace(/["\\$`]/g, (c) => `\\${c}`),
    value.replaceAll("'", "''"), // YAML single-quoted, SQL
  ]);
  forms.delete(value);
  return [...forms];
}

// Credential shapes masked even when their value was never registered.
const SHAPES: Array<[RegExp, string]> = [
  [/PVEAPIToken[= ][^\s"']+/gi, 'token'],
  [/PVEAuthCookie=[^;\s"']+/gi, 'ticket'],
  [/PVE:[^:\s]+:[0-9A-Fa-f]{8}::[^\s"']+/g, 'ticket'],
  [/\b[0-9A-Fa-f]{8}:[A-Za-z0-9+/]{20,}={0,2}/g, 'csrf-token'],
  // USER@REALM!TOKENID=SECRET: the id stays readable, the secret goes. A `$vault.` reference is
  // not a secret (it starts with `$`, which the secret part cannot).
  // PVE token secrets are UUIDs; only those are masked here, so that examples (`=SECRET`) stay.
  [/([A-Za-z0-9._-]+@[A-Za-z0-9._-]+![A-Za-z0-9._-]+=)[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\b/g, 'token-secret'],
];

/**
 * Remembers `value` as a secret called `name` (`home`, `token-secret`, `password`, `ticket`,
 * `csrf-token`): from now on redact() shows it as `***<name>***`. Undefined, empty and very
 * short values, and `$vault.<name>` references, are ignored.
 */
export function registerSecret(name: string, value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  // A `$vault.<name>` reference is where a secret is, not a secret: it stays readable.
  if (/^\$vault\.[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value)) return;
  const shown = NAME.test(name) ? name : 'secret';
  secrets.set(value, shown);
  const known = new Set(ordered.map(([v]) => v));
  const added: Array<[string, string]> = [value, ...escapedForms(value)].filter((v) => !known.has(v)).map((v) => [v, shown]);
  ordered = [...ordered, ...added].sort((a, b) => b[0].length - a[0].length);
}

/** Whether `value` is a registered secret. */
export function isRegisteredSecret(value: string): boolean {
  return secrets.has(value);
}

/** Forgets every registered secret (tests; a process that locks its vault again). */
export function clearSecrets(): void {
  secrets.clear();
  ordered = [];
}

/** `text` with every registered secret replaced by `***<name>***` and credential shapes masked. */
export function redact(text: string): string {
  let out = text;
  for (const [value, name] of ordered) if (out.includes(value)) out = out.split(value).join(`***${name}***`);
  for (const [shape, name] of SHAPES) {
    shape.lastIndex = 0;
    out = out.replace(shape, (match: string, prefix?: string) => (typeof prefix === 'string' && name === 'token-secret' ? `${prefix}***${name}***` : `***${name}***`));
  }
  return out;
}

/** A deep copy of a JSON-like value with every string redacted (keys kept), for logs and reports. */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactValue(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactValue(v);
    return out as T;
  }
  return value;
}
