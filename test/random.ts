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
