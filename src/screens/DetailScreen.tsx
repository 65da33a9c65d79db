// One guest: a title line, tabs (summary, config, disks/network, snapshots, tasks, history)
// and the active tab's text.
import { Box, Text } from 'ink';
import { useConsole, useKeymap, useTheme } from '../app/ConsoleContext.js';
import { textRows } from '../app/layout.js';
import { Tabs } from '../components/Tabs.js';
import { TextView } from '../components/TextView.js';
import { statusColor } from '../app/theme.js';
import { currentRoute, selectGuest, tasksPanelShown } from '../store/selectors.js';
import { DETAIL_TABS, type DetailTab } from '../store/types.js';
import { safeText } from '../util/terminalText.js';
import { guestStatus } from './listKinds.js';
import { NO_LINES, textLinesFor } from './textContent.js';

const TAB_LABELS: Record<DetailTab, string> = { summary: 'Summary', config: 'Config', hardware: 'Disks/Network', snapshots: 'Snapshots', tasks: 'Tasks', history: 'History' };
const TABS = DETAIL_TABS.map((id) => ({ id, label: TAB_LABELS[id] }));

export function DetailScreen({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const keymap = useKeymap();
  const route = useConsole(currentRoute);
  const size = useConsole((s) => s.size);
  const tasksPanel = useConsole(tasksPanelShown);
  const key = route.screen === 'detail' ? route.key : undefined;
  const guest = useConsole((s) => (key === undefined ? undefined : selectGuest(s, key)));
  const lines = useConsole((s) => textLinesFor(s, keymap) ?? NO_LINES);
  const top = useConsole((s) => s.textScroll);
  if (route.screen !== 'detail') return null;
  const status = guest ? guestStatus(guest) : 'gone';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate" bold>
        <Text color={theme.heading}>{`${guest?.type === 'lxc' ? 'CT' : 'VM'} ${key?.split('/')[1]} ${safeText(guest?.name ?? '')}`}</Text>
        {'  '}
        <Text color={statusColor(theme, status)}>{safeText(status)}</Text>
        {guest ? `  on ${safeText(guest.node)}` : ''}
        {guest?.lock ? <Text color={theme.warn}>{`  locked (${safeText(guest.lock)})`}</Text> : null}
      </Text>
      <Tabs tabs={TABS} active={route.tab} theme={theme} />
      <TextView lines={lines} top={top} height={textRows('detail', size, tasksPanel)} width={width} theme={theme} />
    </Box>
  );
}
