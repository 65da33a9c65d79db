// The cluster at a glance: each node with CPU, memory and root-disk bars and its guests by
// state; the cluster's totals; storage usage.
import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import { useConsole, useTheme } from '../app/ConsoleContext.js';
import { fit, usageBar } from '../components/fit.js';
import { statusColor } from '../app/theme.js';
import { formatPercent, formatUsage } from '../app/output/units.js';
import { selectGuestCounts, selectNodeGuestCounts } from '../store/selectors.js';
import { safeText } from '../util/terminalText.js';
import { statusText } from './listKinds.js';

export function OverviewScreen({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const nodes = useConsole((s) => s.data.nodes);
  const storage = useConsole((s) => s.data.storage);
  const counts = useConsole(selectGuestCounts);
  const byNode = useConsole(selectNodeGuestCounts);
  const icons = useConsole((s) => s.settings.icons);
  useConsole((s) => s.data.figuresVersion);
    // Per node: name and status (20), three bars each with a label and a figure (18 + bar).
  const barWidth = Math.max(4, Math.min(24, Math.floor((width - 20 - 3 * 18) / 3)));

  const bar = (label: string, used: number | undefined, total: number | undefined, text: string) => {
    const fraction = used !== undefined && total ? used / total : undefined;
    const color = fraction === undefined ? theme.dim : fraction > 0.9 ? theme.error : fraction > 0.75 ? theme.warn : theme.ok;
    return (
      <Text>
        {` ${label} `}
        <Text color={color}>{usageBar(fraction, barWidth, icons)}</Text>
        {` ${fit(text, 11)}`}
      </Text>
    );
  };

  const lines: ReactElement[] = [];
  lines.push(
    <Text key="title" bold color={theme.heading} wrap="truncate">
      {`Cluster: ${nodes.length} node${nodes.length === 1 ? '' : 's'}, ${counts.qemu} VMs, ${counts.lxc} containers — ${counts.running} running, ${counts.stopped} stopped${counts.paused ? `, ${counts.paused} paused` : ''}, ${counts.templates} templates`}
    </Text>,
  );
  lines.push(<Text key="sp1"> </Text>);
  for (const n of nodes) {
    const c = byNode.get(n.node);
    lines.push(
      <Text key={`n-${n.node}`} wrap="truncate">
        <Text bold>{fit(safeText(n.node), 10)}</Text>
        <Text color={statusColor(theme, n.status)}>{fit(safeText(statusText(n.status, { now: 0, icons })), 10)}</Text>
        {bar('CPU', n.cpu, n.cpu === undefined ? undefined : 1, formatPercent(n.cpu))}
        {bar('MEM', n.mem, n.maxmem, formatUsage(n.mem, n.maxmem))}
        {bar('DISK', n.disk, n.maxdisk, formatUsage(n.disk, n.maxdisk))}
      </Text>,
    );
    lines.push(
      <Text key={`c-${n.node}`} color={theme.dim} wrap="truncate">
        {c
          ? `${' '.repeat(20)}${c.qemu} VMs, ${c.lxc} CTs: ${c.running} running, ${c.stopped} stopped${c.paused ? `, ${c.paused} paused` : ''}, ${c.templates} templates`
          : `${' '.repeat(20)}no guests`}
      </Text>,
    );
  }
  if (nodes.length === 0) lines.push(<Text key="none" color={theme.dim}> No nodes in the cache yet: the first sync fills it.</Text>);
  lines.push(<Text key="sp2"> </Text>);
  lines.push(
    <Text key="st" bold color={theme.heading}>
      Storage
    </Text>,
  );
  for (const r of storage) {
    if (lines.length >= height) break;
    lines.push(
      <Text key={`s-${r.node}-${r.storage}`} wrap="truncate">
        {fit(`${safeText(r.node)}/${safeText(r.storage)}`, 22)}
        {fit(safeText(r.type), 9)}
        {bar('', r.used, r.total, formatUsage(r.used, r.total))}{' '.repeat(5)}
        <Text color={theme.dim}>{`  ${r.content.map(safeText).join(',')}${r.shared ? '  shared' : ''}`}</Text>
      </Text>,
    );
  }
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {lines.slice(0, height)}
    </Box>
  );
}
