import { describe, expect, it } from 'vitest';
import { refreshDefaults, shownProblems, startWizard, stepProblems, wizardFrame, wizardKey, withFieldErrors, optionWindow, type WizardDef, type WizardSession } from './engine.js';

interface Ctx {
  nodes: string[];
  storages: Record<string, { id: string; free: string }[]>;
  next: number;
}

const ctx: Ctx = {
  nodes: ['pve1', 'pve2'],
  storages: { pve1: [{ id: 'local-lvm', free: '90 GiB free' }, { id: 'tank', free: '1 TiB free' }], pve2: [{ id: 'ceph', free: '5 TiB free' }] },
  next: 105,
};

const def: WizardDef<Ctx> = {
  id: 'test',
  title: 'Create a thing',
  submitLabel: 'create',
  contextKey: (v) => String(v.node),
  fieldOfPath: (p) => (p === 'disk.size' ? 'size' : undefined),
  steps: [
    {
      id: 'where',
      title: 'Node',
      fields: [{ id: 'node', kind: 'choice', label: 'Node', options: (_v, c) => c.nodes.map((n) => ({ value: n, label: n })) }],
    },
    {
      id: 'name',
      title: 'Name',
      fields: [
        { id: 'name', kind: 'text', label: 'Name', validate: (v) => (v === '' ? 'a name is needed' : /\s/.test(v) ? 'no spaces in a name' : undefined) },
        { id: 'vmid', kind: 'number', label: 'VMID', default: (_v, c) => String(c.next), validate: (v) => (/^\d+$/.test(v) ? undefined : 'a number') },
        { id: 'secret', kind: 'secret', label: 'Password', visible: (v) => v.name === 'withpw' },
      ],
    },
    {
      id: 'disk',
      title: 'Disk',
      visible: (v) => v.nodisk !== true,
      fields: [
        { id: 'storage', kind: 'choice', label: 'Storage', options: (v, c) => (c.storages[String(v.node)] ?? []).map((s) => ({ value: s.id, label: s.id, detail: s.free })), empty: 'no storage: add one' },
        { id: 'size', kind: 'text', label: 'Size', default: '32' },
        { id: 'start', kind: 'toggle', label: 'Start', default: true },
      ],
    },
  ],
  problems: (v): Record<string, string> => (v.size === '13' ? { size: 'unlucky size' } : {}),
  review: (v) => ({ lines: [`name ${String(v.name)} on ${String(v.node)}`], command: `make ${String(v.name)}` }),
};

const keys = (session: WizardSession, ...names: string[]): { session: WizardSession; effects: string[] } => {
  const effects: string[] = [];
  let s = session;
  for (const n of names) {
    const r = wizardKey(def, s, ctx, n);
    s = r.session;
    if (r.effect) effects.push(r.effect);
  }
  return { session: s, effects };
};
const type = (text: string): string[] => [...text].map((ch) => (ch === ' ' ? 'space' : ch));

