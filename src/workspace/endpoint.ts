import { UserError } from '../app/userError.js';

const DEFAULT_PORT = '8006';

/** Accepts what users type (`pve`, `pve:8006`, `https://pve:8006/`, `.../api2/json`) and
 * returns the base URL `https://host:port` the client appends `/api2/json/...` to. */
export function normalizeEndpoint(input: string): string {
  const raw = input.trim();
  if (raw === '') throw new UserError('the endpoint is empty: give the Proxmox VE address, e.g. https://pve.example.com:8006');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UserError(`malformed endpoint URL '${raw}': expected something like https://pve.example.com:8006`);
  }
  if (url.protocol !== 'https:') {
    throw new UserError(`endpoint '${raw}' uses ${url.protocol.replace(':', '')}: Proxmox VE serves its API over https only`);
  }
  if (!url.hostname) throw new UserError(`malformed endpoint URL '${raw}': it has no host name`);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api2\/json$/, '');
  if (path !== '') {
    throw new UserError(`endpoint '${raw}' has an unexpected path '${url.pathname}': give only https://host:port`);
  }
  return `https://${url.hostname}:${url.port || DEFAULT_PORT}`;
}
