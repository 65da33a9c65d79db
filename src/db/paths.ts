// Where cache files live: per profile under $XDG_CACHE_HOME, or inside a workspace.
import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** A profile name made safe as a file name (letters, digits, `.`, `_`, `-`; never empty or dot-only). */
export function cacheFileStem(profileName: string): string {
  const safe = profileName
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[.]+/, '_')
    .slice(0, 100);
  return safe === '' || /^_+$/.test(safe) ? `profile_${hashStem(profileName)}` : safe;
}

function hashStem(value: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** `$XDG_CACHE_HOME/proxmox-mpc/<profile>.db`; XDG_CACHE_HOME defaults to `~/.cache` (and is
 * ignored unless absolute, as the XDG spec says). */
export function defaultCachePath(profileName: string, env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(env.HOME ?? homedir(), '.cache');
  return join(base, 'proxmox-mpc', `${cacheFileStem(profileName)}.db`);
}

/** A workspace's own cache: `<dir>/.proxmox-mpc/cache.db`. */
export function workspaceCachePath(workspaceDir: string): string {
  return join(workspaceDir, '.proxmox-mpc', 'cache.db');
}

/** The workspace `cwd` is in: the nearest directory, walking up like git, that holds
 * `.proxmox-mpc/config.yml`. */
export function findWorkspaceDir(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, '.proxmox-mpc', 'config.yml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Inside a workspace, the workspace's own database; elsewhere the profile's cache. */
export function cachePathFor(profileName: string, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const workspace = findWorkspaceDir(cwd);
  return workspace !== undefined ? workspaceCachePath(workspace) : defaultCachePath(profileName, env);
}
