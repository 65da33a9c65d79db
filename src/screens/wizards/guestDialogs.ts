// The console's dialogs for acting on guests, as wizard definitions (engine.ts): snapshot
// (create, rollback, delete), clone, migrate, convert to template, edit basics, tags, delete.
// Each reads its facts live when it opens (operations/guestFacts.ts, the same reads as the
// CLI's), checks every field as typed with the operations layer's own checks, and builds the
// operations layer's plans; the review says what will happen, to whom, and what could be lost.
// Confirmation by risk (none, y/N, the guest's name) follows the review, in the input router.
import { planClone, type CloneFacts, type CloneRequest } from '../../operations/clone.js';
import { commonRefusal, dnsNameProblem, newVmidProblem } from '../../operations/common.js';
import { nextTags, parseMemoryMiB, planConfig, tagProblem, type ConfigChanges } from '../../operations/config.js';
import { planDelete, type DeleteFacts } from '../../operations/destroy.js';
import { cloneFacts, defaultFullClone, deleteFacts, liveConfig, liveSnapshots, migrateFacts, snapshotNames, type LiveConfig } from '../../operations/guestFacts.js';
import { planMigrate, type MigrateFacts } from '../../operations/migrate.js';
import { isRefusal, liveTarget } from '../../operations/power.js';
import { planSnapshot, snapshotNameProblem, type ExistingSnapshot, type SnapshotAction } from '../../operations/snapshots.js';
import { planTemplate } from '../../operations/template.js';
import { guestLabel, type GuestTarget, type OperationPlan, type Refusal } from '../../operations/types.js';
import type { ProxmoxClient } from '../../proxmox/client.js';
import { safeText } from '../../util/terminalText.js';
import { str } from './createFields.js';
import type { ChoiceOption, WizardDef, WizardValues } from './engine.js';

export const GUEST_DIALOG_IDS = ['guest-snapshot', 'guest-clone', 'guest-migrate', 'guest-template', 'guest-edit', 'guest-tags', 'guest-delete'] as const;
export type GuestDialogId = (typeof GUEST_DIALOG_IDS)[number];
export const isGuestDialogId = (id: string): id is GuestDialogId => (GUEST_DIALOG_IDS as readonly string[]).includes(id);

/** What a dialog works with: the guests (as PVE reports them now), the facts it read for
 * them, and read-only mode. */
export interface GuestContext<F = unknown> {
  targets: readonly GuestTarget[];
  facts: F;
  readOnly: boolean;
}

export interface GuestDialog<F> {
  id: GuestDialogId;
  def: WizardDef<GuestContext<F>>;
  /** The menu's words for it. */
  label: string;
  /** It acts on several marked guests at once (else on one). */
  batch: boolean;
  /** Why it is refused for this guest right away, from what the console knows (read-only
   * mode, a lock, a running guest for delete or template); undefined: it opens. */
  precheck(t: GuestTarget, readOnly: boolean): Refusal | undefined;
  /** Whether the menu offers it for this guest (a template has no snapshots...). */
  offered(t: GuestTarget): boolean;
  load(client: ProxmoxClient, targets: readonly GuestTarget[]): Promise<F>;
  plan(values: WizardValues, ctx: GuestContext<F>, target: GuestTarget, index: number): OperationPlan | Refusal;
  /** The field a refusal is about, so that Enter cannot go on with it. */
  fieldOf?(r: Refusal, values: WizardValues, ctx: GuestContext<F>): string | undefined;
  /** The same from the command line. */
  command(values: WizardValues, ctx: GuestContext<F>): string;
}

// ------------------------------------------------------------------ shared pieces

const kindOf = (t: GuestTarget): string => (t.type === 'qemu' ? 'vm' : 'ct');
const refsOf = (ctx: GuestContext): string => ctx.targets.map((t) => `${kindOf(t)} ${t.vmid}`).join(' ');
const quote = (text: string): string => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);
const toggle = (v: WizardValues, id: string): boolean => v[id] === true;
/** A whole number typed, else NaN. */
const whole = (text: string): number => (/^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN);
/** Tags typed, separated by spaces, commas or semicolons. */
export const tagList = (text: string): string[] => text.split(/[\s,;]+/).filter((t) => t !== '');
const tagsProblem = (text: string): string | undefined => tagList(text).map(tagProblem).find((p) => p !== undefined);

