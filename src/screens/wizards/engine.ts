// Modal wizards and dialogs as data, and the pure state machine that runs them (no Ink, no I/O).
//
// Entry points:
//   - A wizard is a WizardDef<C>: steps of fields (text, secret, number, choice, toggle), each
//     with a label, a default (a value or a function of the earlier values and the context C,
//     e.g. the choices loaded from the cluster), `visible(values, ctx)` and `validate(value,
//     values, ctx)`; plus `problems` (cross-field checks), `review` (summary lines and the
//     equivalent CLI command) and `fieldOfPath` (an API error's parameter -> a field).
//   - startWizard(def, ctx, initial?) -> the first WizardSession (plain data, kept in the store).
//   - wizardKey(def, session, ctx, keyName) -> { session, effect? }: one key press (key names as
//     src/app/keys.ts makes them). effect 'close': Esc on the first step; 'submit': Enter on the
//     review. Enter on a step with problems stays there and says so; Esc goes back a step.
//   - wizardFrame(def, session, ctx, status) -> what WizardView draws (props only).
//   - withFieldErrors(def, session, ctx, errors) -> the session reopened on the step of the first
//     field an error names, with the message under it (an API 400 mapped back), nothing lost.
//   - refreshDefaults(def, session, ctx): after the context changed (another node's choices).
// A "type the guest's name to confirm" field is a text field whose validate compares the value.
export type FieldValue = string | boolean;
export type WizardValues = Readonly<Record<string, FieldValue>>;

export interface ChoiceOption {
  value: string;
  label: string;
  /** Facts shown after the label: free space, a comment, a size. */
  detail?: string;
}

type Dynamic<T, C> = T | ((values: WizardValues, ctx: C) => T);

interface FieldBase<C> {
  id: string;
  label: string;
  /** A line under the field (units, what it is for). */
  help?: string;
  visible?(values: WizardValues, ctx: C): boolean;
}

export interface TextFieldDef<C> extends FieldBase<C> {
  /** secret: drawn as stars; number: drawn as text, validated by its validator. */
  kind: 'text' | 'secret' | 'number';
  default?: Dynamic<string, C>;
  /** Runs as typed; undefined when fine, else a one-line message. */
  validate?(value: string, values: WizardValues, ctx: C): string | undefined;
}

export interface ChoiceFieldDef<C> extends FieldBase<C> {
  kind: 'choice';
  options(values: WizardValues, ctx: C): readonly ChoiceOption[];
  /** The option chosen at first (default: the first one). */
  default?: Dynamic<string | undefined, C>;
  /** Said when there is nothing to choose from, with what to do. */
  empty?: string;
  validate?(value: string, values: WizardValues, ctx: C): string | undefined;
}

export interface ToggleFieldDef<C> extends FieldBase<C> {
  kind: 'toggle';
  default?: Dynamic<boolean, C>;
}

export type FieldDef<C> = TextFieldDef<C> | ChoiceFieldDef<C> | ToggleFieldDef<C>;

export interface StepDef<C> {
  id: string;
  title: string;
  fields: readonly FieldDef<C>[];
  visible?(values: WizardValues, ctx: C): boolean;
}

export interface WizardReview {
  lines: string[];
  /** The equivalent CLI command. */
  command?: string;
}

export interface WizardDef<C> {
  id: string;
  title: string;
  steps: readonly StepDef<C>[];
  /** Problems that span fields (or come from the operations layer's own checks), by field id. */
  problems?(values: WizardValues, ctx: C): Readonly<Record<string, string>>;
  review(values: WizardValues, ctx: C): WizardReview;
  /** What Enter on the review does: `create`. */
  submitLabel?: string;
  /** The values the context depends on (the node): when this changes, the context is loaded again. */
  contextKey?(values: WizardValues): string;
  /** The field an API error's parameter names (default: the field with that id). */
  fieldOfPath?(path: string): string | undefined;
}

