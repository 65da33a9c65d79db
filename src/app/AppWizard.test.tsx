// The console's frame with a wizard open: the wizard over the body, its keys in the status bar,
// keys going to it; closed, the screen and its hints are back.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { makeConsole, press, type } from '../store/test-support/consoleFixture.js';
import { startWizard, type WizardDef } from '../screens/wizards/engine.js';
import { storedDef } from '../screens/wizards/index.js';
import { App } from './App.js';
import { createInputRouter, type InputRouter } from './inputRouter.js';
import { DEFAULT_KEYMAP } from './keymap.js';

const routers: InputRouter[] = [];
afterEach(() => {
  cleanup();
  for (const r of routers.splice(0)) r.dispose();
});

const ctx = { colours: ['red', 'green', 'blue'] };
const def: WizardDef<typeof ctx> = {
  id: 'paint',
  title: 'Paint',
  steps: [
    {
      id: 'what',
      title: 'Colour and label',
      fields: [
        { id: 'colour', kind: 'choice', label: 'Colour', options: (_v, c) => c.colours.map((x) => ({ value: x, label: x })) },
        { id: 'label', kind: 'text', label: 'Label', validate: (v) => (v.length > 3 ? 'at most 3 letters' : undefined) },
      ],
    },
  ],
  review: (v) => ({ lines: [`paint it ${String(v.colour)}`] }),
};

describe('App with a wizard open', () => {
  it('draws the wizard over the body with its keys as hints; keys go to it; Esc closes it', async () => {
    const c = makeConsole();
    const router = createInputRouter({ console: c, keymap: DEFAULT_KEYMAP, refresh: vi.fn(), exit: vi.fn() });
    routers.push(router);
    const r = render(<App console={c} keymap={DEFAULT_KEYMAP} router={router} />);
    const until = async (predicate: (frame: string) => boolean): Promise<string> => {
      await vi.waitFor(() => {
        if (!predicate(r.lastFrame() ?? '')) throw new Error(`frame not ready:\n${r.lastFrame()}`);
      });
      return r.lastFrame() ?? '';
    };
    await until((f) => f.includes('<enter> open'));
    c.actions.setWizard({ def: storedDef(def), session: startWizard(def, ctx), context: ctx });
    let out = await until((f) => f.includes('Paint · Step 1/2: Colour and label'));
    expect(out).toContain('<tab/down> next field');
    expect(out).not.toContain('<enter> open');
    // j is text in a text field, not a motion; the problem shows as typed.
    press(router, '<tab>');
    type(router, 'jjjj');
    out = await until((f) => f.includes('Label: jjjj_'));
    expect(out).toContain('! at most 3 letters');
    expect(c.store.getState().views.guests.cursor).toBe(0);
    press(router, '<esc>');
    out = await until((f) => f.includes('<enter> open'));
    expect(out).not.toContain('Paint ·');
    expect(c.store.getState().message?.text).toBe('Paint: cancelled');
  });
});