/** Each guest's plan or refusal. */
export function dialogPlans<F>(dialog: GuestDialog<F>, values: WizardValues, ctx: GuestContext<F>): { plans: OperationPlan[]; refusals: Refusal[] } {
  const plans: OperationPlan[] = [];
  const refusals: Refusal[] = [];
  ctx.targets.forEach((t, i) => {
    const p = dialog.plan(values, ctx, t, i);
    if (isRefusal(p)) refusals.push(p);
    else plans.push(p);
  });
  return { plans, refusals };
}

/** The lines a review shows: each plan with its risk and what could be lost, each guest left
 * out and why. */
export function planLines(plans: readonly OperationPlan[], refusals: readonly Refusal[]): string[] {
  const lines: string[] = [];
  for (const p of plans) {
    lines.push(`${p.risk.toUpperCase()}: ${safeText(p.summary)}.`);
    if (p.loss) lines.push(`  Could be lost: ${safeText(p.loss)}.`);
  }
  for (const r of refusals) lines.push(`Left out: ${safeText(r.message)}.`);
  if (plans.length === 0) lines.push('Nothing to do: Esc goes back.');
  return lines;
}

/** The definition with the parts every dialog shares: a refusal of every guest held against
 * the field it is about, and the review from the plans. */
function dialogDef<F>(dialog: Omit<GuestDialog<F>, 'def'>, def: Pick<WizardDef<GuestContext<F>>, 'title' | 'steps' | 'submitLabel' | 'fieldOfPath'>): GuestDialog<F> {
  const full: GuestDialog<F> = {
    ...dialog,
    def: {
      id: dialog.id,
      ...def,
      problems: (values, ctx) => {
        const { plans, refusals } = dialogPlans(full, values, ctx);
        const first = refusals[0];
        if (plans.length > 0 || first === undefined) return {};
        const field = full.fieldOf?.(first, values, ctx);
        return field === undefined ? {} : { [field]: safeText(first.message) };
      },
      review: (values, ctx) => {
        const { plans, refusals } = dialogPlans(full, values, ctx);
        return { lines: planLines(plans, refusals), command: safeText(full.command(values, ctx)) };
      },
    },
  };
  return full;
}

/** Read-only mode and locks: what every dialog is refused for first. */
const common = (action: string) => (t: GuestTarget, readOnly: boolean) => commonRefusal(action, t, { readOnly });

// ------------------------------------------------------------------ snapshot

const snapshotAction = (v: WizardValues): SnapshotAction => (str(v, 'action') || 'create') as SnapshotAction;
const snapshotName = (v: WizardValues): string => (snapshotAction(v) === 'create' ? str(v, 'name') : str(v, 'snapshot'));

function when(snaptime: number | undefined): string {
  return snaptime === undefined ? '' : new Date(snaptime * 1000).toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
}