export interface WizardSession {
  /** Index into def.steps; steps.length is the review. */
  step: number;
  /** Index among the step's visible fields. */
  focus: number;
  values: Record<string, FieldValue>;
  /** Fields the user changed: their defaults are no longer recomputed. */
  touched: string[];
  /** Text typed into the focused choice field: its options are filtered by it. */
  filter: string;
  /** Enter was pressed on this step while it had problems: every problem shows. */
  attempted: boolean;
  /** Errors the API named, shown until the field is edited. */
  external: Record<string, string>;
}

export type WizardEffect = 'close' | 'submit';

export interface KeyResult {
  session: WizardSession;
  effect?: WizardEffect;
}

// ------------------------------------------------------------------ reading a definition

const resolve = <T, C>(d: Dynamic<T, C> | undefined, values: WizardValues, ctx: C): T | undefined =>
  typeof d === 'function' ? (d as (v: WizardValues, c: C) => T)(values, ctx) : d;

export function isStepVisible<C>(step: StepDef<C>, values: WizardValues, ctx: C): boolean {
  return step.visible?.(values, ctx) ?? true;
}

export function visibleFields<C>(def: WizardDef<C>, stepIndex: number, values: WizardValues, ctx: C): FieldDef<C>[] {
  const step = def.steps[stepIndex];
  if (step === undefined) return [];
  return step.fields.filter((f) => f.visible?.(values, ctx) ?? true);
}

const textOf = (v: FieldValue | undefined): string => (typeof v === 'string' ? v : '');

/** The options of a choice field, narrowed by the typed filter (label, value or detail). */
export function choiceOptions<C>(field: ChoiceFieldDef<C>, values: WizardValues, ctx: C, filter = ''): readonly ChoiceOption[] {
  const all = field.options(values, ctx);
  const f = filter.trim().toLowerCase();
  if (f === '') return all;
  return all.filter((o) => o.label.toLowerCase().includes(f) || o.value.toLowerCase().includes(f) || (o.detail ?? '').toLowerCase().includes(f));
}

/** Problems of one field (its validator, then the cross-field ones, then the API's). */
function fieldProblem<C>(def: WizardDef<C>, field: FieldDef<C>, session: WizardSession, ctx: C, cross: Readonly<Record<string, string>>): string | undefined {
  const external = session.external[field.id];
  if (external !== undefined) return external;
  const value = session.values[field.id];
  if (field.kind === 'choice') {
    const options = field.options(session.values, ctx);
    if (options.length === 0) return field.empty ?? `nothing to choose for ${field.label.toLowerCase()}`;
    if (!options.some((o) => o.value === value)) return `choose ${field.label.toLowerCase()}`;
    const own = field.validate?.(textOf(value), session.values, ctx);
    if (own !== undefined) return own;
  } else if (field.kind !== 'toggle') {
    const own = field.validate?.(textOf(value), session.values, ctx);
    if (own !== undefined) return own;
  }
  return cross[field.id];
}

/** Every problem of a step's visible fields, by field id. */
export function stepProblems<C>(def: WizardDef<C>, session: WizardSession, ctx: C, stepIndex = session.step): Record<string, string> {
  const out: Record<string, string> = {};
  const fields = visibleFields(def, stepIndex, session.values, ctx);
  if (fields.length === 0) return out;
  const cross = def.problems?.(session.values, ctx) ?? {};
  for (const field of fields) {
    const p = fieldProblem(def, field, session, ctx, cross);
    if (p !== undefined) out[field.id] = p;
  }
  return out;
}

/** The problems to show now: a field's once it was typed into, all of them after Enter. */
export function shownProblems<C>(def: WizardDef<C>, session: WizardSession, ctx: C): Record<string, string> {
  const all = stepProblems(def, session, ctx);
  if (session.attempted) return all;
  const out: Record<string, string> = {};
  for (const [id, message] of Object.entries(all)) if (session.touched.includes(id) || session.external[id] !== undefined) out[id] = message;
  return out;
}

// ------------------------------------------------------------------ defaults

function defaultOf<C>(field: FieldDef<C>, values: WizardValues, ctx: C): FieldValue {
  switch (field.kind) {
    case 'toggle':
      return resolve(field.default, values, ctx) ?? false;
    case 'choice': {
      const options = field.options(values, ctx);
      const wanted = resolve(field.default, values, ctx);
      return options.find((o) => o.value === wanted)?.value ?? options[0]?.value ?? '';
    }
    default:
      return resolve(field.default, values, ctx) ?? '';
  }
}

