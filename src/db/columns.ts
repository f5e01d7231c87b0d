/**
 * The SELECT list for a row type: every key of the record, quoted. Written as a record over the
 * row's keys, so a column added to or dropped from the type without the list (or the other way
 * round) does not compile.
 */
export function columns<Row>(keys: Record<keyof Row, true>): string {
  return Object.keys(keys)
    .map((k) => `"${k}"`)
    .join(', ')
}
