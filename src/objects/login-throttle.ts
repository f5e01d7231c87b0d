import { DurableObject } from 'cloudflare:workers'
import { attempt, FRESH, succeeded, type ThrottleState } from '../domain/login/throttle'

const KEY = 'throttle'

/**
 * One account's failed-login count and lock, whatever addresses the tries come from. One object
 * per account serialises its tries, so parallel guesses are each counted.
 */
export class LoginThrottle extends DurableObject<Env> {
  /** Counts a try, or refuses it while the account is locked. */
  async begin(now: number): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
    const before = (await this.ctx.storage.get<ThrottleState>(KEY)) ?? FRESH
    const d = attempt(before, now)
    if (!d.allowed) return { allowed: false, retryAfterMs: d.retryAfterMs }
    await this.ctx.storage.put(KEY, d.state)
    return { allowed: true }
  }

  /** The password was right: forget the failures. */
  async succeeded(): Promise<void> {
    await this.ctx.storage.put(KEY, succeeded())
  }
}
