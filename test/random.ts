// A small seeded generator for tests that draw: the same seed gives the same run, so a failure
// replays.

/** Uniform numbers in [0, 1) from `seed` (a linear congruential generator). */
export function random(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31
    return s / 2 ** 31
  }
}

/** Uniform numbers in [0, 1) from `seed` (mulberry32: better spread, for simulations). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
