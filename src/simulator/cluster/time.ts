// Wall-clock access and timers. All task timing goes through a Scheduler so that durations
// scale with `timeScale` and `dispose()` can cancel everything still pending.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}

export class Scheduler {
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #disposed = false;

  constructor(readonly timeScale: number) {}

  /** Runs `fn` after `ms` realistic milliseconds (scaled). */
  after(ms: number, fn: () => void): void {
    if (this.#disposed) return;
    const handle = setTimeout(() => {
      this.#timers.delete(handle);
      fn();
    }, Math.max(0, ms * this.timeScale));
    this.#timers.add(handle);
  }

  /** Resolves after `ms` realistic milliseconds; rejects with the signal's reason on abort.
   * After dispose() it never settles, which is what a stopped simulator wants. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      if (this.#disposed) return;
      const onAbort = (): void => {
        clearTimeout(handle);
        this.#timers.delete(handle);
        reject(signal?.reason);
      };
      const handle = setTimeout(() => {
        this.#timers.delete(handle);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms * this.timeScale));
      this.#timers.add(handle);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  dispose(): void {
    this.#disposed = true;
    for (const handle of this.#timers) clearTimeout(handle);
    this.#timers.clear();
  }
}

/** `2025-01-10 12:00:03`, the timestamp PVE's migration and backup logs put on each line (UTC). */
export function logTimestamp(epochSec: number): string {
  return new Date(epochSec * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

/** `00:01:05`, as PVE prints a duration. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${hh}:${mm}:${ss}`;
}
