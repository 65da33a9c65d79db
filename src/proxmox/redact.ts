// Text that reaches an error message comes from the network (untrusted: may carry escape
// sequences) or from our own request (may carry a secret). Both pass through here.

const ANSI_CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;
const ANSI_OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;
// C0, DEL and C1 control characters (newlines included: messages are one line).
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

/** One clean line: no escape sequences or control characters, white space collapsed. */
export function oneLine(text: string, maxLength = 300): string {
  const cleaned = text.replace(ANSI_OSC, ' ').replace(ANSI_CSI, ' ').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength - 1)}…` : cleaned;
}

// Credential shapes that must never be shown, whatever produced the text.
const SECRET_SHAPES: RegExp[] = [
  /PVEAPIToken[= ]\S+/gi,
  /PVEAuthCookie=[^;\s]+/gi,
  /PVE:[^:\s]+:[0-9A-Fa-f]{8}::\S+/g, // a ticket
  /\b[0-9A-Fa-f]{8}:[A-Za-z0-9+/]{20,}={0,2}/g, // a CSRF prevention token
];

export class SecretRedactor {
  private readonly secrets = new Set<string>();

  /** Remembers a secret (password, token secret, ticket, CSRF token) to mask from now on. */
  add(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    for (const shape of SECRET_SHAPES) out = out.replace(shape, '***');
    return out;
  }

  /** Redacted and flattened to one clean line. */
  line(text: string, maxLength?: number): string {
    return oneLine(this.redact(text), maxLength);
  }
}
