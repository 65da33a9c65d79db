// The first-run wizard `init` opens on a terminal when there is no usable connection profile:
// the endpoint, an API token (or a user whose password comes from PROXMOX_VE_PASSWORD), the
// server certificate's SHA-256 fingerprint to accept (and pin), a connection test (the same
// report as `ping`), then the profile saved as `profile add` saves it. Nothing is saved unless
// the connection test passed.
import tls from 'node:tls';
import { isIP } from 'node:net';
import { normalizeEndpoint } from '../../proxmox/endpoint.js';
import { safeText } from '../../util/terminalText.js';
import { configPath, loadConfigFile } from '../../workspace/configFile.js';
import { httpsEndpoint, parseApiToken, type ConnectionSettings } from '../../workspace/connection.js';
import type { GlobalOptions } from '../cli.js';
import { describeError } from '../reportError.js';
import { ExitCode, UserError } from '../userError.js';
import type { Prompter } from './prompt.js';

export interface PeerCertificate {
  fingerprint: string;
  subject?: string;
  issuer?: string;
  validTo?: string;
  /** True when the system's CAs trust it (a fresh PVE node's self-signed one: false). */
  trusted: boolean;
  trustError?: string;
}

/** Connects, reads the server certificate, disconnects. Sends nothing. */
export function fetchPeerCertificate(endpoint: string, timeoutMs = 10_000): Promise<PeerCertificate> {
  const url = normalizeEndpoint(endpoint);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new UserError(`no answer from ${host}:${port} within ${timeoutMs / 1000} s: check the address and port (PVE listens on 8006)`, ExitCode.connection));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      const result: PeerCertificate = { fingerprint: cert?.fingerprint256 ?? '', trusted: socket.authorized };
      if (cert?.subject?.CN) result.subject = String(cert.subject.CN);
      if (cert?.issuer?.CN) result.issuer = String(cert.issuer.CN);
      if (cert?.valid_to) result.validTo = cert.valid_to;
      if (socket.authorizationError) result.trustError = String(socket.authorizationError);
      socket.end();
      socket.destroy();
      if (!result.fingerprint) reject(new UserError(`${host}:${port} presented no TLS certificate`, ExitCode.connection));
      else resolve(result);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = error.code === 'ECONNREFUSED' ? 'connection refused' : error.code === 'ENOTFOUND' ? 'no such host' : error.message;
      reject(new UserError(`cannot reach ${host}:${port}: ${why}; check the address and port (PVE listens on 8006)`, ExitCode.connection));
    });
  });
}

export interface WizardResult {
  profile: string;
  settings: ConnectionSettings;
}

export interface WizardDeps {
  env: NodeJS.ProcessEnv;
  /** Tests the connection; resolves to the text to show, rejects on failure. */
  test: (settings: ConnectionSettings) => Promise<string>;
  /** Saves the profile (as `profile add`). */
  save: (name: string, opts: GlobalOptions & { default?: boolean }) => void;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export async function runFirstRunWizard(p: Prompter, opts: GlobalOptions, deps: WizardDeps): Promise<WizardResult> {
  const { env } = deps;
  p.write('No connection profile yet: let us make one (Ctrl-C cancels; nothing is saved until the connection works).\n');
  const existing = Object.keys(loadConfigFile(configPath(env)).config.profiles);
  let name = '';
  while (!NAME.test(name)) {
    name = await p.ask('Profile name', opts.profile ?? (existing.includes('default') ? undefined : 'default'));
    if (!NAME.test(name)) p.write('Use letters, digits, "-", "_" and "." (e.g. home).\n');
    else if (existing.includes(name) && !(await p.confirm(`Profile '${name}' exists. Replace it?`))) name = '';
  }

  let endpoint = '';
  while (endpoint === '') {
    const raw = await p.ask('Proxmox VE address (https://HOST:8006)', opts.endpoint ?? env.PROXMOX_VE_ENDPOINT);
    try {
      // a bare host gets PVE's port; a URL is taken as written (a proxy on 443)
      const url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`);
      if (!/^[a-z]+:\/\//i.test(raw) && url.port === '') url.port = '8006';
      endpoint = httpsEndpoint(url.toString());
    } catch (error) {
      p.write(`${describeError(error)}\n`);
      endpoint = '';
    }
  }

  let token: string | undefined;
  let username: string | undefined;
  let password: string | undefined;
  if (env.PROXMOX_VE_API_TOKEN && (await p.confirm('Use the API token in PROXMOX_VE_API_TOKEN?', true))) {
    token = env.PROXMOX_VE_API_TOKEN;
  }
  while (token === undefined && username === undefined) {
    const answer = (await p.askSecret('API token USER@REALM!TOKENID=SECRET (empty: log in as a user instead)')).trim();
    if (answer !== '') {
      try {
        parseApiToken(answer, 'the token');
        token = answer;
      } catch (error) {
        p.write(`${describeError(error)}\n`);
      }
      continue;
    }
    const user = await p.ask('User (USER@REALM)', env.PROXMOX_VE_USERNAME ?? 'root@pam');
    if (!/^[^@\s]+@[^@\s]+$/.test(user)) {
      p.write('A user needs a realm: USER@REALM, e.g. root@pam.\n');
      continue;
    }
    if (!env.PROXMOX_VE_PASSWORD) {
      p.write('The password is never stored: set PROXMOX_VE_PASSWORD in the environment and run proxmox-mpc init again, or use an API token.\n');
      throw new UserError('no password: set PROXMOX_VE_PASSWORD (it is read when connecting, never saved), or give an API token', ExitCode.usage);
    }
    username = user;
    password = env.PROXMOX_VE_PASSWORD;
  }

  const cert = await fetchPeerCertificate(endpoint);
  p.write(
    [
      `The server at ${endpoint} presents this certificate:`,
      ...(cert.subject ? [`  subject   ${safeText(cert.subject)}`] : []),
      ...(cert.issuer ? [`  issuer    ${safeText(cert.issuer)}`] : []),
      ...(cert.validTo ? [`  valid to  ${safeText(cert.validTo)}`] : []),
      `  SHA-256   ${cert.fingerprint}`,
      cert.trusted
        ? '  It is signed by a CA this system trusts.'
        : `  It is not signed by a CA this system trusts (${safeText(cert.trustError ?? 'untrusted')}), as on a fresh PVE node.`,
      '  Compare it with the node\'s: pvenode cert info (or the web UI, Node > System > Certificates).',
      '',
    ].join('\n'),
  );
  if (!(await p.confirm('Accept this certificate and pin its fingerprint?'))) {
    throw new UserError('certificate not accepted: nothing was saved', ExitCode.refused);
  }

  const auth: ConnectionSettings['auth'] = token
    ? { kind: 'token', ...parseApiToken(token, 'the token') }
    : { kind: 'password', username: username!, password: password! };
  const settings: ConnectionSettings = { profile: name, endpoint, auth, insecure: false, fingerprint: cert.fingerprint };
  p.write('Testing the connection...\n');
  let report: string;
  try {
    report = await deps.test(settings);
  } catch (error) {
    throw new UserError(`the connection test failed: ${describeError(error)}; nothing was saved`, ExitCode.connection);
  }
  p.write(report);
  const save: GlobalOptions & { default?: boolean } = {
    output: opts.output,
    endpoint,
    fingerprint: cert.fingerprint,
    ...(token ? { token } : { username: username! }),
  };
  if (existing.length === 0) save.default = true;
  deps.save(name, save);
  return { profile: name, settings };
}
