// A wizard or dialog step drawn over the screen's body: the title and step, its fields (the
// focused one's options listed), the problems under the fields, or the review with the
// equivalent command. Props only: src/screens/wizards/engine.ts makes the frame.
import { Box, Text } from 'ink';
import type { Theme } from '../app/theme.js';
import type { WizardFrame } from '../screens/wizards/engine.js';
import { FormField } from './FormField.js';

export interface WizardViewProps {
  frame: WizardFrame;
  width: number;
  height: number;
  theme: Theme;
}

export function WizardView({ frame, width, height, theme }: WizardViewProps) {
  const boxWidth = Math.min(width, 100);
  const inner = boxWidth - 4;
  return (
    <Box width={width} height={height} justifyContent="center" alignItems="flex-start">
      <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} width={boxWidth} paddingX={1}>
        <Text bold color={theme.heading} wrap="truncate">
          {frame.title} · {frame.stepLabel}
        </Text>
        {frame.status ? (
          <Text color={frame.status.level === 'error' ? theme.error : theme.warn} wrap="wrap">
            {frame.status.text}
          </Text>
        ) : null}
        {frame.fields.map((field) => (
          <FormField key={field.id} field={field} width={inner} theme={theme} />
        ))}
        {frame.review ? (
          <Box flexDirection="column">
            {frame.review.lines.map((line, i) => (
              <Text key={i} wrap="truncate">
                {line === '' ? ' ' : line}
              </Text>
            ))}
            {frame.review.command ? (
              <>
                <Text color={theme.dim}>The same from the command line:</Text>
                <Text color={theme.accent} wrap="wrap">
                  {frame.review.command}
                </Text>
              </>
            ) : null}
          </Box>
        ) : null}
        {frame.note ? <Text color={theme.error}>{frame.note}</Text> : null}
        <Text color={theme.dim} wrap="truncate">
          {frame.footer}
        </Text>
      </Box>
    </Box>
  );
}
