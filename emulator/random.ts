// A small seeded PRNG (mulberry32) so that one seed always produces the same world and traffic:
// tests and benchmarks can rely on it, and a bug report can name the seed that shows it.

export type Random = {
  /** A float in [0, 1). */
  next(): number;
  int(minInclusive: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  /** Picks with the given weights (same length as items). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T;
  chance(probability: number): boolean;
  /** `length` characters from Slack's ID alphabet (upper-case letters and digits). */
  idChars(length: number): string;
  hex(length: number): string;
  /** A child generator whose sequence does not depend on how much the parent is used later. */
  fork(label: string): Random;
};

function hashString(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export function createRandom(seed: number | string): Random {
  let state = typeof seed === "number" ? seed >>> 0 : hashString(seed);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (items, weights) => {
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      let roll = next() * total;
      for (const [index, weight] of weights.entries()) {
        roll -= weight;
        if (roll < 0) return items[index]!;
      }
      return items.at(-1)!;
    },
    chance: (probability) => next() < probability,
    idChars: (length) => Array.from({ length }, () => ID_ALPHABET[Math.floor(next() * ID_ALPHABET.length)]).join(""),
    hex: (length) => Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join(""),
    fork: (label) => createRandom(hashString(`${state}:${label}`)),
  };
  return random;
}

/** A stateless random value for item `index` of a stream: bulk mode derives event N without events 0…N-1. */
export function randomAt(seed: number | string, index: number): Random {
  return createRandom(`${seed}#${index}`);
}
