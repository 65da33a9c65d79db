// UPIDs identify PVE tasks: UPID:node:PID:PSTART:STARTTIME:type:id:user:
// (pve-common PVE/UPID.pm: pid and starttime are 8 upper-case hex digits, pstart 8 or 9;
// type, id and user hold no `:`, `/` or white space; id may be empty; user may carry a token
// id after `!`; a trailing colon ends it.)
import { splitTokenId } from './principal.js';

export interface Upid {
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
  tokenid?: string;
}

const UPID_RE =
  /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

export function isUpid(value: unknown): value is string {
  return typeof value === 'string' && UPID_RE.test(value);
}

export function parseUpid(value: string): Upid {
  const m = UPID_RE.exec(value);
  if (!m) throw new Error(`not a valid UPID: ${value}`);
  const [user, tokenid] = splitToken(m[8]!);
  const upid: Upid = {
    node: m[1]!,
    pid: parseInt(m[3]!, 16),
    pstart: parseInt(m[4]!, 16),
    starttime: parseInt(m[5]!, 16),
    type: m[6]!,
    id: m[7]!,
    user,
  };
  if (tokenid !== undefined) upid.tokenid = tokenid;
  return upid;
}

/** The UPID string PVE would print for these fields; throws if PVE could not have printed it. */
export function formatUpid(u: Upid): string {
  const user = u.tokenid !== undefined ? `${u.user}!${u.tokenid}` : u.user;
  const text = `UPID:${u.node}:${hex(u.pid)}:${hex(u.pstart)}:${hex(u.starttime)}:${u.type}:${u.id}:${user}:`;
  if (!UPID_RE.test(text)) throw new Error(`these task fields do not make a valid UPID: ${text}`);
  return text;
}

function hex(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) return 'invalid';
  return n.toString(16).toUpperCase().padStart(8, '0');
}

/** pve-access-control split_tokenid only splits a user field that is a token id (principal.ts). */
function splitToken(userField: string): [string, string | undefined] {
  const token = splitTokenId(userField);
  return token ? [token.userid, token.tokenName] : [userField, undefined];
}
