// No Node or Worker imports: shared by the workerd and the end-to-end tests.

/** An IANA zone where it is about noon now: quiet hours never hold back a test's texts. */
export function middayZone(): string {
  const offset = 12 - new Date().getUTCHours()
  return `Etc/GMT${offset >= 0 ? '-' : '+'}${Math.abs(offset)}`
}
