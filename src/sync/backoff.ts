// How long to wait before the next poll after `failures` failed polls in a row: doubling from
// `initialMs`, capped at `maxMs` (5 s -> 10 -> 20 -> 40 -> 60 -> 60 ...).

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

export function backoffDelayMs(failures: number, policy: BackoffPolicy): number {
  if (failures <= 0) return 0;
  const initial = Math.max(1, policy.initialMs);
  const max = Math.max(initial, policy.maxMs);
  // 2 ** 30 already exceeds any sensible cap; keep the exponent small so it never overflows.
  return Math.min(max, initial * 2 ** Math.min(failures - 1, 30));
}
