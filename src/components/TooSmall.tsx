// What a terminal too small for the console shows instead.
import { Text } from 'ink';

export function TooSmall({ columns, rows, minColumns, minRows }: { columns: number; rows: number; minColumns: number; minRows: number }) {
  return (
    <Text wrap="wrap">
      {`Terminal too small: ${columns}x${rows}. proxmox-mpc needs at least ${minColumns}x${minRows}. Enlarge the window (q quits).`}
    </Text>
  );
}