/** The step's defaults: untouched fields get theirs (again: they may depend on earlier
 * values and on the context); a chosen option that is no longer offered is replaced.
 * onlyMissing (after an edit in the step): only fields that just appeared, or whose option
 * went away. */
function withDefaults<C>(def: WizardDef<C>, session: WizardSession, ctx: C, stepIndex = session.step, onlyMissing = false): WizardSession {
  const step = def.steps[stepIndex];
  if (step === undefined) return session;
  const values = { ...session.values };
  let touched = session.touched;
  for (const field of step.fields) {
    if (!(field.visible?.(values, ctx) ?? true)) continue;
    const user = touched.includes(field.id);
    const gone = field.kind === 'choice' && values[field.id] !== undefined && !field.options(values, ctx).some((o) => o.value === values[field.id]);
    if (gone) {
      touched = touched.filter((t) => t !== field.id);
      values[field.id] = defaultOf(field, values, ctx);
    } else if (values[field.id] === undefined || (!user && !onlyMissing)) values[field.id] = defaultOf(field, values, ctx);
  }
  return { ...session, values, touched };
}

/** Defaults again after the context changed (the current step's untouched fields). */
export function refreshDefaults<C>(def: WizardDef<C>, session: WizardSession, ctx: C): WizardSession {
  return withDefaults(def, session, ctx);
}

function firstStep<C>(def: WizardDef<C>, values: WizardValues, ctx: C, from = 0): number {
  for (let i = from; i < def.steps.length; i++) if (isStepVisible(def.steps[i]!, values, ctx)) return i;
  return def.steps.length;
}

function previousStep<C>(def: WizardDef<C>, values: WizardValues, ctx: C, from: number): number | undefined {
  for (let i = from - 1; i >= 0; i--) if (isStepVisible(def.steps[i]!, values, ctx)) return i;
  return undefined;
}

export function startWizard<C>(def: WizardDef<C>, ctx: C, initial: Readonly<Record<string, FieldValue>> = {}): WizardSession {
  const session: WizardSession = { step: 0, focus: 0, values: { ...initial }, touched: Object.keys(initial), filter: '', attempted: false, external: {} };
  const step = firstStep(def, session.values, ctx);
  return withDefaults(def, { ...session, step }, ctx);
}

export const isReview = <C>(def: WizardDef<C>, session: WizardSession): boolean => session.step >= def.steps.length;

// ------------------------------------------------------------------ keys

function edit(session: WizardSession, id: string, value: FieldValue, extra: Partial<WizardSession> = {}): WizardSession {
  const external = { ...session.external };
  delete external[id];
  return { ...session, ...extra, values: { ...session.values, [id]: value }, touched: session.touched.includes(id) ? session.touched : [...session.touched, id], external };
}

/** Goes to the next visible step, or the review; stays when the step has problems. */
function advance<C>(def: WizardDef<C>, session: WizardSession, ctx: C): WizardSession {
  const problems = stepProblems(def, session, ctx);
  const ids = Object.keys(problems);
  if (ids.length > 0) {
    const fields = visibleFields(def, session.step, session.values, ctx);
    const focus = Math.max(0, fields.findIndex((f) => f.id === ids[0]));
    return { ...session, attempted: true, focus, filter: '' };
  }
  const next = firstStep(def, session.values, ctx, session.step + 1);
  return withDefaults(def, { ...session, step: next, focus: 0, filter: '', attempted: false }, ctx);
}

function moveFocus<C>(def: WizardDef<C>, session: WizardSession, ctx: C, delta: number): WizardSession {
  const n = visibleFields(def, session.step, session.values, ctx).length;
  if (n === 0) return session;
  return { ...session, focus: (session.focus + delta + n) % n, filter: '' };
}

const PRINTABLE = /^[\x20-\x7e\u00a0-\uffff]$/u;

