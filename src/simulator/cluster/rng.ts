// Deterministic randomness: a seeded generator for building scenarios and for runtime choices
// (PIDs, MACs, durations), and stateless hashing for figures that must be a pure function of
// (seed, entity, time).

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
  /** `count` upper-case hex digits. */
  hex(count: number): string;
  /** A fresh generator derived from this one, so sub-builders don't disturb each other. */
  fork(label: string): Rng;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    chance: (p) => next() < p,
    hex: (count) => {
      let s = '';
      for (let i = 0; i < count; i++) s += Math.floor(next() * 16).toString(16);
      return s.toUpperCase();
    },
    fork: (label) => createRng(hash32(state, label)),
  };
  return rng;
}

/** A 32-bit hash of numbers and strings (FNV-1a style mixing, then a murmur finaliser).
 * Integers are mixed as numbers, so hot paths (figures of 100k guests) stay cheap. */
export function hash32(...parts: (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    if (typeof part === 'number' && Number.isSafeInteger(part)) {
      const lo = part >>> 0;
      const hi = Math.floor(part / 4294967296) >>> 0;
      h = Math.imul(h ^ lo, 0x01000193);
      h = Math.imul(h ^ hi, 0x01000193);
    } else {
      const s = String(part);
      for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    }
    h = Math.imul(h ^ 0xff, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stable value in [0, 1) for these parts. */
export function hash01(...parts: (number | string)[]): number {
  return hash32(...parts) / 4294967296;
}

/** Smooth value noise in [0, 1): a function of time that changes gradually over `period` s. */
export function smoothNoise(seed: number, key: number, channel: number, t: number, period = 10): number {
  const x = t / period;
  const i = Math.floor(x);
  const f = x - i;
  const a = hash01(seed, key, channel, i);
  const b = hash01(seed, key, channel, i + 1);
  const s = f * f * (3 - 2 * f);
  return a + (b - a) * s;
}
