// Text that reaches an error message is either our own wording (trusted: never altered) or a
// piece we do not control: what the server said (JSON message, reason phrase, Location), what
// the HTTP library said, or the request path a caller chose. Only those pieces pass through
// here, each on its own, before a message is built from them. Masking a whole message instead
// would rewrite our own words wherever they contain a secret (password `root` would turn
// `root@pam` into `***@pam`), which both garbles the message and reveals the secret.
import { registerSecret } from '../util/redact.js';
import { safeText } from '../util/terminalText.js';

/** Escape sequences and control characters removed, white space collapsed; never truncated. */
function cleanLine(text: string): string {
  return safeText(text).replace(/\s+/g, ' ').trim();
}

function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let cut = text.slice(0, Math.max(0, maxLength - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1); // never half a surrogate pair
  return `${cut}…`;
}

/** One clean line: no escape sequences or control characters, white space collapsed. */
export function oneLine(text: string, maxLength = 300): string {
  return truncate(cleanLine(text), maxLength);
}

// Credential shapes that must never be shown, whatever produced the text.
const SECRET_SHAPES: RegExp[] = [
  /PVEAPIToken[= ]\S+/gi,
  /PVEAuthCookie=[^;\s]+/gi,
  /PVE:[^:\s]+:[0-9A-Fa-f]{8}::\S+/g, // a ticket
  /\b[0-9A-Fa-f]{8}:[A-Za-z0-9+/]{20,}={0,2}/g, // a CSRF prevention token
];

// The same shapes, to test a single value (no `g`: test() would keep state between calls).
const SECRET_SHAPE_TESTS = SECRET_SHAPES.map((shape) => new RegExp(shape.source, shape.flags.replace('g', '')));

const MASK = '***';

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export class SecretRedactor {
  private readonly secrets = new Set<string>();

  /** Remembers a secret (password, token secret, ticket, CSRF token) to mask from now on, and
   * registers it with the process-wide redactor (src/util/redact.ts) under `name`. */
  add(secret: string | undefined, name = 'secret'): void {
    if (secret !== undefined && secret.length >= 4) this.secrets.add(secret);
    registerSecret(name, secret);
  }

  private mask(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(MASK);
    for (const shape of SECRET_SHAPES) out = out.replace(shape, MASK);
    return out;
  }

  /**
   * A piece of untrusted text (server words, a reason phrase, a library error) as one clean
   * line with every known secret and credential shape masked. Masked before and after the
   * clean-up (a secret split by an escape sequence is whole again afterwards), and truncated
   * last (so a secret is never cut into a prefix that escapes the mask).
   * Never pass our own wording here.
   */
  line(text: string, maxLength = 300): string {
    return truncate(this.mask(cleanLine(this.mask(text))), maxLength);
  }

  /**
   * A request path for display. A secret can only be in a path as a whole segment (apiPath
   * escapes each value), so whole segments are compared, raw and %-decoded; a secret that
   * merely occurs inside a segment (password `root`, path `/access/users/root@pam`) is not
   * masked, which would reveal it. Credential shapes, and secrets that hold a `/` (a ticket's
   * base64), are masked wherever they occur.
   */
  path(path: string, maxLength = 300): string {
    let out = path;
    for (const secret of this.secrets) if (secret.includes('/')) out = out.split(secret).join(MASK);
    for (const shape of SECRET_SHAPES) out = out.replace(shape, MASK);
    const shown = out
      .split('/')
      .map((segment) => {
        if (segment === '') return segment;
        const decoded = decodeSegment(segment);
        const secret = this.secrets.has(segment) || this.secrets.has(decoded) || SECRET_SHAPE_TESTS.some((shape) => shape.test(decoded));
        return secret ? MASK : segment;
      })
      .join('/');
    return oneLine(shown, maxLength);
  }
}
