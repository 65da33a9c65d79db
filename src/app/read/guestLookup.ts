// Finding the guest a user means by `100` or `web-01`, with the messages for "not there"
// (exit 4) and "which one?" (exit 2).
import { guestKey, type GuestRow, type GuestType } from '../../db/model.js';
import { safeText } from '../../util/terminalText.js';
import { ExitCode, UserError } from '../userError.js';
import type { ReadContext } from './context.js';

const GUEST_KIND_NAMES: Record<string, GuestType | 'any'> = {
  vm: 'qemu',
  vms: 'qemu',
  qemu: 'qemu',
  ct: 'lxc',
  cts: 'lxc',
  lxc: 'lxc',
  container: 'lxc',
  guest: 'any',
  guests: 'any',
};

/** `vm`/`qemu` -> qemu, `ct`/`lxc`/`container` -> lxc, `guest` -> either. */
export function parseGuestKind(name: string, command = 'describe'): GuestType | undefined {
  const kind = GUEST_KIND_NAMES[name.toLowerCase()];
  if (kind === undefined) throw new UserError(`cannot ${command} '${name}': use vm, ct or guest (e.g. proxmox-mpc ${command} vm 100)`, ExitCode.usage);
  return kind === 'any' ? undefined : kind;
}

export function guestNoun(type: GuestType | undefined): string {
  return type === 'qemu' ? 'VM' : type === 'lxc' ? 'container' : 'guest';
}

function kindArg(type: GuestType): string {
  return type === 'qemu' ? 'vm' : 'ct';
}

function where(ctx: ReadContext): string {
  return `in the cache of profile ${ctx.profileName} (${ctx.syncedAgo()})`;
}

const label = (g: GuestRow): string => `${g.vmid} ${safeText(g.name)} on ${safeText(g.node)}`;

/** The guest `ref` (a vmid or a name) names, among guests of `type` (any type when undefined). */
export function findGuest(ctx: ReadContext, type: GuestType | undefined, ref: string, command = 'describe'): GuestRow {
  const notCached = command === 'describe' ? '; try --refresh' : '; run proxmox-mpc sync if it is new';
  const noun = guestNoun(type);
  const pid = ctx.profile.id;
  const shown = safeText(ref);
  if (/^\d+$/.test(ref)) {
    const vmid = Number(ref);
    const types: GuestType[] = type ? [type] : ['qemu', 'lxc'];
    for (const t of types) {
      const g = ctx.cache.guest(pid, guestKey(t, vmid));
      if (g) return g;
    }
    let hint = '';
    if (type) {
      const other: GuestType = type === 'qemu' ? 'lxc' : 'qemu';
      if (ctx.cache.guest(pid, guestKey(other, vmid))) hint = `; ${vmid} is a ${guestNoun(other)}: proxmox-mpc ${command} ${kindArg(other)} ${vmid}`;
    }
    throw new UserError(`no ${noun} ${vmid} ${where(ctx)}${hint || notCached}`, ExitCode.notFound);
  }

  const candidates = ctx.cache.guests(pid, type ? { type, withConfig: false } : { withConfig: false });
  let matches = candidates.filter((g) => g.name === ref);
  if (matches.length === 0) matches = candidates.filter((g) => g.name.toLowerCase() === ref.toLowerCase());
  if (matches.length === 1) return ctx.cache.guest(pid, guestKey(matches[0]!.type, matches[0]!.vmid)) ?? matches[0]!;
  if (matches.length > 1) {
    const list = matches
      .sort((a, b) => a.vmid - b.vmid)
      .map(label)
      .join(', ');
    throw new UserError(`'${shown}' names ${matches.length} ${noun}s: ${list}; use the vmid`, ExitCode.usage);
  }
  const needle = ref.toLowerCase();
  const similar = candidates
    .filter((g) => g.name.toLowerCase().includes(needle))
    .sort((a, b) => a.vmid - b.vmid)
    .slice(0, 5)
    .map((g) => `${safeText(g.name)} (${g.vmid})`);
  let hint = similar.length ? `; similar: ${similar.join(', ')}` : '';
  if (!hint && type) {
    const other: GuestType = type === 'qemu' ? 'lxc' : 'qemu';
    const g = ctx.cache.guests(pid, { type: other, withConfig: false }).find((o) => o.name.toLowerCase() === needle);
    if (g) hint = `; ${shown} is a ${guestNoun(other)}: proxmox-mpc ${command} ${kindArg(other)} ${g.vmid}`;
  }
  throw new UserError(`no ${noun} named '${shown}' ${where(ctx)}${hint || notCached}`, ExitCode.notFound);
}
