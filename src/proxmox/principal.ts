// Who a request runs as, in PVE's own grammar (pve-access-control PVE/Auth/Plugin.pm
// $user_regex and $realm_regex, PVE/AccessControl.pm $token_subid_regex = $realm_regex):
//   user id   USER@REALM            e.g. root@pam, auditor@pve
//   token id  USER@REALM!TOKENNAME  e.g. root@pam!mpc
// USER holds no white space, `:` or `/`; REALM and TOKENNAME start with a letter and are at
// least two characters of letters, digits, `.`, `-` and `_`. The one definition for the client,
// UPID parsing and the simulator.

const USER = String.raw`[^\s:/]+`;
const REALM = String.raw`[A-Za-z][A-Za-z0-9.\-_]+`;

/** `USER@REALM!TOKENNAME`; groups: 1 user id (USER@REALM), 2 user, 3 realm, 4 token name. */
export const TOKEN_ID_RE = new RegExp(`^((${USER})@(${REALM}))!(${REALM})$`);

export interface TokenIdParts {
  /** `root@pam` */
  userid: string;
  /** `mpc` */
  tokenName: string;
}

/** `USER@REALM!TOKENNAME`, e.g. `root@pam!mpc`. */
export function isApiTokenId(value: string): boolean {
  return TOKEN_ID_RE.test(value);
}

/** `root@pam!mpc` -> { userid: 'root@pam', tokenName: 'mpc' }; undefined if not a token id. */
export function splitTokenId(value: string): TokenIdParts | undefined {
  const m = TOKEN_ID_RE.exec(value);
  return m ? { userid: m[1]!, tokenName: m[4]! } : undefined;
}
