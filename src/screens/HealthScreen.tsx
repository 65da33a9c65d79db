// The health panel (`:health`): the health checks' lines, green/yellow/red as `proxmox-mpc
// health` prints them; `r` runs them again.
import { Box, Text } from 'ink';
import { useConsole, useTheme } from '../app/ConsoleContext.js';
import type { HealthLine, HealthStatus } from '../observability/health.js';
import type { HealthView } from '../store/types.js';
import { safeText } from '../util/terminalText.js';

const MARKS: Record<HealthStatus, string> = { ok: 'OK  ', warn: 'WARN', fail: 'FAIL' };

/** The panel's lines as text (the screen paints the marks; tests read these). */
export function healthLines(view: HealthView | undefined): Array<{ status?: HealthStatus; text: string }> {
  if (view === undefined || (view.running && view.report === undefined)) return [{ text: 'running the health checks...' }];
  if (view.error !== undefined) return [{ status: 'fail', text: `the checks could not run: ${safeText(view.error)}` }];
  const lines = view.report?.lines ?? [];
  const width = Math.max(0, ...lines.map((l) => l.check.length));
  return lines.map((l: HealthLine) => ({ status: l.status, text: `${MARKS[l.status]} ${l.check.padEnd(width)}  ${l.subject !== undefined ? `${safeText(l.subject)}: ` : ''}${safeText(l.message)}` }));
}

export function healthTitle(view: HealthView | undefined): string {
  if (view === undefined || view.running) return 'Health  running...';
  if (view.error !== undefined || view.report === undefined) return 'Health  could not run  (r runs again)';
  const s = view.report.status;
  return `Health  ${s === 'ok' ? 'healthy' : s === 'warn' ? 'healthy, with warnings' : 'unhealthy'}  (r runs again)`;
}

export function HealthScreen({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const view = useConsole((s) => s.data.health);
  const color = (status: HealthStatus | undefined): string | undefined => (status === 'ok' ? theme.ok : status === 'warn' ? theme.warn : status === 'fail' ? theme.error : theme.dim);
  const overall = view?.report?.status;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate" bold color={view?.running ? theme.accent : color(overall ?? (view?.error !== undefined ? 'fail' : undefined))}>
        {healthTitle(view)}
      </Text>
      {healthLines(view)
        .slice(0, Math.max(0, height - 1))
        .map((l, i) => (
          <Text key={i} wrap="truncate" color={color(l.status)}>
            {l.text}
          </Text>
        ))}
    </Box>
  );
}
