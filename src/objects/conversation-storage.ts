import type { Turn } from '../domain/reply/types'
import type {
  CallMark,
  ConversationStore,
  DeferredReply,
  Offer,
} from '../services/conversation/store'

const TEXT_HISTORY_MS = 2 * 86_400_000

/** The thread, held replies, offered codes and sent keys: what the conversation service uses. */
export class ConversationStorage implements ConversationStore {
  constructor(private readonly storage: DurableObjectStorage) {}

  private get sql() {
    return this.storage.sql
  }
  private get kv() {
    return this.storage.kv
  }

  thread(cartId: string | null): Turn[] {
    const rows =
      cartId === null
        ? this.sql.exec<Turn>('SELECT at, author, text, model FROM turns ORDER BY seq')
        : this.sql.exec<Turn>(
            'SELECT at, author, text, model FROM turns WHERE cart_id = ? ORDER BY seq',
            cartId,
          )
    return rows.toArray().map((r) => ({ ...r }))
  }

  addTurn(key: string, t: Turn, cartId: string | null): void {
    this.sql.exec(
      'INSERT OR IGNORE INTO turns (key, at, author, text, model, cart_id) VALUES (?, ?, ?, ?, ?, ?)',
      key,
      t.at,
      t.author,
      t.text,
      t.model,
      cartId,
    )
  }

  defer(r: DeferredReply): void {
    this.sql.exec(
      'INSERT OR IGNORE INTO outgoing (key, send_at, text, model, cart_id, detail) VALUES (?, ?, ?, ?, ?, ?)',
      r.key,
      r.sendAt,
      r.text,
      r.model,
      r.cartId,
      r.detail,
    )
  }

  dueReplies(now: number): DeferredReply[] {
    return this.sql
      .exec<{
        key: string
        send_at: number
        text: string
        model: string | null
        cart_id: string | null
        detail: string
      }>(
        'SELECT key, send_at, text, model, cart_id, detail FROM outgoing WHERE send_at <= ? ORDER BY send_at',
        now,
      )
      .toArray()
      .map((r) => ({
        key: r.key,
        sendAt: r.send_at,
        text: r.text,
        model: r.model,
        cartId: r.cart_id,
        detail: r.detail,
      }))
  }

  dropReply(key: string): void {
    this.sql.exec('DELETE FROM outgoing WHERE key = ?', key)
  }

  offer(cartId: string): Offer | null {
    return this.kv.get<Offer>(`incentive:${cartId}`) ?? null
  }
  saveOffer(cartId: string, offer: Offer): void {
    this.kv.put(`incentive:${cartId}`, offer)
  }

  callMark(id: string): CallMark | null {
    return (
      this.sql.exec<{ state: CallMark }>('SELECT state FROM replies WHERE id = ?', id).toArray()[0]
        ?.state ?? null
    )
  }

  markCalling(id: string, at: number, cartId: string | null): void {
    this.sql.exec(
      `INSERT INTO replies (id, at, state, cart_id) VALUES (?, ?, 'calling', ?)
       ON CONFLICT (id) DO UPDATE SET state = 'calling', at = excluded.at`,
      id,
      at,
      cartId,
    )
  }

  settleCall(id: string, mark: 'sent' | 'unknown', at: number): boolean {
    const row = this.sql
      .exec<{ cart_id: string | null }>(
        "SELECT cart_id FROM replies WHERE id = ? AND state = 'calling'",
        id,
      )
      .toArray()[0]
    if (!row) return false
    this.sql.exec('UPDATE replies SET state = ? WHERE id = ?', mark, id)
    this.sql.exec('INSERT INTO texts (at, cart_id) VALUES (?, ?)', at, row.cart_id ?? '-')
    this.sql.exec('DELETE FROM texts WHERE at < ?', at - TEXT_HISTORY_MS)
    return true
  }

  dropCall(id: string): void {
    this.sql.exec("DELETE FROM replies WHERE id = ? AND state = 'calling'", id)
  }
}