/** One key press. */
export function wizardKey<C>(def: WizardDef<C>, session: WizardSession, ctx: C, name: string): KeyResult {
  const result = keyPress(def, session, ctx, name);
  // An edit may show fields (a static IP's address) or change another field's options.
  if (result.effect === undefined && result.session.values !== session.values && result.session.step === session.step) {
    return { session: withDefaults(def, result.session, ctx, session.step, true) };
  }
  return result;
}

function keyPress<C>(def: WizardDef<C>, session: WizardSession, ctx: C, name: string): KeyResult {
  if (isReview(def, session)) {
    if (name === 'enter') return { session, effect: 'submit' };
    if (name === 'escape') {
      const back = previousStep(def, session.values, ctx, session.step);
      return back === undefined ? { session, effect: 'close' } : { session: { ...session, step: back, focus: 0, filter: '', attempted: false } };
    }
    return { session };
  }
  if (name === 'escape') {
    if (session.filter !== '') return { session: { ...session, filter: '' } };
    const back = previousStep(def, session.values, ctx, session.step);
    return back === undefined ? { session, effect: 'close' } : { session: { ...session, step: back, focus: 0, filter: '', attempted: false } };
  }
  if (name === 'enter') return { session: advance(def, session, ctx) };
  if (name === 'tab' || name === 'down') return { session: moveFocus(def, session, ctx, 1) };
  if (name === 'shift+tab' || name === 'up') return { session: moveFocus(def, session, ctx, -1) };

  const fields = visibleFields(def, session.step, session.values, ctx);
  const field = fields[Math.min(session.focus, fields.length - 1)];
  if (field === undefined) return { session };
  const value = session.values[field.id];
  const ch = name === 'space' ? ' ' : PRINTABLE.test(name) ? name : undefined;

  switch (field.kind) {
    case 'toggle':
      if (name === 'space' || name === 'left' || name === 'right') return { session: edit(session, field.id, value !== true) };
      return { session };
    case 'choice': {
      const options = choiceOptions(field, session.values, ctx, session.filter);
      const at = options.findIndex((o) => o.value === value);
      const step = name === 'right' || name === 'space' ? 1 : name === 'left' ? -1 : 0;
      if (step !== 0) {
        if (options.length === 0) return { session };
        const next = at < 0 ? (step > 0 ? 0 : options.length - 1) : (at + step + options.length) % options.length;
        return { session: edit(session, field.id, options[next]!.value) };
      }
      let filter: string | undefined;
      if (name === 'backspace') filter = session.filter.slice(0, -1);
      else if (name === 'ctrl+u') filter = '';
      else if (ch !== undefined) filter = session.filter + ch;
      if (filter === undefined) return { session };
      const narrowed = choiceOptions(field, session.values, ctx, filter);
      const keep = narrowed.some((o) => o.value === value);
      if (keep || narrowed.length === 0) return { session: { ...session, filter } };
      return { session: edit(session, field.id, narrowed[0]!.value, { filter }) };
    }
    default: {
      const text = textOf(value);
      if (name === 'backspace') return { session: edit(session, field.id, text.slice(0, -1)) };
      if (name === 'ctrl+u') return { session: edit(session, field.id, '') };
      if (ch !== undefined) return { session: edit(session, field.id, text + ch) };
      return { session };
    }
  }
}

/** Reopens the wizard on the first field the errors name (by API parameter path), with the
 * messages under the fields; undefined when no error names a field of this wizard. */
export function withFieldErrors<C>(def: WizardDef<C>, session: WizardSession, ctx: C, errors: Readonly<Record<string, string>>): WizardSession | undefined {
  const external: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    const id = def.fieldOfPath?.(path) ?? path;
    if (def.steps.some((s) => s.fields.some((f) => f.id === id))) external[id] ??= message;
  }
  for (let i = 0; i < def.steps.length; i++) {
    if (!isStepVisible(def.steps[i]!, session.values, ctx)) continue;
    const fields = visibleFields(def, i, session.values, ctx);
    const focus = fields.findIndex((f) => external[f.id] !== undefined);
    if (focus >= 0) return { ...session, step: i, focus, filter: '', attempted: true, external };
  }
  return undefined;
}

// ------------------------------------------------------------------ what is drawn

