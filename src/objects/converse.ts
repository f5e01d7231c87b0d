import type { Adapters } from '../adapters'
import { getConfig } from '../config'
import type { CartState } from '../domain/cart/types'
import { keywordOf } from '../domain/contact/keywords'
import { describeIncentive } from '../domain/message/format'
import { optOutVerdict } from '../domain/reply/opt-out'
import { replyTime, underReplyCap } from '../domain/reply/policy'
import { respond } from '../domain/reply/respond'
import type { Turn } from '../domain/reply/types'
import { effectiveHours, locateRecipient } from '../domain/sequence/quiet-hours'
import type { ContactPolicy } from '../domain/store/settings'
import { log } from '../lib/log'
import { cartStub } from './cart-object'
import type { ContactRef } from './contact-object'
import { issueCoupon, messageIdFor } from './deliver'
import { guardContext, handoffEmail, REPLY_STEP, replyInput, replyLink } from './reply-context'

/** A text as the contact object keeps it until handled. */
export type InboundRow = { sid: string; at: number; body: string; cart_id: string | null }

type Detail = Record<string, string | number | boolean | null>
type Offer = { code: string; description: string }

/** What handling a text may use of the contact object that received it. */
export type ConversationHost = {
  env: Env
  adapters: Adapters
  ref: ContactRef
  policy: ContactPolicy
  sql: SqlStorage
  thread(): 'ai' | 'needs_human'
  setThread(t: 'ai' | 'needs_human'): void
  suppressed(): Promise<boolean>
  optOut(sid: string): Promise<void>
  keyword(k: 'opt_in' | 'help', sid: string): Promise<void>
  /** Sends a text once per key (records and reports it); true when it went out. */
  text(key: string, body: string): Promise<boolean>
  addTurn(key: string, turn: Turn, cart: string | null): void
  turns(cart: string | null): Turn[]
  incentive: { get(cart: string): Offer | null; set(cart: string, v: Offer): void }
}

/**
 * One text from the shopper. Keywords first (STOP family, START/YES, HELP), then opt-outs in
 * plain words (rules, then the model's opinion, doubt counting as an opt-out), then nothing more
 * for an opted-out number; otherwise an answer, unless the assistant is off, a person has the
 * thread or the hourly cap is reached. Every outcome is journaled on the cart.
 */
export async function handleInbound(h: ConversationHost, row: InboundRow): Promise<void> {
  const cart = row.cart_id
    ? cartStub(h.env.CART, { storeId: h.ref.storeId, cartId: row.cart_id })
    : null
  const note = async (what: string, detail?: Detail) => {
    await cart?.replied(what, detail)
  }
  const keyword = keywordOf(row.body)
  if (keyword === 'opt_out') {
    await h.optOut(row.sid)
    return note('opt_out', { via: 'keyword' })
  }
  if (keyword) {
    await h.keyword(keyword, row.sid)
    return note(keyword)
  }
  // After STOP a number gets nothing but the answers to its keywords.
  if (await h.suppressed()) return note('received', { answered: false, reason: 'opted_out' })
  const verdict = optOutVerdict(row.body)
  if (verdict !== 'keep') {
    const opinion =
      verdict === 'opt_out'
        ? true
        : await h.adapters.responder(h.policy.ai.model).isOptOut(row.body)
    if (opinion !== false) {
      await h.optOut(row.sid)
      return note('opt_out', { via: verdict === 'opt_out' ? 'words' : opinion ? 'model' : 'doubt' })
    }
  }
  if (!h.policy.ai.enabled) return note('received', { answered: false, reason: 'assistant_off' })
  if (h.thread() === 'needs_human')
    return note('received', { answered: false, reason: 'needs_human' })
  const now = Date.now()
  if (!underReplyCap(aiTimes(h), now))
    return note('received', { answered: false, reason: 'reply_cap' })
  await answer(h, row, cart, note, now)
}

const aiTimes = (h: ConversationHost) =>
  h
    .turns(null)
    .filter((t) => t.author === 'ai')
    .map((t) => t.at)

