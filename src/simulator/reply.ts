// Writing answers the way pveproxy does: the JSON envelope, the error message as the HTTP
// reason phrase, its cache and server headers, gzip above 1 KiB, `Connection: close` on errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { gzipSync } from 'node:zlib';

export interface Reply {
  status: number;
  /** The HTTP reason phrase (only its first line is used); defaults to the standard one. */
  reason?: string;
  /** A JSON text; absent for PVE's body-less answers (401, 501 from the HTTP layer, 595). */
  body?: string;
}

/** Only the first line, as printable bytes: a reason phrase is latin1 on the wire, so UTF-8 text
 * is passed as its bytes (which is what a Perl server writes). */
export function sanitizeReasonPhrase(text: string): string {
  const firstLine = text.split('\n')[0] ?? '';
  return Buffer.from(firstLine, 'utf8')
    .toString('latin1')
    .replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ' ')
    .trim();
}

/** `{"data":...}` with `total` when the handler set a non-zero one (PVE drops a zero total). */
export function successBody(data: unknown, total?: number): string {
  const envelope: Record<string, unknown> = { data: data === undefined ? null : data };
  if (total) envelope['total'] = total;
  return JSON.stringify(envelope);
}

/** `{"data":null,"message":...}` (plus `errors` for a parameter exception). */
export function errorBody(message: string, errors?: Record<string, string>): string {
  const envelope: Record<string, unknown> = { data: null };
  if (errors && Object.keys(errors).length > 0) envelope['errors'] = errors;
  envelope['message'] = message;
  return JSON.stringify(envelope);
}

/** A PVE exception message as the body carries it: with its final newline. */
export function withNewline(message: string): string {
  return message.endsWith('\n') ? message : `${message}\n`;
}

export function sendReply(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const now = new Date().toUTCString();
  const headers: Record<string, string | number> = {
    Expires: now,
    'Cache-Control': 'max-age=0',
    Pragma: 'no-cache',
    Server: 'pve-api-daemon/3.0',
  };
  let payload: Buffer | undefined;
  if (reply.body !== undefined) {
    payload = Buffer.from(reply.body, 'utf8');
    headers['Content-Type'] = 'application/json;charset=UTF-8';
    if (payload.length > 1024 && /gzip/.test(String(req.headers['accept-encoding'] ?? ''))) {
      payload = gzipSync(payload);
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = payload.length;
  } else {
    headers['Content-Length'] = 0;
  }
  if (reply.status >= 400) headers['Connection'] = 'close';
  const reason = sanitizeReasonPhrase(reply.reason ?? STATUS_CODES[reply.status] ?? '') || STATUS_CODES[reply.status] || 'Unknown';
  res.writeHead(reply.status, reason, headers);
  res.end(payload);
}
