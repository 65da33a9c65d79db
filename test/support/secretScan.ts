// A scanner for secrets left behind: every file under some directories and every captured output,
// searched for a secret as bytes in the forms it could leak in: raw, URL-encoded, base64 and
// base64url (at any alignment inside a longer base64 text, e.g. a Basic header or a JSON blob).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The encodings of `secret` to look for; each one a substring every encoding of a text holding
 * the secret contains. */
export function secretForms(secret: string): Array<{ form: string; needle: string }> {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Map<string, string>([
    [secret, 'raw'],
    [encodeURIComponent(secret), 'url-encoded'],
    [encodeURIComponent(secret).replace(/%20/g, '+'), 'form-encoded'],
  ]);
  // base64 of a secret that starts at byte offset k (mod 3) of a longer text: the characters of the
  // groups wholly inside the secret are the same whatever comes before or after it.
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    for (const encoding of ['base64', 'base64url'] as const) {
      // A base64 character is 6 bits: those wholly inside the secret's bits are fixed by it.
      const needle = padded.toString(encoding).slice(Math.ceil((shift * 8) / 6), Math.floor(((shift + bytes.length) * 8) / 6));
      if (needle.length >= 8) forms.set(needle, `${encoding}@${shift}`);
    }
  }
  return [...forms].map(([needle, form]) => ({ form, needle }));
}

export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

export interface SecretHit {
  /** A file path, or the label of an output. */
  where: string;
  secret: string;
  form: string;
}

/** Every place one of `secrets` (name -> value) occurs in a file under `dirs` (but `except`) or in
 * one of `outputs` (label -> text). The hit names the secret, never shows it. */
export function scanForSecrets(options: {
  secrets: Record<string, string>;
  dirs?: string[];
  except?: string[];
  outputs?: Array<[label: string, text: string]>;
}): SecretHit[] {
  const hits: SecretHit[] = [];
  const needles = Object.entries(options.secrets).flatMap(([name, value]) => secretForms(value).map((f) => ({ name, ...f, bytes: Buffer.from(f.needle) })));
  const except = new Set(options.except ?? []);
  for (const dir of options.dirs ?? []) {
    for (const file of filesUnder(dir)) {
      if (except.has(file)) continue;
      const content = readFileSync(file);
      for (const n of needles) if (content.includes(n.bytes)) hits.push({ where: file, secret: n.name, form: n.form });
    }
  }
  for (const [label, text] of options.outputs ?? []) {
    for (const n of needles) if (text.includes(n.needle)) hits.push({ where: label, secret: n.name, form: n.form });
  }
  return hits;
}
