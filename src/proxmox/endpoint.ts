// What users type as a PVE address -> the API base URL, and the address to save and show.
// Kept free of the HTTP stack (got), so that code that only resolves settings (profile
// resolution in every read command) loads none of it; http.ts re-exports these.
import { ProxmoxError } from './errors.js';

/** `pve.example`, `pve.example:8006`, `https://pve.example:8006/` or the full API URL -> the API base URL. */
export function normalizeEndpoint(endpoint: string): URL {
  const trimmed = endpoint.trim();
  if (trimmed === '') throw new ProxmoxError('parameter', 'the PVE endpoint is empty; give an address like https://pve.example:8006');
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  let url: URL;
  try {
    url = new URL(hasScheme ? trimmed : `https://${trimmed}`);
  } catch {
    throw new ProxmoxError('parameter', `'${trimmed}' is not a valid PVE address; give one like https://pve.example:8006`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ProxmoxError('parameter', `unsupported scheme ${url.protocol} in '${trimmed}'; use https://`);
  }
  if (!hasScheme && url.port === '') url.port = '8006';
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/api2/json') ? path : `${path}/api2/json`;
  return url;
}

/** The address a user sees and saves: the normalised endpoint without `/api2/json`. */
export function endpointBase(endpoint: string): string {
  return normalizeEndpoint(endpoint).href.replace(/\/api2\/json$/, '');
}

export function hostLabel(url: URL): string {
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  return `${url.hostname}:${port}`;
}
