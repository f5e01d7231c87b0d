/** The units duration fields offer, in seconds. */
export const UNITS = { minutes: 60, hours: 3600, days: 86_400 } as const
export type Unit = keyof typeof UNITS

/**
 * Seconds as a number in the largest unit that holds them exactly (90 min → "90" minutes,
 * 3 h → "3" hours, 2 days → "2" days), so that showing a stored value and saving it back
 * changes nothing. Seconds that are no whole minute show as a fraction of a minute.
 */
export function splitDuration(seconds: number): [string, Unit] {
  if (seconds > 0 && seconds % UNITS.days === 0) return [String(seconds / UNITS.days), 'days']
  if (seconds > 0 && seconds % UNITS.hours === 0) return [String(seconds / UNITS.hours), 'hours']
  return [String(seconds / UNITS.minutes), 'minutes']
}

/** A number typed in a unit, as whole seconds; NaN when it is not a plain number. */
export function readDuration(value: string, unit: string): number {
  const per = UNITS[unit as Unit] ?? UNITS.hours
  return /^\d+(\.\d+)?$/.test(value.trim()) ? Math.round(Number(value) * per) : Number.NaN
}

/** Seconds for people: "1 minute", "3 hours", "90 days". */
export function describeDuration(seconds: number): string {
  const [n, unit] = splitDuration(seconds)
  return `${n} ${n === '1' ? unit.slice(0, -1) : unit}`
}
