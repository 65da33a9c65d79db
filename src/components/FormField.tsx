// One field of a wizard step: `> Label: value`, its problem under it, and for a focused choice
// field a window of its options (with their facts) and how many more there are. Props only.
import { Box, Text } from 'ink';
import type { Theme } from '../app/theme.js';
import type { FrameField } from '../screens/wizards/engine.js';

export interface FormFieldProps {
  field: FrameField;
  width: number;
  theme: Theme;
}

export function FormField({ field, width, theme }: FormFieldProps) {
  const marker = field.focused ? '>' : ' ';
  const typed = field.kind !== 'choice' && field.kind !== 'toggle';
  const cursor = field.focused && typed ? '_' : '';
  // A long typed value (an SSH key) shows its end, where the typing is.
  const room = width - field.label.length - 5 - cursor.length;
  const text = typed && field.text.length > room && room > 8 ? `…${field.text.slice(-(room - 1))}` : field.text;
  const options = field.options;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text color={field.focused ? theme.accent : undefined} bold={field.focused}>
          {marker} {field.label}:{' '}
        </Text>
        <Text>
          {text}
          {cursor}
        </Text>
      </Text>
      {options ? (
        <Box flexDirection="column" paddingLeft={4}>
          {options.filter !== '' ? <Text color={theme.dim}>filter: {options.filter}</Text> : null}
          {options.above > 0 ? <Text color={theme.dim}>  ↑ {options.above} more</Text> : null}
          {options.items.length === 0 && options.total > 0 ? <Text color={theme.dim}>  no match (Backspace)</Text> : null}
          {options.items.map((o, i) => (
            <Text key={i} wrap="truncate" {...(o.selected ? { inverse: true } : {})}>
              {o.selected ? '* ' : '  '}
              {o.label}
              {o.detail ? <Text color={o.selected ? undefined : theme.dim}>{`  ${o.detail}`}</Text> : null}
            </Text>
          ))}
          {options.below > 0 ? <Text color={theme.dim}>  ↓ {options.below} more</Text> : null}
        </Box>
      ) : null}
      {field.problem ? (
        <Text color={theme.error} wrap="truncate">
          {'    '}! {field.problem}
        </Text>
      ) : field.focused && field.help ? (
        <Text color={theme.dim} wrap="truncate">
          {'    '}
          {field.help}
        </Text>
      ) : null}
    </Box>
  );
}
