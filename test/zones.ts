// No Node or Worker imports: shared by the workerd and the end-to-end tests.

/** An IANA zone where it is about noon now: quiet hours never hold back a test's texts. */
export function middayZone(): string {
  const offset = 12 - new Date().getUTCHours()
  return `Etc/GMT${offset >= 0 ? '-' : '+'}${Math.abs(offset)}`
}

/** An IANA zone where it is about 2:00 now: quiet hours hold back what may wait. */
export function nightZone(): string {
  let offset = 2 - new Date().getUTCHours()
  if (offset < -12) offset += 24
  if (offset > 12) offset -= 24
  return `Etc/GMT${offset >= 0 ? '-' : '+'}${Math.abs(offset)}`
}