export interface FrameOption {
  label: string;
  detail?: string;
  selected: boolean;
}

export interface FrameField {
  id: string;
  label: string;
  kind: FieldDef<unknown>['kind'];
  /** The value as drawn (secrets as stars, the chosen option's label). */
  text: string;
  focused: boolean;
  problem?: string;
  help?: string;
  /** A focused choice field: a window of its (filtered) options. */
  options?: { items: FrameOption[]; above: number; below: number; filter: string; total: number };
}

export interface WizardFrame {
  title: string;
  /** `Step 3/9: Install source` or `Review`. */
  stepLabel: string;
  fields: FrameField[];
  review?: WizardReview;
  /** Loading, a load failure, creating...: one line. */
  status?: { text: string; level: 'info' | 'error' };
  /** `fix the 2 fields marked` after an Enter that could not go on. */
  note?: string;
  footer: string;
}

/** Options shown at once for the focused choice field. */
export const OPTIONS_SHOWN = 6;

export function optionWindow(count: number, selected: number, shown = OPTIONS_SHOWN): { start: number; end: number } {
  if (count <= shown) return { start: 0, end: count };
  const start = Math.max(0, Math.min(selected - Math.floor(shown / 2), count - shown));
  return { start, end: start + shown };
}

export function wizardFrame<C>(def: WizardDef<C>, session: WizardSession, ctx: C, status?: WizardFrame['status']): WizardFrame {
  const shownSteps = def.steps.map((s, i) => i).filter((i) => isStepVisible(def.steps[i]!, session.values, ctx));
  const total = shownSteps.length + 1;
  const footerFields = 'Tab/Down field, Left/Right/Space change, type to filter, Enter next, Esc back';
  if (isReview(def, session)) {
    return {
      title: def.title,
      stepLabel: `Step ${total}/${total}: Review`,
      fields: [],
      review: def.review(session.values, ctx),
      ...(status ? { status } : {}),
      footer: `Enter ${def.submitLabel ?? 'finish'}, Esc back`,
    };
  }
  const step = def.steps[session.step]!;
  const problems = shownProblems(def, session, ctx);
  const fields = visibleFields(def, session.step, session.values, ctx).map((field, i): FrameField => {
    const focused = i === session.focus;
    const value = session.values[field.id];
    let text: string;
    let options: FrameField['options'];
    if (field.kind === 'toggle') text = value === true ? '[x] yes' : '[ ] no';
    else if (field.kind === 'choice') {
      const all = field.options(session.values, ctx);
      const chosen = all.find((o) => o.value === value);
      text = chosen ? `${chosen.label}${chosen.detail ? `  ${chosen.detail}` : ''}` : '';
      if (focused) {
        const list = choiceOptions(field, session.values, ctx, session.filter);
        const at = Math.max(0, list.findIndex((o) => o.value === value));
        const { start, end } = optionWindow(list.length, at);
        options = {
          items: list.slice(start, end).map((o) => ({ label: o.label, ...(o.detail ? { detail: o.detail } : {}), selected: o.value === value })),
          above: start,
          below: list.length - end,
          filter: session.filter,
          total: all.length,
        };
      }
    } else {
      // A `$vault.NAME` reference is where a secret is, not the secret: drawn as typed.
      const shown = textOf(value);
      text = field.kind === 'secret' && !shown.startsWith('$vault.') ? '*'.repeat(shown.length) : shown;
    }
    return {
      id: field.id,
      label: field.label,
      kind: field.kind,
      text,
      focused,
      ...(problems[field.id] !== undefined ? { problem: problems[field.id] } : {}),
      ...(field.help !== undefined ? { help: field.help } : {}),
      ...(options ? { options } : {}),
    };
  });
  const count = Object.keys(problems).length;
  const position = shownSteps.indexOf(session.step) + 1;
  return {
    title: def.title,
    stepLabel: `Step ${position}/${total}: ${step.title}`,
    fields,
    ...(session.attempted && count > 0 ? { note: `fix ${count === 1 ? 'the field' : `the ${count} fields`} marked to go on` } : {}),
    ...(status ? { status } : {}),
    footer: footerFields,
  };
}
