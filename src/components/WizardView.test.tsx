import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { THEMES } from '../app/theme.js';
import { startWizard, wizardFrame, wizardKey, type WizardDef, type WizardSession } from '../screens/wizards/engine.js';
import { WizardView } from './WizardView.js';

afterEach(() => {
  cleanup();
});

const ctx = { isos: Array.from({ length: 12 }, (_, i) => ({ volid: `local:iso/os-${i}.iso`, size: `${i + 1} GiB` })) };
type Ctx = typeof ctx;

const def: WizardDef<Ctx> = {
  id: 'view-test',
  title: 'Create VM',
  submitLabel: 'create',
  steps: [
    {
      id: 'basics',
      title: 'Name and source',
      fields: [
        { id: 'name', kind: 'text', label: 'Name', validate: (v) => (/\s/.test(v) ? `'${v}' is not a DNS name: no spaces` : undefined) },
        { id: 'iso', kind: 'choice', label: 'ISO', options: (_v, c) => c.isos.map((i) => ({ value: i.volid, label: i.volid, detail: i.size })) },
        { id: 'pw', kind: 'secret', label: 'Password' },
        { id: 'start', kind: 'toggle', label: 'Start after', default: true },
      ],
    },
  ],
  review: (v) => ({ lines: [`Name: ${String(v.name)}`], command: `proxmox-mpc create vm --name ${String(v.name)}` }),
};

const press = (s: WizardSession, ...names: string[]): WizardSession => names.reduce((acc, n) => wizardKey(def, acc, ctx, n).session, s);
const draw = (s: WizardSession, status?: { text: string; level: 'info' | 'error' }) =>
  render(<WizardView frame={wizardFrame(def, s, ctx, status)} width={100} height={30} theme={THEMES.mono} />).lastFrame() ?? '';

describe('WizardView', () => {
  it('draws the step, the fields with the focused one marked, and the problem under a field as typed', () => {
    const s = press(startWizard(def, ctx), 'w', 'e', 'b', 'space', '1');
    const frame = draw(s);
    expect(frame).toContain('Create VM · Step 1/2: Name and source');
    expect(frame).toMatch(/> Name: web 1_/);
    expect(frame).toContain("! 'web 1' is not a DNS name: no spaces");
    expect(frame).toContain('Start after: [x] yes');
  });

  it('a focused choice lists a window of its options with their facts, and how many more', () => {
    const s = press(startWizard(def, ctx), 'tab', 'right', 'right');
    const frame = draw(s);
    expect(frame).toContain('* local:iso/os-2.iso  3 GiB');
    expect(frame).toContain('local:iso/os-0.iso  1 GiB');
    expect(frame).toContain('↓ 6 more');
    const far = draw(press(s, ...Array<string>(7).fill('right')));
    expect(far).toContain('↑ 6 more');
    expect(far).toContain('* local:iso/os-9.iso');
  });

  it('typing filters the list; secrets are stars', () => {
    const filtered = draw(press(startWizard(def, ctx), 'tab', '-', '1', '1'));
    expect(filtered).toContain('filter: -11');
    expect(filtered).toContain('* local:iso/os-11.iso');
    expect(filtered).not.toContain('os-3.iso');
    const secret = draw(press(startWizard(def, ctx), 'tab', 'tab', 's', 'e', 'c'));
    expect(secret).toContain('Password: ***');
    expect(secret).not.toContain('sec');
  });

  it('a long typed value shows its end, where the typing is', () => {
    const key = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5${'x'.repeat(120)} me@host`;
    const frame = draw(press(startWizard(def, ctx), ...[...key].map((c) => (c === ' ' ? 'space' : c))));
    const line = frame.split('\n').find((l) => l.includes('> Name:'))!;
    expect(line).toMatch(/> Name: …x+ me@host_ +│$/);
    expect(line.length).toBeLessThanOrEqual(100);
  });

  it('the review shows the summary and the equivalent command; a status line shows', () => {
    const s = press(startWizard(def, ctx), 'w', 'e', 'b', 'enter');
    const frame = draw(s, { text: 'creating...', level: 'info' });
    expect(frame).toContain('Step 2/2: Review');
    expect(frame).toContain('Name: web');
    expect(frame).toContain('proxmox-mpc create vm --name web');
    expect(frame).toContain('creating...');
    expect(frame).toContain('Enter create, Esc back');
  });
});
