// The narrow interface endpoint groups use to reach the API (implemented by ProxmoxClient).
import { ProxmoxError } from './errors.js';
import type { Envelope, HttpMethod } from './http.js';
import type { Params } from './params.js';
import { oneLine } from './redact.js';
import { isUpid } from './upid.js';

export interface CallOptions {
  /** Cancels the request (kind 'cancelled'). */
  signal?: AbortSignal;
  /** Overrides the response timeout for this request. */
  responseTimeoutMs?: number;
}

export interface ApiCaller {
  call(method: HttpMethod, path: string, params?: Params, options?: CallOptions): Promise<Envelope>;
}

export function callOptions(options: CallOptions | undefined): CallOptions {
  const out: CallOptions = {};
  if (options?.signal) out.signal = options.signal;
  if (options?.responseTimeoutMs !== undefined) out.responseTimeoutMs = options.responseTimeoutMs;
  return out;
}

/** An async action's answer: the UPID of the task it started. */
export function expectUpid(data: unknown, method: HttpMethod, path: string): string {
  if (isUpid(data)) return data;
  const shown = oneLine(typeof data === 'string' ? `'${data}'` : (JSON.stringify(data) ?? String(data)), 80);
  throw new ProxmoxError('protocol', `${method} ${path} should answer with a task id (UPID) but sent ${shown}; is the server a PVE node?`, {
    method,
    path,
  });
}

/** For actions PVE runs as a task on some versions and synchronously on others. */
export function upidOrNull(data: unknown, method: HttpMethod, path: string): string | null {
  return data === null || data === undefined || data === '' ? null : expectUpid(data, method, path);
}
