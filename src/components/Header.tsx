// The top two lines: who and where (profile, cluster, PVE version), the connection and the
// age of the data, read-only mode, guest counts, and the breadcrumbs of the navigation stack.
import { Box, Text } from 'ink';
import type { Theme } from '../app/theme.js';

export interface HeaderProps {
  profile: string;
  cluster?: string;
  pveVersion?: string;
  /** connecting, online, degraded, offline, cache (no sync running). */
  connection: string;
  /** `synced 12 s ago`, `cache from 3 h ago`. */
  age: string;
  readOnly: boolean;
  counts: string;
  breadcrumbs: readonly string[];
  /** A sync in progress: `syncing configs 120/400`. */
  progress?: string;
  width: number;
  theme: Theme;
}

const CONNECTION_COLORS: Record<string, keyof Theme> = { online: 'ok', degraded: 'warn', offline: 'error', connecting: 'warn', cache: 'dim' };

export function Header(props: HeaderProps) {
  const { theme } = props;
  const color = theme[CONNECTION_COLORS[props.connection] ?? 'dim'] as string | undefined;
  const where = [props.cluster ? `cluster ${props.cluster}` : undefined, props.pveVersion ? `PVE ${props.pveVersion}` : undefined].filter(Boolean).join('  ');
  return (
    <Box flexDirection="column" width={props.width}>
      <Text wrap="truncate">
        <Text bold color={theme.accent}>
          proxmox-mpc
        </Text>
        {`  ${props.profile}  `}
        {where ? `${where}  ` : ''}
        <Text color={color} bold>
          {props.connection}
        </Text>
        {`  ${props.age}`}
        {props.progress ? <Text color={theme.dim}>{`  ${props.progress}`}</Text> : null}
        {props.readOnly ? (
          <Text color={theme.warn} bold inverse={theme.warn === undefined}>
            {'  READ-ONLY'}
          </Text>
        ) : null}
      </Text>
      <Text wrap="truncate">
        <Text color={theme.dim}>{props.breadcrumbs.join(' › ')}</Text>
        {`   ${props.counts}`}
      </Text>
    </Box>
  );
}