export const snapshotDialog = dialogDef<ExistingSnapshot[][]>(
  {
    id: 'guest-snapshot',
    label: 'snapshot: take, roll back or delete one',
    batch: true,
    precheck: (t, readOnly) => common('snapshot')(t, readOnly),
    offered: (t) => !t.template,
    load: (client, targets) => Promise.all(targets.map((t) => liveSnapshots(client, t))),
    plan: (v, ctx, t, i) => {
      const action = snapshotAction(v);
      const description = str(v, 'description').trim();
      return planSnapshot(
        action,
        t,
        { name: snapshotName(v), ...(action === 'create' && description ? { description } : {}), ...(action === 'create' && toggle(v, 'vmstate') && t.type === 'qemu' ? { vmstate: true } : {}), ...(action === 'rollback' && toggle(v, 'start') ? { start: true } : {}) },
        ctx.facts[i] ?? [],
        { readOnly: ctx.readOnly },
      );
    },
    fieldOf: (_r, v) => (snapshotAction(v) === 'create' ? 'name' : 'snapshot'),
    command: (v, ctx) => {
      const action = snapshotAction(v);
      const description = str(v, 'description').trim();
      const flags = [
        ...(action === 'create' && description ? [`--description ${quote(description)}`] : []),
        ...(action === 'create' && toggle(v, 'vmstate') ? ['--vmstate'] : []),
        ...(action === 'rollback' && toggle(v, 'start') ? ['--start'] : []),
      ];
      return ctx.targets.map((t) => [`proxmox-mpc snapshot ${action} ${kindOf(t)} ${t.vmid} ${quote(snapshotName(v))}`, ...flags].join(' ')).join('; ');
    },
  },
  {
    title: 'Snapshot',
    submitLabel: 'go ahead',
    fieldOfPath: (path) => (path === 'snapname' ? 'name' : path),
    steps: [
      {
        id: 'snapshot',
        title: 'Snapshot',
        fields: [
          {
            id: 'action',
            kind: 'choice',
            label: 'Action',
            options: (_v, ctx) => [
              { value: 'create', label: 'take a snapshot', detail: 'low risk' },
              // Rollback and delete choose among one guest's snapshots.
              ...(ctx.targets.length === 1 && (ctx.facts[0]?.length ?? 0) > 0
                ? [
                    { value: 'rollback', label: 'roll back to a snapshot', detail: 'high risk: what changed since is lost' },
                    { value: 'delete', label: 'delete a snapshot', detail: 'high risk' },
                  ]
                : []),
            ],
          },
          {
            id: 'name',
            kind: 'text',
            label: 'Name',
            help: '2 to 40 letters, digits, - and _, starting with a letter',
            visible: (v) => snapshotAction(v) === 'create',
            default: '',
            validate: (value, _v, ctx) => snapshotNameProblem(value) ?? ctx.targets.map((t, i) => ((ctx.facts[i] ?? []).some((s) => s.name === value) ? `${guestLabel(t)} already has a snapshot '${value}': choose another name` : undefined)).find((p) => p !== undefined),
          },
          { id: 'description', kind: 'text', label: 'Description', help: 'optional', visible: (v) => snapshotAction(v) === 'create', default: '' },
          {
            id: 'vmstate',
            kind: 'toggle',
            label: 'Save the RAM too',
            help: 'a running VM resumes where it was on rollback',
            visible: (v, ctx) => snapshotAction(v) === 'create' && ctx.targets.some((t) => t.type === 'qemu' && t.status === 'running'),
            default: false,
          },
          {
            id: 'snapshot',
            kind: 'choice',
            label: 'Snapshot',
            visible: (v) => snapshotAction(v) !== 'create',
            options: (_v, ctx) =>
              [...(ctx.facts[0] ?? [])]
                .sort((a, b) => (b.snaptime ?? 0) - (a.snaptime ?? 0))
                .map((s): ChoiceOption => ({ value: s.name, label: safeText(s.name), detail: [when(s.snaptime), s.vmstate ? 'with RAM' : ''].filter(Boolean).join(', ') })),
            empty: 'the guest has no snapshot',
          },
          { id: 'start', kind: 'toggle', label: 'Start it afterwards', visible: (v) => snapshotAction(v) === 'rollback', default: false },
        ],
      },
    ],
  },
);

// ------------------------------------------------------------------ clone

interface CloneContextFacts {
  clone: CloneFacts;
  nextid: number;
}

const cloneRequest = (v: WizardValues, ctx: GuestContext<CloneContextFacts>): CloneRequest => {
  const source = ctx.targets[0]!;
  const name = str(v, 'name').trim();
  const full = source.template ? toggle(v, 'full') : true;
  const storage = str(v, 'storage');
  const node = str(v, 'targetNode');
  const snapname = str(v, 'snapname');
  return {
    newid: whole(str(v, 'newid')),
    full,
    ...(name ? { name } : {}),
    ...(node && node !== source.node ? { targetNode: node } : {}),
    ...(full && storage ? { storage } : {}),
    ...(snapname ? { snapname } : {}),
    ...(toggle(v, 'start') ? { start: true } : {}),
  };
};

