import { describe, expect, it } from 'vitest'
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from './password'

describe('passwords', () => {
  it('hashes with PBKDF2-SHA256 and a fresh salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery staple')
    const b = await hashPassword('correct horse battery staple')
    expect(a).toMatch(
      new RegExp(`^pbkdf2-sha256\\$${PBKDF2_ITERATIONS}\\$[\\w-]{22}\\$[\\w-]{43}$`),
    )
    expect(a).not.toBe(b)
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true)
    expect(await verifyPassword('correct horse battery stable', a)).toBe(false)
    expect(await verifyPassword('', a)).toBe(false)
  })

  it('refuses a malformed or tampered hash', async () => {
    const a = await hashPassword('pw')
    expect(await verifyPassword('pw', 'plain')).toBe(false)
    expect(await verifyPassword('pw', a.replace('pbkdf2-sha256', 'md5'))).toBe(false)
    expect(await verifyPassword('pw', a.replace(/\$\d+\$/, '$5000000$'))).toBe(false)
    expect(await verifyPassword('pw', `${a.slice(0, -2)}AA`)).toBe(false)
  })
})
