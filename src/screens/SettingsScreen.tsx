// Settings: theme, icons, refresh interval. Enter/Space or h/l changes the selected one.
import { Box, Text } from 'ink';
import { useConsole, useTheme } from '../app/ConsoleContext.js';
import { fit } from '../components/fit.js';
import { SETTING_ITEMS } from './settingsModel.js';

export function SettingsScreen({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const settings = useConsole((s) => s.settings);
  const cursor = useConsole((s) => s.settingsCursor);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold color={theme.heading}>
        Settings (saved to the config file)
      </Text>
      <Text> </Text>
      {SETTING_ITEMS.map((item, i) => (
        <Text key={item.id} inverse={i === cursor} wrap="truncate">
          {` ${fit(item.label, 18)} ${fit(`‹ ${item.show(settings[item.id])} ›`, 12)}  `}
          <Text color={i === cursor ? undefined : theme.dim}>{item.description}</Text>
        </Text>
      ))}
      {!settings.color ? (
        <Text color={theme.dim}>{'\n Colours are off (NO_COLOR or --no-color): the theme applies when they are on.'}</Text>
      ) : null}
    </Box>
  );
}