async function answer(
  h: ConversationHost,
  row: InboundRow,
  stub: ReturnType<typeof cartStub> | null,
  note: (what: string, detail?: Detail) => Promise<void>,
  now: number,
) {
  const cart = stub ? ((await stub.snapshot())?.state ?? null) : null
  const secret = getConfig(h.env).SIGNING_SECRET
  const link =
    cart && cart.items.length > 0 ? await replyLink(h.env.DB, secret, cart, h.policy, now) : null
  const firstAi = aiTimes(h).length === 0
  const history = h
    .turns(row.cart_id)
    .filter((t) => !(t.author === 'shopper' && t.at === row.at && t.text === row.body))
    .slice(-8)
  const input = replyInput(
    h.policy,
    cart,
    link,
    history,
    row.body,
    firstAi,
    Boolean(h.policy.ai.incentive),
  )
  const responder = h.adapters.responder(h.policy.ai.model)
  const outcome = await respond(
    input,
    responder,
    { offerIncentive: () => offer(h, cart, now), handOff: () => {} },
    (code) =>
      guardContext(
        h.policy,
        cart,
        link,
        code ?? (cart ? (h.incentive.get(cart.cartId)?.code ?? null) : null),
        firstAi,
        h.ref.address,
      ),
  )
  const model = outcome.kind === 'reply' ? outcome.model : 'template'
  const detail: Detail =
    outcome.kind === 'reply'
      ? {
          model,
          attempts: outcome.attempts,
          repaired: outcome.repairs.join(',') || null,
          incentive: outcome.incentive?.code ?? null,
        }
      : { model, fallback: outcome.reason, problems: outcome.problems.join(',') || null }
  if (outcome.kind === 'fallback')
    log('warn', 'ai reply fell back', { reason: outcome.reason, error: outcome.error })

  const location = locateRecipient(h.ref.address, cart?.contact.timezone ?? undefined)
  const at = replyTime(now, row.at, location, effectiveHours(h.policy.quietHours, location.state))
  const key = `ai-${row.sid}`
  if (at === null) await note('received', { answered: false, reason: 'quiet_hours' })
  else if (at > now) {
    h.sql.exec(
      'INSERT OR IGNORE INTO outgoing (key, send_at, text, model, cart_id, detail) VALUES (?, ?, ?, ?, ?, ?)',
      key,
      at,
      outcome.text,
      model,
      row.cart_id,
      JSON.stringify(detail),
    )
    await note('answer_deferred', { ...detail, until: new Date(at).toISOString() })
  } else await deliver(h, key, outcome.text, model, row.cart_id, detail, note)
  if (outcome.handoff) await handOff(h, row, outcome.handoff, note)
}

async function deliver(
  h: ConversationHost,
  key: string,
  text: string,
  model: string,
  cart: string | null,
  detail: Detail,
  note: (what: string, detail?: Detail) => Promise<void>,
) {
  const sent = await h.text(key, text)
  if (sent) h.addTurn(key, { at: Date.now(), author: 'ai', text, model }, cart)
  await note(sent ? 'answered' : 'answer_failed', detail)
}

/** Replies that waited for the shopper's daytime, sent unless the thread changed meanwhile. */
export async function sendDeferred(h: ConversationHost): Promise<void> {
  const due = h.sql
    .exec<{
      key: string
      text: string
      model: string | null
      cart_id: string | null
      detail: string
    }>(
      'SELECT key, text, model, cart_id, detail FROM outgoing WHERE send_at <= ? ORDER BY send_at',
      Date.now(),
    )
    .toArray()
  for (const r of due) {
    const stub = r.cart_id
      ? cartStub(h.env.CART, { storeId: h.ref.storeId, cartId: r.cart_id })
      : null
    const note = async (what: string, detail?: Detail) => {
      await stub?.replied(what, detail)
    }
    if (await h.suppressed()) await note('received', { answered: false, reason: 'opted_out' })
    else
      await deliver(
        h,
        r.key,
        r.text,
        r.model ?? 'template',
        r.cart_id,
        JSON.parse(r.detail) as Detail,
        note,
      )
    h.sql.exec('DELETE FROM outgoing WHERE key = ?', r.key)
  }
}

/** The store's allowed incentive for this cart: issued once, the same code ever after. */
async function offer(
  h: ConversationHost,
  cart: CartState | null,
  now: number,
): Promise<Offer | null> {
  const incentive = h.policy.ai.incentive
  if (!cart || !incentive) return null
  const known = h.incentive.get(cart.cartId)
  if (known) return known
  const secret = getConfig(h.env).SIGNING_SECRET
  const issued = await issueCoupon(
    h.env.DB,
    secret,
    h.adapters.coupons,
    cart,
    { id: REPLY_STEP, incentive },
    `${cart.storeId}:${cart.cartId}:${REPLY_STEP}`,
    now,
    h.policy.currency,
  )
  if (!issued?.ok) return null
  const v = {
    code: issued.incentive.code,
    description: describeIncentive(incentive, h.policy.currency, cart.contact.locale ?? undefined),
  }
  h.incentive.set(cart.cartId, v)
  return v
}

/** A person takes over: the assistant goes silent on the thread and the merchant is emailed. */
async function handOff(
  h: ConversationHost,
  row: InboundRow,
  reason: string,
  note: (what: string, detail?: Detail) => Promise<void>,
) {
  h.setThread('needs_human')
  let emailed = false
  if (h.policy.handoff) {
    const key = `handoff:${h.ref.storeId}:${h.ref.address}:${row.sid}`
    const email = handoffEmail(
      h.policy,
      h.policy.handoff,
      h.ref.address,
      row.cart_id,
      reason,
      h.turns(row.cart_id),
    )
    const r = await h.adapters.email.send(email, { idempotencyKey: key })
    emailed = r.ok
    if (!r.ok) log('warn', 'handoff email not sent', { code: r.code })
    // In the messages list (and the dev outbox) like every email Cartback sends.
    const now = Date.now()
    await h.adapters.reports.publish({
      kind: 'message',
      id: await messageIdFor(key),
      storeId: h.ref.storeId,
      cartId: row.cart_id ?? '-',
      stepId: 'handoff',
      channel: 'email',
      to: email.to,
      status: r.ok ? 'sent' : 'failed',
      subject: email.subject,
      preheader: null,
      text: email.text,
      html: email.html,
      provider: h.adapters.email.provider,
      providerId: r.ok ? r.providerId : null,
      error: r.ok ? null : r.code,
      createdAt: now,
      updatedAt: now,
    })
  }
  await note('handoff', { reason, emailed })
}
