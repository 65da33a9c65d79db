// A dialog drawn in place of the screen's body: a title, lines, and how to close it.
import { Box, Text } from 'ink';
import type { Theme } from '../app/theme.js';

export interface ModalProps {
  title: string;
  body: readonly string[];
  footer?: string;
  width: number;
  height: number;
  theme: Theme;
}

export function Modal({ title, body, footer = 'Enter or Esc closes', width, height, theme }: ModalProps) {
  const boxWidth = Math.min(width, Math.max(40, ...body.map((l) => l.length + 4), title.length + 4, footer.length + 4));
  return (
    <Box width={width} height={height} justifyContent="center" alignItems="center">
      <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} width={boxWidth} paddingX={1}>
        <Text bold color={theme.heading}>
          {title}
        </Text>
        {body.map((line, i) => (
          // Wrapped, not cut: a question says everything that could be lost.
          <Text key={i} wrap="wrap">
            {line === '' ? ' ' : line}
          </Text>
        ))}
        <Text color={theme.dim}>{footer}</Text>
      </Box>
    </Box>
  );
}
