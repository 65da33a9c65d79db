// The console's frame: header, the current screen (or a dialog, or a too-small notice), the
// palette's completions, the status bar. Keys go to the input router, nowhere else.
import { Box, useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo } from 'react';
import { TooSmall } from '../components/TooSmall.js';
import type { ConsoleStore } from '../store/consoleStore.js';
import { ConsoleContext, useConsole } from './ConsoleContext.js';
import { AppHeader } from './frame/AppHeader.js';
import { AppStatus } from './frame/AppStatus.js';
import { PalettePanel } from './frame/PalettePanel.js';
import { AppTasks } from './frame/AppTasks.js';
import { tasksPanelShown } from '../store/selectors.js';
import { ScreenBody } from './frame/ScreenBody.js';
import type { InputRouter } from './inputRouter.js';
import type { Binding } from './keymap.js';
import { bodyRows, HEADER_ROWS, isTooSmall, MIN_COLUMNS, MIN_ROWS, SPARE_ROWS, STATUS_ROWS } from './layout.js';

export interface AppProps {
  console: ConsoleStore;
  keymap: readonly Binding[];
  router: InputRouter;
}

function Frame({ keymap, router, console: c }: AppProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const size = useConsole((s) => s.size);
  const quitting = useConsole((s) => s.quitting);
  const paletteOpen = useConsole((s) => s.mode === 'palette');
  const tasksOpen = useConsole(tasksPanelShown);

  useInput((input, key) => router.handle(input, key));

  useEffect(() => {
    const onResize = () => c.actions.setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    onResize();
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, c]);

  useEffect(() => {
    if (quitting) exit();
  }, [quitting, exit]);

  if (isTooSmall(size)) return <TooSmall columns={size.columns} rows={size.rows} minColumns={MIN_COLUMNS} minRows={MIN_ROWS} />;
  const width = size.columns;
  const body = bodyRows(size, paletteOpen || tasksOpen);
  return (
    <Box flexDirection="column" width={width} height={size.rows - SPARE_ROWS}>
      <Box height={HEADER_ROWS}>
        <AppHeader width={width} />
      </Box>
      <Box height={body}>
        <ScreenBody width={width} height={body} />
      </Box>
      {paletteOpen ? <PalettePanel width={width} /> : tasksOpen ? <AppTasks width={width} /> : null}
      <Box height={STATUS_ROWS}>
        <AppStatus width={width} keymap={keymap} />
      </Box>
    </Box>
  );
}

export function App(props: AppProps) {
  const value = useMemo(() => ({ console: props.console, keymap: props.keymap }), [props.console, props.keymap]);
  return (
    <ConsoleContext.Provider value={value}>
      <Frame {...props} />
    </ConsoleContext.Provider>
  );
}
