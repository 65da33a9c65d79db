// A row of tabs with the active one highlighted.
import { Text } from 'ink';
import type { Theme } from '../app/theme.js';

export interface TabsProps {
  tabs: readonly { id: string; label: string }[];
  active: string;
  theme: Theme;
}

export function Tabs({ tabs, active, theme }: TabsProps) {
  return (
    <Text wrap="truncate">
      {tabs.map((t) =>
        t.id === active ? (
          <Text key={t.id} bold inverse={theme.selectedBg === undefined} backgroundColor={theme.selectedBg} color={theme.selectedFg}>
            {` ${t.label} `}
          </Text>
        ) : (
          <Text key={t.id} color={theme.dim}>{` ${t.label} `}</Text>
        ),
      )}
    </Text>
  );
}
