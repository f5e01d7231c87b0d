// The cart tests' clock: a Monday afternoon in New York, and its units.
// Monday 2026-11-23 15:00 UTC = 10:00 in New York.
export const T0 = Date.parse('2026-11-23T14:59:00Z')
export const ABANDONED = T0 + 60_000
export const M = 60_000
export const H = 60 * M
