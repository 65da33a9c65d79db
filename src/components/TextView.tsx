// Scrolling lines of text (a detail tab, the help, a task log), with a position marker.
import { Box, Text } from 'ink';
import type { Theme } from '../app/theme.js';
import type { TextLine } from '../screens/textContent.js';

export interface TextViewProps {
  lines: readonly TextLine[];
  top: number;
  height: number;
  width: number;
  theme: Theme;
}

export function TextView({ lines, top, height, width, theme }: TextViewProps) {
  const start = Math.max(0, Math.min(top, Math.max(0, lines.length - height)));
  const shown = lines.slice(start, start + height);
  const fill = height - shown.length;
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((line, i) => (
        <Text key={start + i} wrap="truncate" bold={line.tone === 'heading'} color={line.tone === 'heading' ? theme.heading : line.tone === 'dim' ? theme.dim : line.tone === 'error' ? theme.error : undefined}>
          {line.text === '' ? ' ' : line.text}
        </Text>
      ))}
      {fill > 0 ? <Box height={fill} /> : null}
    </Box>
  );
}
