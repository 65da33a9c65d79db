// The tasks panel wired to the store: the console's operations that run or just ended. Its
// clock ticks only while one runs (and only this panel re-renders for it); without runs
// nothing is drawn and nothing ticks.
import { useEffect, useState } from 'react';
import { SPINNER_MS, TasksPanel } from '../../components/TasksPanel.js';
import { selectPanelRuns } from '../../store/selectors.js';
import { useConsole, useTheme } from '../ConsoleContext.js';
import { PALETTE_ROWS } from '../layout.js';

/** The time now, renewed every `ms` while `active` (else when something else re-renders). */
function useClock(active: boolean, ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), ms);
    timer.unref();
    return () => clearInterval(timer);
  }, [active, ms]);
  return active ? now : Date.now();
}

export function AppTasks({ width }: { width: number }) {
  const theme = useTheme();
  const icons = useConsole((s) => s.settings.icons);
  const runs = useConsole(selectPanelRuns);
  const now = useClock(runs.some((r) => r.state === 'running'), SPINNER_MS * 2);
  return <TasksPanel runs={runs} now={now} width={width} height={PALETTE_ROWS} theme={theme} icons={icons} />;
}
