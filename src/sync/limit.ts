// Bounded concurrency for the per-guest requests of a poll.

/** Runs `fn` over `items` with at most `concurrency` calls in flight; results keep the input
 * order. A rejected call rejects the whole map (callers catch per item when they want to go on). */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Math.max(1, Math.min(concurrency, items.length));
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}
