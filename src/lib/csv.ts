/**
 * One CSV field (RFC 4180): always quoted, quotes doubled, and text a spreadsheet would run as a
 * formula (`=`, `+`, `-`, `@`, tab, CR) defused with a leading apostrophe (OWASP CSV injection).
 *
 * @example csvField('=HYPERLINK("x")') // "'=HYPERLINK(""x"")"
 */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return `"${text.replaceAll('"', '""')}"`
}

/** One CSV record with its CRLF. */
export const csvLine = (values: readonly unknown[]) => `${values.map(csvField).join(',')}\r\n`