describe('wizard engine', () => {
  it('starts on the first step with defaults, including a choice defaulting to its first option', () => {
    const s = startWizard(def, ctx);
    expect(s.step).toBe(0);
    expect(s.values.node).toBe('pve1');
  });

  it('validates as typed: a field shows its problem once typed into, before Enter', () => {
    let { session } = keys(startWizard(def, ctx), 'enter');
    expect(session.step).toBe(1);
    expect(session.values.vmid).toBe('105');
    expect(shownProblems(def, session, ctx)).toEqual({});
    ({ session } = keys(session, ...type('web 01')));
    expect(session.values.name).toBe('web 01');
    expect(shownProblems(def, session, ctx)).toEqual({ name: 'no spaces in a name' });
    ({ session } = keys(session, 'backspace', 'backspace', 'backspace', '0', '1'));
    expect(session.values.name).toBe('web01');
    expect(shownProblems(def, session, ctx)).toEqual({});
    ({ session } = keys(session, 'ctrl+u'));
    expect(shownProblems(def, session, ctx)).toEqual({ name: 'a name is needed' });
  });

  it('Enter on a step with problems stays, says so and focuses the first one', () => {
    let { session } = keys(startWizard(def, ctx), 'enter', 'tab', 'ctrl+u', 'x');
    ({ session } = keys(session, 'enter'));
    expect(session.step).toBe(1);
    expect(session.attempted).toBe(true);
    expect(session.focus).toBe(0);
    const frame = wizardFrame(def, session, ctx);
    expect(frame.note).toBe('fix the 2 fields marked to go on');
    expect(frame.fields.map((f) => f.problem)).toEqual(['a name is needed', 'a number']);
  });

  it('letters are text in a text field (j and k type, they do not move)', () => {
    const { session } = keys(startWizard(def, ctx), 'enter', 'j', 'k');
    expect(session.values.name).toBe('jk');
    expect(session.focus).toBe(0);
  });

  it('Tab/Shift-Tab and Down/Up move between visible fields, wrapping', () => {
    let { session } = keys(startWizard(def, ctx), 'enter', 'tab');
    expect(session.focus).toBe(1);
    ({ session } = keys(session, 'down'));
    expect(session.focus).toBe(0);
    ({ session } = keys(session, 'shift+tab'));
    expect(session.focus).toBe(1);
    ({ session } = keys(session, 'up', 'ctrl+u', ...type('withpw'), 'tab', 'tab'));
    expect(session.focus).toBe(2);
    expect(wizardFrame(def, session, ctx).fields.map((f) => f.id)).toEqual(['name', 'vmid', 'secret']);
    ({ session } = keys(session, ...type('hunter2')));
    expect(wizardFrame(def, session, ctx).fields[2]!.text).toBe('*******');
  });

  it('Esc goes back a step, keeping values; on the first step it closes', () => {
    let { session, effects } = keys(startWizard(def, ctx), 'enter', ...type('web'), 'escape');
    expect(session.step).toBe(0);
    expect(effects).toEqual([]);
    ({ session } = keys(session, 'enter'));
    expect(session.values.name).toBe('web');
    ({ effects } = keys(session, 'escape', 'escape'));
    expect(effects).toEqual(['close']);
  });

  it('choices change with Left/Right/Space, wrap, and filter as typed', () => {
    let { session } = keys(startWizard(def, ctx), 'right');
    expect(session.values.node).toBe('pve2');
    ({ session } = keys(session, 'space'));
    expect(session.values.node).toBe('pve1');
    ({ session } = keys(session, 'left'));
    expect(session.values.node).toBe('pve2');
    ({ session } = keys(session, '1'));
    expect(session.filter).toBe('1');
    expect(session.values.node).toBe('pve1');
    const frame = wizardFrame(def, session, ctx);
    expect(frame.fields[0]!.options!.items).toEqual([{ label: 'pve1', selected: true }]);
    ({ session } = keys(session, 'backspace'));
    expect(session.filter).toBe('');
    ({ session } = keys(session, 'z'));
    expect(wizardFrame(def, session, ctx).fields[0]!.options!.items).toEqual([]);
    expect(session.values.node).toBe('pve1');
    ({ session } = keys(session, 'escape'));
    expect(session.filter).toBe('');
  });

  it('defaults depend on earlier values: a storage of the chosen node, facts shown', () => {
    let { session } = keys(startWizard(def, ctx), 'right', 'enter', ...type('web'), 'enter');
    expect(session.step).toBe(2);
    expect(session.values).toMatchObject({ node: 'pve2', storage: 'ceph', size: '32', start: true });
    expect(wizardFrame(def, session, ctx).fields[0]!.text).toBe('ceph  5 TiB free');
    // Back to the node, another one: the storage follows.
    ({ session } = keys(session, 'escape', 'escape', 'left', 'enter', 'enter'));
    expect(session.values.storage).toBe('local-lvm');
  });

  it('a chosen option the new context no longer offers is replaced by a default', () => {
    let { session } = keys(startWizard(def, ctx), 'enter', ...type('web'), 'enter', 'right');
    expect(session.values.storage).toBe('tank');
    const other = { ...ctx, storages: { ...ctx.storages, pve1: [{ id: 'zfs', free: '1 GiB free' }] } };
    session = refreshDefaults(def, session, other);
    expect(session.values.storage).toBe('zfs');
  });

  it('toggles flip with Space and Left/Right; invisible steps are skipped', () => {
    let { session } = keys(startWizard(def, ctx), 'enter', ...type('web'), 'enter', 'tab', 'tab', 'space');
    expect(session.values.start).toBe(false);
    ({ session } = keys(session, 'left'));
    expect(session.values.start).toBe(true);
    const skipping = startWizard(def, ctx, { nodisk: true });
    const { session: s2 } = keys(skipping, 'enter', ...type('web'), 'enter');
    expect(s2.step).toBe(3);
    expect(wizardFrame(def, s2, ctx).stepLabel).toBe('Step 3/3: Review');
  });

  it('cross-field problems count as the step\'s own', () => {
    let { session } = keys(startWizard(def, ctx), 'enter', ...type('web'), 'enter', 'tab', 'ctrl+u', '1', '3');
    expect(stepProblems(def, session, ctx)).toEqual({ size: 'unlucky size' });
    ({ session } = keys(session, 'enter'));
    expect(session.step).toBe(2);
  });

  it('the review shows the summary and the command; Enter submits, Esc goes back', () => {
    const { session, effects } = keys(startWizard(def, ctx), 'enter', ...type('web'), 'enter', 'enter');
    expect(session.step).toBe(3);
    const frame = wizardFrame(def, session, ctx);
    expect(frame.review).toEqual({ lines: ['name web on pve1'], command: 'make web' });
    expect(frame.stepLabel).toBe('Step 4/4: Review');
    expect(frame.footer).toContain('Enter create');
    expect(effects).toEqual([]);
    expect(keys(session, 'enter').effects).toEqual(['submit']);
    expect(keys(session, 'escape').session.step).toBe(2);
  });

  it('an error the API names reopens the step of its field with the message, values kept', () => {
    const { session } = keys(startWizard(def, ctx), 'enter', ...type('web'), 'enter', 'enter');
    const reopened = withFieldErrors(def, session, ctx, { 'disk.size': 'size too big' })!;
    expect(reopened.step).toBe(2);
    expect(reopened.focus).toBe(1);
    expect(reopened.values.name).toBe('web');
    expect(shownProblems(def, reopened, ctx)).toEqual({ size: 'size too big' });
    // Editing the field clears the API's message.
    const { session: edited } = keys(reopened, '1');
    expect(shownProblems(def, edited, ctx)).toEqual({});
    expect(withFieldErrors(def, session, ctx, { bogus: 'x' })).toBeUndefined();
  });

  it('an empty choice list says what to do and blocks the step', () => {
    const none = { ...ctx, storages: { pve1: [] } };
    let s = startWizard(def, none);
    for (const k of ['enter', 'w', 'enter', 'enter']) s = wizardKey(def, s, none, k).session;
    expect(s.step).toBe(2);
    expect(wizardFrame(def, s, none).fields[0]!.problem).toBe('no storage: add one');
  });

  it('long option lists scroll around the selected one', () => {
    expect(optionWindow(3, 2)).toEqual({ start: 0, end: 3 });
    expect(optionWindow(20, 0)).toEqual({ start: 0, end: 6 });
    expect(optionWindow(20, 10)).toEqual({ start: 7, end: 13 });
    expect(optionWindow(20, 19)).toEqual({ start: 14, end: 20 });
  });
});
