// The logs screen (`:logs level=warn since=1h op=ID`): the log's matching lines as `proxmox-mpc
// logs` prints them, the newest at the bottom, new ones appended as they are written.
import { Box, Text } from 'ink';
import { useConsole, useTheme } from '../app/ConsoleContext.js';
import { currentRoute } from '../store/selectors.js';
import type { Route } from '../store/types.js';
import { safeText } from '../util/terminalText.js';

export function logsTitle(route: Extract<Route, { screen: 'logs' }>, count: number | undefined): string {
  const filters = [route.level !== undefined ? `level>=${route.level}` : '', route.since !== undefined ? `since ${route.since}` : '', route.op !== undefined ? `op ${route.op}` : ''].filter(Boolean);
  return `Log  ${filters.length > 0 ? `${safeText(filters.join(' '))}  ` : ''}${count === undefined ? 'reading...' : `${count} line${count === 1 ? '' : 's'}  following`}`;
}

export function LogsScreen({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const route = useConsole(currentRoute);
  const logs = useConsole((s) => s.data.logs);
  if (route.screen !== 'logs') return null;
  const body = logs?.error !== undefined ? [logs.error] : logs && logs.lines.length === 0 ? [`no log lines match (log: ${logs.path ?? '?'})`] : (logs?.lines ?? []);
  const shown = body.slice(-Math.max(1, height - 1));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate" bold color={theme.heading}>
        {logsTitle(route, logs?.error !== undefined ? 0 : logs?.lines.length)}
      </Text>
      {shown.map((line, i) => (
        <Text key={i} wrap="truncate" color={/ (ERROR|FATAL) /.test(line) ? theme.error : / WARN /.test(line) ? theme.warn : undefined}>
          {safeText(line)}
        </Text>
      ))}
    </Box>
  );
}
