/** The cart object's copy of its store's settings: which copy wins, and when it must be written. */
import type { CartPolicy } from '../domain/store/settings'

/** The newest store settings this cart has seen; stored only when they change. */
export class PolicyCopy {
  private known: CartPolicy | null = null

  /** Reads the stored copy (under `policy`). */
  load(kv: SyncKvStorage): void {
    const stored = kv.get<CartPolicy>('policy')
    // Copies stored before settings had a version are older than any the store has now.
    this.known = stored ? { ...stored, version: stored.version ?? 0 } : null
  }

  /** The cart's own copy; a cart with state always has one. */
  current(): CartPolicy {
    if (!this.known) throw new Error('cart has state but no policy')
    return this.known
  }

  /**
   * The newer of the cart's copy and `incoming` (a tie: `incoming`; null: the cart's own); a
   * stale cache never wins. `changed`: it differs from the stored copy, so must be written.
   */
  adopt(incoming: CartPolicy | null): { policy: CartPolicy; changed: boolean } {
    const known = this.known
    const policy =
      !incoming || (known && known.version > incoming.version) ? this.current() : incoming
    const changed = !known || known.version !== policy.version || known.baseUrl !== policy.baseUrl
    return { policy, changed }
  }

  /** The copy now stored (after a write), or none (after an erase). */
  keep(policy: CartPolicy | null): void {
    this.known = policy
  }
}
