// The status bar wired to the store: mode, the line being typed, messages, running tasks and
// the key hints of the current screen, generated from the keymap.
import { useMemo } from 'react';
import { StatusBar, type KeyHint } from '../../components/StatusBar.js';
import { currentRoute, selectRunningTasks } from '../../store/selectors.js';
import { safeText } from '../../util/terminalText.js';
import { useConsole, useTheme } from '../ConsoleContext.js';
import { completions } from '../commands.js';
import { contextsFor } from '../inputRouter.js';
import { bindingsFor, type Binding } from '../keymap.js';
import { isActive, RUN_HINTS } from '../../screens/runScreenModel.js';
import { DRIFT_HINTS } from '../../screens/driftModel.js';

/** Actions that change the cluster (hidden in read-only mode). */
const MUTATING: ReadonlySet<string> = new Set(['actions', 'create.vm', 'create.ct']);

export function AppStatus({ width, keymap }: { width: number; keymap: readonly Binding[] }) {
  const theme = useTheme();
  const mode = useConsole((s) => s.mode);
  const typed = useConsole((s) => (s.mode === 'palette' ? s.palette.input : s.mode === 'filter' ? s.filterInput : ''));
  // Cycling completions with Tab: the line shows the one picked, which is what Enter runs.
  const picked = useConsole((s) => (s.mode === 'palette' ? s.palette.selected : -1));
  const cluster = useConsole((s) => (s.mode === 'palette' && s.palette.selected >= 0 ? s.data : undefined));
  const input = useMemo(() => (picked >= 0 && cluster ? (completions(typed, cluster)[picked]?.value ?? typed) : typed), [typed, picked, cluster]);
  const pending = useConsole((s) => s.count + (s.pendingKey ?? ''));
  const message = useConsole((s) => s.message);
  const running = useConsole(selectRunningTasks);
  const operating = useConsole((s) => s.operations.filter((o) => o.state === 'running').length);
  const route = useConsole(currentRoute);
  const readOnly = useConsole((s) => s.meta.readOnly);
  const wizardOpen = useConsole((s) => s.wizard !== undefined);
  // A terraform run going on (or waiting for its answer) off its screen: said here.
  const runNote = useConsole((s) => (isActive(s.run) && s.stack[s.stack.length - 1]?.screen !== 'run' ? `terraform ${s.run!.kind} ${s.run!.phase === 'confirm' ? 'waiting for you' : 'running'} (:run)` : ''));
  const hints = useMemo<KeyHint[]>(() => {
    if (wizardOpen) return WIZARD_HINTS;
    if (mode === 'palette') return [{ key: 'tab', label: 'complete' }, { key: 'up/down', label: 'history' }, { key: 'enter', label: 'run' }, { key: 'esc', label: 'cancel' }];
    if (mode === 'filter') return [{ key: 'enter', label: 'apply' }, { key: 'esc', label: 'cancel' }, { key: '!', label: 'negate' }, { key: 'node: status: tag: type:', label: 'fields' }];
    if (route.screen === 'run') return [...RUN_HINTS];
    if (route.screen === 'drift') return [...DRIFT_HINTS];
    // The ones to find everything else first: a narrow terminal cuts the line from the right.
    const first = ['help', 'quit', 'palette'];
    // Read-only mode hides what would change the cluster.
    const hinted = bindingsFor(keymap, contextsFor(route)).filter((b) => b.hint !== undefined && !(readOnly && MUTATING.has(b.action)));
    hinted.sort((a, b) => rank(first, a.action) - rank(first, b.action));
    return hinted.map((b) => ({ key: b.keys[0] === 'g g' ? 'gg' : b.keys[0]!, label: b.hint! })).concat([{ key: '1-7', label: 'screens' }]);
  }, [mode, route, keymap, readOnly, wizardOpen]);
  return (
    <StatusBar
      mode={mode}
      input={safeText(input)}
      {...(pending ? { pending } : {})}
      {...(message ? { message: { text: safeText(message.text), level: message.level } } : {})}
      {...(running.length || operating || runNote ? { tasks: [runNote, operating ? `${operating} operation${operating === 1 ? '' : 's'} running` : '', running.length ? `${running.length} task${running.length === 1 ? '' : 's'} running` : ''].filter(Boolean).join(', ') } : {})}
      hints={hints}
      width={width}
      theme={theme}
    />
  );
}

/** While a wizard is open every key goes to it (engine.ts). */
const WIZARD_HINTS: KeyHint[] = [
  { key: 'enter', label: 'next step' },
  { key: 'esc', label: 'back' },
  { key: 'tab/down', label: 'next field' },
  { key: 'left/right/space', label: 'change' },
  { key: 'ctrl+u', label: 'clear' },
];

function rank(order: readonly string[], action: string): number {
  const i = order.indexOf(action);
  return i < 0 ? order.length : i;
}
