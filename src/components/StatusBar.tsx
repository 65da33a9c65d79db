// The bottom two lines: the mode or the line being typed (palette, filter), a message, running
// tasks; then the key hints, generated from the keymap for the current screen.
import { Box, Text } from 'ink';
import type { Theme } from '../app/theme.js';
import type { MessageLevel, Mode } from '../store/types.js';

export interface KeyHint {
  key: string;
  label: string;
}

export interface StatusBarProps {
  mode: Mode;
  /** The palette or filter input while typing. */
  input: string;
  /** A count or a key sequence being typed (`5`, `g`). */
  pending?: string;
  message?: { text: string; level: MessageLevel };
  /** `2 tasks running` */
  tasks?: string;
  hints: readonly KeyHint[];
  width: number;
  theme: Theme;
}

const MODE_LABELS: Record<Mode, string> = { normal: 'NORMAL', palette: 'CMD', filter: 'FILTER' };

export function StatusBar(props: StatusBarProps) {
  const { theme } = props;
  const messageColor = props.message?.level === 'error' ? theme.error : props.message?.level === 'warn' ? theme.warn : undefined;
  const prompt = props.mode === 'palette' ? ':' : props.mode === 'filter' ? '/' : '';
  return (
    <Box flexDirection="column" width={props.width}>
      <Text wrap="truncate">
        <Text inverse bold>{` ${MODE_LABELS[props.mode]} `}</Text>
        {props.mode !== 'normal' ? (
          <Text>
            {` ${prompt}${props.input}`}
            <Text inverse> </Text>
          </Text>
        ) : null}
        {props.pending ? <Text color={theme.accent}>{` ${props.pending}`}</Text> : null}
        {props.message ? (
          <Text color={messageColor} bold={props.message.level === 'error'}>
            {`  ${props.message.text}`}
          </Text>
        ) : null}
        {props.tasks ? <Text color={theme.accent}>{`  ${props.tasks}`}</Text> : null}
      </Text>
      <Text wrap="truncate" color={theme.dim}>
        {props.hints.map((h) => `<${h.key}> ${h.label}`).join('  ')}
      </Text>
    </Box>
  );
}