export const cloneDialog = dialogDef<CloneContextFacts>(
  {
    id: 'guest-clone',
    label: 'clone',
    batch: false,
    precheck: (t, readOnly) => common('clone')(t, readOnly),
    offered: () => true,
    load: async (client, targets) => {
      const [clone, nextid] = await Promise.all([cloneFacts(client, targets[0]!), client.nextId()]);
      return { clone, nextid };
    },
    plan: (v, ctx, t) => planClone(t, cloneRequest(v, ctx), ctx.facts.clone, { readOnly: ctx.readOnly }),
    fieldOf: (r) => (/snapshot/.test(r.message) ? 'snapname' : /vmid/.test(r.message) ? 'newid' : /name/.test(r.message) && !/node/.test(r.message) ? 'name' : /linked|template/.test(r.message) && !/storage '/.test(r.message) ? 'full' : /storage/.test(r.message) && !/local storage/.test(r.message) ? 'storage' : 'targetNode'),
    command: (v, ctx) => {
      const t = ctx.targets[0]!;
      const r = cloneRequest(v, ctx);
      return [
        `proxmox-mpc clone ${kindOf(t)} ${t.vmid}`,
        `--newid ${Number.isNaN(r.newid) ? str(v, 'newid') : r.newid}`,
        ...(r.name ? [`--name ${quote(r.name)}`] : []),
        r.full ? '--full' : '--linked',
        ...(r.targetNode ? [`--target-node ${quote(r.targetNode)}`] : []),
        ...(r.storage ? [`--storage ${quote(r.storage)}`] : []),
        ...(r.snapname ? [`--snapname ${quote(r.snapname)}`] : []),
        ...(r.start ? ['--start'] : []),
      ].join(' ');
    },
  },
  {
    title: 'Clone',
    submitLabel: 'clone',
    fieldOfPath: (path) => (path === 'hostname' ? 'name' : path === 'target' ? 'targetNode' : path),
    steps: [
      {
        id: 'clone',
        title: 'The new guest',
        fields: [
          {
            id: 'name',
            kind: 'text',
            label: 'Name',
            help: 'a DNS name (empty: PVE names it)',
            default: (_v, ctx) => `${ctx.targets[0]!.name || 'guest'}-clone`.slice(0, 63),
            validate: (value, _v, ctx) => (value.trim() === '' ? undefined : dnsNameProblem(value.trim(), ctx.targets[0]!.type === 'qemu' ? 'name' : 'hostname')),
          },
          {
            id: 'newid',
            kind: 'number',
            label: 'VMID',
            help: 'the next free one is proposed',
            default: (_v, ctx) => String(ctx.facts.nextid),
            validate: (value, _v, ctx) => {
              const n = whole(value);
              return Number.isNaN(n) ? `'${value}' is not a vmid: a whole number, e.g. ${ctx.facts.nextid} (the next free one)` : newVmidProblem(n, ctx.facts.clone.usedVmids);
            },
          },
          {
            id: 'full',
            kind: 'toggle',
            label: 'Full copy',
            help: 'no: a linked clone of the template (fast, shares its disks)',
            visible: (_v, ctx) => ctx.targets[0]!.template,
            default: (_v, ctx) => defaultFullClone(ctx.targets[0]!, ctx.facts.clone),
          },
          {
            id: 'targetNode',
            kind: 'choice',
            label: 'Node',
            options: (_v, ctx) =>
              ctx.facts.clone.nodes
                .filter((n) => n.online)
                .map((n) => ({ value: n.name, label: safeText(n.name), ...(n.name === ctx.targets[0]!.node ? { detail: "the source's node" } : {}) })),
            default: (_v, ctx) => ctx.targets[0]!.node,
            empty: 'no node is online',
          },
          {
            id: 'storage',
            kind: 'choice',
            label: 'Storage',
            visible: (v, ctx) => !ctx.targets[0]!.template || toggle(v, 'full'),
            options: (_v, ctx) => {
              const content = ctx.targets[0]!.type === 'qemu' ? 'images' : 'rootdir';
              return [
                { value: '', label: 'as the source', detail: "each disk stays on its source's storage" },
                ...(ctx.facts.clone.storages ?? []).filter((s) => s.content.includes(content)).map((s) => ({ value: s.id, label: safeText(s.id), detail: s.shared ? 'shared' : 'local' })),
              ];
            },
          },
          {
            id: 'snapname',
            kind: 'choice',
            label: 'As of',
            visible: (_v, ctx) => (ctx.facts.clone.snapshots ?? []).length > 0,
            options: (_v, ctx) => [{ value: '', label: 'now', detail: 'the current state' }, ...(ctx.facts.clone.snapshots ?? []).map((n) => ({ value: n, label: safeText(n), detail: 'a snapshot' }))],
          },
          { id: 'start', kind: 'toggle', label: 'Start it once made', default: false },
        ],
      },
    ],
  },
);

// ------------------------------------------------------------------ migrate

export const migrateDialog = dialogDef<MigrateFacts[]>(
  {
    id: 'guest-migrate',
    label: 'migrate to another node',
    batch: true,
    precheck: (t, readOnly) => common('migrate')(t, readOnly),
    offered: () => true,
    load: (client, targets) => migrateFacts(client, targets),
    plan: (v, ctx, t, i) =>
      planMigrate(t, { targetNode: str(v, 'targetNode'), ...(toggle(v, 'online') ? { online: true } : {}), ...(toggle(v, 'withLocalDisks') ? { withLocalDisks: true } : {}), ...(toggle(v, 'restart') ? { restart: true } : {}) }, ctx.facts[i]!, {
        readOnly: ctx.readOnly,
      }),
    fieldOf: (r) => (/--online/.test(r.message) ? 'online' : /--with-local-disks/.test(r.message) ? 'withLocalDisks' : /--restart/.test(r.message) ? 'restart' : 'targetNode'),
    command: (v, ctx) =>
      [`proxmox-mpc migrate ${refsOf(ctx)} --to ${quote(str(v, 'targetNode'))}`, ...(toggle(v, 'online') ? ['--online'] : []), ...(toggle(v, 'withLocalDisks') ? ['--with-local-disks'] : []), ...(toggle(v, 'restart') ? ['--restart'] : [])].join(' '),
  },
  {
    title: 'Migrate',
    submitLabel: 'migrate',
    fieldOfPath: (path) => (path === 'target' ? 'targetNode' : path),
    steps: [
      {
        id: 'migrate',
        title: 'Where to',
        fields: [
          {
            id: 'targetNode',
            kind: 'choice',
            label: 'Node',
            // The online nodes but the one every guest is on already.
            options: (_v, ctx) =>
              (ctx.facts[0]?.nodes ?? [])
                .filter((n) => n.online && !ctx.targets.every((t) => t.node === n.name))
                .map((n) => ({ value: n.name, label: safeText(n.name) })),
            empty: 'no other node is online to move to',
          },
          {
            id: 'online',
            kind: 'toggle',
            label: 'Live, while it runs',
            help: 'running VMs move without stopping (a brief pause at the switch-over)',
            visible: (_v, ctx) => ctx.targets.some((t) => t.type === 'qemu' && t.status !== 'stopped'),
            default: true,
          },
          {
            id: 'withLocalDisks',
            kind: 'toggle',
            label: 'With local disks',
            help: 'copy disks on storage the nodes do not share',
            visible: (_v, ctx) => ctx.targets.some((t, i) => t.type === 'qemu' && (ctx.facts[i]?.localVolumes.length ?? 0) > 0),
            default: true,
          },
          {
            id: 'restart',
            kind: 'toggle',
            label: 'Restart running containers',
            help: 'shut down, moved, started again (containers cannot move live)',
            visible: (_v, ctx) => ctx.targets.some((t) => t.type === 'lxc' && t.status !== 'stopped'),
            default: false,
          },
        ],
      },
    ],
  },
);

// ------------------------------------------------------------------ template

export const templateDialog = dialogDef<string[][]>(
  {
    id: 'guest-template',
    label: 'convert to a template',
    batch: false,
    precheck: (t, readOnly) => {
      // Everything planTemplate can tell without the snapshots (read-only, a lock, running).
      const p = planTemplate(t, { readOnly });
      return isRefusal(p) ? p : undefined;
    },
    offered: (t) => !t.template,
    load: (client, targets) => Promise.all(targets.map((t) => snapshotNames(client, t))),
    plan: (_v, ctx, t, i) => planTemplate(t, { readOnly: ctx.readOnly }, { snapshots: ctx.facts[i] ?? [] }),
    command: (_v, ctx) => `proxmox-mpc template ${refsOf(ctx)}`,
  },
  { title: 'Convert to template', submitLabel: 'convert', steps: [] },
);

// ------------------------------------------------------------------ edit basics

const MIN_MEMORY_MIB = 16;

function memoryProblem(text: string): string | undefined {
  const mib = parseMemoryMiB(text);
  if (mib === undefined) return `'${text}' is not a size: MiB, or with a unit: 2048, 2G, 512M`;
  return mib < MIN_MEMORY_MIB ? `${mib} MiB is too little: at least ${MIN_MEMORY_MIB} MiB` : undefined;
}

const editChanges = (v: WizardValues): ConfigChanges => ({
  cores: whole(str(v, 'cores')),
  memory: parseMemoryMiB(str(v, 'memory')) ?? Number.NaN,
  onboot: toggle(v, 'onboot'),
  description: str(v, 'description'),
});

const current = (ctx: GuestContext<LiveConfig[]>, key: string): string => String(ctx.facts[0]?.current[key] ?? '');

export const editDialog = dialogDef<LiveConfig[]>(
  {
    id: 'guest-edit',
    label: 'edit: cores, memory, on-boot, description',
    batch: false,
    precheck: (t, readOnly) => common('set')(t, readOnly),
    offered: () => true,
    load: (client, targets) => Promise.all(targets.map((t) => liveConfig(client, t))),
    plan: (v, ctx, t, i) => {
      const live = ctx.facts[i]!;
      // Only what the user changed: a value left as it was is not sent.
      const all = editChanges(v);
      const changes: ConfigChanges = {};
      if (str(v, 'cores') !== current(ctx, 'cores')) changes.cores = all.cores!;
      if (str(v, 'memory') !== current(ctx, 'memory')) changes.memory = all.memory!;
      if ((live.current.onboot === 1) !== all.onboot) changes.onboot = all.onboot!;
      if (all.description !== current(ctx, 'description')) changes.description = all.description!;
      return planConfig(t, changes, live.current, { readOnly: ctx.readOnly, ...(live.digest ? { digest: live.digest } : {}) }, 'set');
    },
    fieldOf: (r) => (r.reason === 'not-applicable' ? 'cores' : undefined),
    command: (v, ctx) => {
      const t = ctx.targets[0]!;
      const c = editChanges(v);
      const flags: string[] = [];
      if (str(v, 'cores') !== current(ctx, 'cores')) flags.push(`--cores ${str(v, 'cores')}`);
      if (str(v, 'memory') !== current(ctx, 'memory')) flags.push(`--memory ${quote(str(v, 'memory'))}`);
      if ((ctx.facts[0]?.current.onboot === 1) !== c.onboot) flags.push(`--onboot ${c.onboot ? 'yes' : 'no'}`);
      if (c.description !== current(ctx, 'description')) flags.push(`--description ${quote(c.description ?? '')}`);
      return `proxmox-mpc set ${kindOf(t)} ${t.vmid}${flags.length ? ` ${flags.join(' ')}` : ''}`;
    },
  },
  {
    title: 'Edit',
    submitLabel: 'apply',
    steps: [
      {
        id: 'basics',
        title: 'Basics',
        fields: [
          {
            id: 'cores',
            kind: 'number',
            label: 'CPU cores',
            default: (_v, ctx) => current(ctx, 'cores') || '1',
            validate: (value) => (Number.isNaN(whole(value)) || whole(value) < 1 ? `'${value}' cores: a whole number from 1, e.g. 2` : undefined),
          },
          { id: 'memory', kind: 'text', label: 'Memory', help: 'MiB, or with a unit: 2048, 2G', default: (_v, ctx) => current(ctx, 'memory') || '512', validate: memoryProblem },
          { id: 'onboot', kind: 'toggle', label: 'Start at boot', default: (_v, ctx) => ctx.facts[0]?.current.onboot === 1 },
          { id: 'description', kind: 'text', label: 'Description', default: (_v, ctx) => current(ctx, 'description') },
        ],
      },
    ],
  },
);

// ------------------------------------------------------------------ tags

export const tagsDialog = dialogDef<LiveConfig[]>(
  {
    id: 'guest-tags',
    label: 'tags: add or remove',
    batch: true,
    precheck: (t, readOnly) => common('tags')(t, readOnly),
    offered: () => true,
    load: (client, targets) => Promise.all(targets.map((t) => liveConfig(client, t))),
    plan: (v, ctx, t, i) => {
      const live = ctx.facts[i]!;
      const tags = nextTags(live.tags, tagList(str(v, 'add')), tagList(str(v, 'remove')));
      return planConfig(t, { tags }, live.current, { readOnly: ctx.readOnly, ...(live.digest ? { digest: live.digest } : {}) }, 'tags');
    },
    fieldOf: (r) => (r.reason === 'not-applicable' ? 'add' : undefined),
    command: (v, ctx) => {
      const parts: string[] = [];
      for (const t of ctx.targets) {
        if (tagList(str(v, 'add')).length) parts.push(`proxmox-mpc tag add ${kindOf(t)} ${t.vmid} ${tagList(str(v, 'add')).join(' ')}`);
        if (tagList(str(v, 'remove')).length) parts.push(`proxmox-mpc tag rm ${kindOf(t)} ${t.vmid} ${tagList(str(v, 'remove')).join(' ')}`);
      }
      return parts.join('; ');
    },
  },
  {
    title: 'Tags',
    submitLabel: 'apply',
    steps: [
      {
        id: 'tags',
        title: 'Add or remove',
        fields: [
          {
            id: 'add',
            kind: 'text',
            label: 'Add',
            help: 'separated by spaces or commas, e.g. web prod',
            default: '',
            validate: tagsProblem,
          },
          {
            id: 'remove',
            kind: 'text',
            label: 'Remove',
            default: '',
            validate: tagsProblem,
          },
        ],
      },
    ],
  },
);

// ------------------------------------------------------------------ delete

export const deleteDialog = dialogDef<DeleteFacts[]>(
  {
    id: 'guest-delete',
    label: 'delete for good',
    batch: true,
    precheck: (t, readOnly) => {
      // Everything planDelete can tell before the config is read (read-only, a lock, running).
      const p = planDelete(t, {}, { volumes: [], protection: false }, { readOnly });
      return isRefusal(p) ? p : undefined;
    },
    offered: () => true,
    load: (client, targets) => Promise.all(targets.map((t) => deleteFacts(client, t))),
    plan: (v, ctx, t, i) => planDelete(t, { ...(toggle(v, 'purge') ? { purge: true } : {}), ...(toggle(v, 'destroyUnreferenced') ? { destroyUnreferenced: true } : {}) }, ctx.facts[i]!, { readOnly: ctx.readOnly }),
    command: (v, ctx) => [`proxmox-mpc delete ${refsOf(ctx)}`, ...(toggle(v, 'purge') ? ['--purge'] : []), ...(toggle(v, 'destroyUnreferenced') ? ['--destroy-unreferenced-disks'] : [])].join(' '),
  },
  {
    title: 'Delete',
    submitLabel: 'go on to confirm',
    fieldOfPath: (path) => (path === 'destroy-unreferenced-disks' ? 'destroyUnreferenced' : path),
    steps: [
      {
        id: 'delete',
        title: 'What goes with it',
        fields: [
          { id: 'purge', kind: 'toggle', label: 'Purge', help: 'also remove it from backup jobs, replication and HA', default: true },
          { id: 'destroyUnreferenced', kind: 'toggle', label: 'Destroy unreferenced disks', help: 'also destroy volumes of its vmid that its config does not name', default: false },
        ],
      },
    ],
  },
);

// ------------------------------------------------------------------ the registry

export const GUEST_DIALOGS: Readonly<Record<GuestDialogId, GuestDialog<unknown>>> = {
  'guest-snapshot': snapshotDialog as unknown as GuestDialog<unknown>,
  'guest-clone': cloneDialog as unknown as GuestDialog<unknown>,
  'guest-migrate': migrateDialog as unknown as GuestDialog<unknown>,
  'guest-template': templateDialog as unknown as GuestDialog<unknown>,
  'guest-edit': editDialog as unknown as GuestDialog<unknown>,
  'guest-tags': tagsDialog as unknown as GuestDialog<unknown>,
  'guest-delete': deleteDialog as unknown as GuestDialog<unknown>,
};

/** What a dialog opens with: the guests as PVE reports them now (the cache may be a poll
 * behind) and the dialog's facts. */
export async function loadGuestDialog(client: ProxmoxClient, id: GuestDialogId, targets: readonly GuestTarget[], readOnly: boolean): Promise<GuestContext> {
  const live = await Promise.all(targets.map(async (t) => liveTarget(t, await client.guest(t.type).status(t.node, t.vmid))));
  return { targets: live, facts: await GUEST_DIALOGS[id].load(client, live), readOnly };
}
