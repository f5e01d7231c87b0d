// Issue 11: a per-account back-off on top of the per-address limiter, tested over the Worker
// with a different CF-Connecting-IP on every request.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { generateSignedCookie } from 'hono/cookie'
import { describe, expect, it } from 'vitest'
import * as session from '#test/dashboard-session'
import type { ThrottleState } from '../../domain/login/throttle'
import { hashPassword } from '../../lib/password'
import { loginThrottleStub } from '../../objects/stubs'
import { cookieKey, DEVICE_COOKIE } from './session'

let n = 0
/** A fresh address for every request: the per-address limiter never applies. */
const addr = () => `198.51.100.${++n % 250}`

const tryLogin = async (email: string, password: string) => {
  const from = addr()
  return session.postLogin(await session.loginForm(from), { email, password }, from)
}

/** The lock has run out: what waiting would do, without waiting. */
const endLock = (email: string) =>
  runInDurableObject(loginThrottleStub(env.LOGIN_THROTTLE, email), async (_o, state) => {
    const s = (await state.storage.get<ThrottleState>('throttle'))!
    await state.storage.put('throttle', { ...s, lockedUntil: Date.now() - 1 })
  })

describe('login back-off per account', () => {
  it('refuses tries for an account after five failures, from any address, with Retry-After', async () => {
    const statuses: number[] = []
    let last: Response | undefined
    for (let i = 0; i < 30; i++) {
      last = await tryLogin(session.OWNER.email, `guess-${i}`)
      statuses.push(last.status)
    }
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(25).fill(429)])
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(50)
    expect(Number(last!.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect(await last!.text()).toContain('Too many failed attempts for this account.')
    // Even the right password waits out the lock; the address has nothing to do with it.
    const right = await tryLogin(` ${session.OWNER.email.toUpperCase()} `, session.OWNER.password)
    expect(right.status).toBe(429)
    expect(right.headers.getSetCookie().some((c) => c.startsWith('__Host-cb_session='))).toBe(false)
  })

  it('leaves other accounts alone', async () => {
    await session.loginForm() // creates the owner first (only the first user comes from the secrets)
    await env.DB.prepare(
      'INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)',
    )
      .bind('usr_second', 'second@example.com', await hashPassword('second-password'), Date.now())
      .run()
    for (let i = 0; i < 8; i++) await tryLogin(session.OWNER.email, `guess-${i}`)
    expect((await tryLogin(session.OWNER.email, session.OWNER.password)).status).toBe(429)
    expect((await tryLogin('second@example.com', 'second-password')).status).toBe(303)
  })

  it('backs off longer at each further failure, and lets the right password in once it ends', async () => {
    for (let i = 0; i < 6; i++) await tryLogin(session.OWNER.email, `guess-${i}`)
    const first = Number((await tryLogin(session.OWNER.email, 'x')).headers.get('retry-after'))
    await endLock(session.OWNER.email)
    expect((await tryLogin(session.OWNER.email, 'still wrong')).status).toBe(401)
    const second = await tryLogin(session.OWNER.email, 'x')
    expect(second.status).toBe(429)
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(first * 1.5)
    await endLock(session.OWNER.email)
    const ok = await tryLogin(session.OWNER.email, session.OWNER.password)
    expect(ok.status).toBe(303)
    // A success starts the count again: five more tries before the next lock.
    const after: number[] = []
    for (let i = 0; i < 6; i++)
      after.push((await tryLogin(session.OWNER.email, `again-${i}`)).status)
    expect(after).toEqual([401, 401, 401, 401, 401, 429])
  })

  it('lets the owner in from a browser that signed in before, while the account is locked', async () => {
    await endLock(session.OWNER.email) // whatever the tests before left
    // The owner signs in once: this browser gets the device cookie.
    const from = addr()
    const form = await session.loginForm(from)
    const ok = await session.postLogin(form, session.OWNER, from)
    expect(ok.status).toBe(303)
    const device = ok.headers.getSetCookie().find((c) => c.startsWith('__Host-cb_device='))
    expect(device).toMatch(/HttpOnly/i)
    const cookie = device!.split(';')[0]!
    // Someone else locks the account from thirty addresses.
    for (let i = 0; i < 30; i++) await tryLogin(session.OWNER.email, `guess-${i}`)
    expect((await tryLogin(session.OWNER.email, session.OWNER.password)).status).toBe(429)
    // The owner's browser is not held by that lock.
    const again = await session.loginForm(addr())
    const mine = await session.postLogin(
      {
        ...again,
        cookies: {
          ...again.cookies,
          [cookie.split('=')[0]!]: cookie.slice(cookie.indexOf('=') + 1),
        },
      },
      session.OWNER,
      addr(),
    )
    expect(mine.status).toBe(303)
    // A well-signed cookie older than 180 days is no longer trusted.
    const old = Date.now() - 181 * 86_400_000
    const key = await cookieKey(env.SIGNING_SECRET, `device:${session.OWNER.email.toLowerCase()}`)
    const signed = await generateSignedCookie(DEVICE_COOKIE, `stale-nonce.${old}`, key, {
      secure: true,
      path: '/',
    })
    const stale = await session.loginForm(addr())
    const expired = await session.postLogin(
      {
        ...stale,
        cookies: { ...stale.cookies, [DEVICE_COOKIE]: signed.split(';')[0]!.split('=')[1]! },
      },
      session.OWNER,
      addr(),
    )
    expect(expired.status).toBe(429)
    // A device cookie made for another account does not open this one.
    const forged = await session.loginForm(addr())
    const other = await session.postLogin(
      { ...forged, cookies: { ...forged.cookies, '__Host-cb_device': 'not-a-valid-tag' } },
      session.OWNER,
      addr(),
    )
    expect(other.status).toBe(429)
  })
})
