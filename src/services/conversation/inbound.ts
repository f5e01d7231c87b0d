import { getConfig } from '../../config'
import type { CartState } from '../../domain/cart/types'
import { keywordOf, optOutVerdict } from '../../domain/contact/keywords'
import type { InboundText } from '../../domain/contact/types'
import { describeIncentive } from '../../domain/message/format'
import { replyTime, underReplyCap } from '../../domain/reply/policy'
import { respond } from '../../domain/reply/respond'
import { recipientWindow } from '../../domain/sequence/quiet-hours'
import { log } from '../../lib/log'
import { messageIdFor } from '../delivery/codes'
import { issueCoupon } from '../delivery/coupon'
import type { ConversationHost } from './host'
import { guardContext, handoffEmail, REPLY_STEP, replyInput, replyLink } from './reply-context'
import type { Offer } from './store'

type Detail = Record<string, string | number | boolean | null>
type Note = (what: string, detail?: Detail) => Promise<void>

const noteFor =
  (h: ConversationHost, cartId: string | null): Note =>
  async (what, detail) => {
    if (cartId) await h.cart(cartId).replied(what, detail)
  }

/**
 * One text from the shopper. Opt-outs first (a keyword or plain words, already in effect since
 * the text arrived), then START/YES and HELP, then nothing more for an opted-out number; then
 * unsure wording (the model's opinion, doubt counting as an opt-out); otherwise an answer, unless
 * the assistant is off, a person has the thread or the hourly cap is reached. Every outcome is
 * journaled on the cart.
 */
export async function handleInbound(h: ConversationHost, row: InboundText): Promise<void> {
  const note = noteFor(h, row.cartId)
  const keyword = keywordOf(row.body)
  if (row.optOut) {
    await h.optOut(row.sid, row.wasSuppressed)
    return note('opt_out', { via: keyword === 'opt_out' ? 'keyword' : 'words' })
  }
  // "Yes" is the double opt-in answer, or a re-subscription after STOP; in a conversation it is
  // just yes.
  const justYes =
    keyword === 'opt_in' &&
    /^\s*(yes|y)[.!\s]*$/i.test(row.body) &&
    h.optInState() !== 'pending' &&
    !row.wasSuppressed
  if (keyword === 'opt_in' || keyword === 'help') {
    if (!justYes) {
      await h.keyword(keyword, row.sid)
      return note(keyword)
    }
  }
  // After STOP a number gets nothing but the answers to its keywords.
  if (await h.suppressed()) return note('received', { answered: false, reason: 'opted_out' })
  if (optOutVerdict(row.body) === 'unsure') {
    const opinion = await h.adapters.responder(h.policy.ai.model).isOptOut(row.body)
    if (opinion !== false) {
      await h.optOut(row.sid, row.wasSuppressed)
      return note('opt_out', { via: opinion ? 'model' : 'doubt' })
    }
  }
  if (!h.policy.ai.enabled) return note('received', { answered: false, reason: 'assistant_off' })
  if (h.thread() === 'needs_human')
    return note('received', { answered: false, reason: 'needs_human' })
  const now = h.now()
  if (!underReplyCap(aiTimes(h), now))
    return note('received', { answered: false, reason: 'reply_cap' })
  await answer(h, row, note, now)
}

const aiTimes = (h: ConversationHost) =>
  h.store
    .thread(null)
    .filter((t) => t.author === 'ai')
    .map((t) => t.at)

async function answer(h: ConversationHost, row: InboundText, note: Note, now: number) {
  const stub = row.cartId ? h.cart(row.cartId) : null
  const cart = stub ? ((await stub.snapshot())?.state ?? null) : null
  const secret = getConfig(h.env).SIGNING_SECRET
  const link =
    cart && cart.items.length > 0 ? await replyLink(h.env.DB, secret, cart, h.policy, now) : null
  const firstAi = aiTimes(h).length === 0
  const history = h.store
    .thread(row.cartId)
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
        code ?? (cart ? (h.store.offer(cart.cartId)?.code ?? null) : null),
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

  const { location, hours } = recipientWindow(
    h.policy.quietHours,
    h.ref.address,
    cart?.contact.timezone ?? undefined,
  )
  const at = replyTime(now, row.at, location, hours)
  const key = `ai-${row.sid}`
  let handoff = outcome.handoff
  if (at === null) {
    // No daytime within reach: a person answers instead.
    await note('received', { answered: false, reason: 'quiet_hours' })
    handoff ??= 'quiet_hours'
  } else if (at > now) {
    h.store.defer({
      key,
      sendAt: at,
      text: outcome.text,
      model,
      cartId: row.cartId,
      detail: JSON.stringify({ detail, askedAt: row.at }),
    })
    await note('answer_deferred', { ...detail, until: new Date(at).toISOString() })
  } else if (!(await deliver(h, key, outcome.text, model, row.cartId, detail, note))) {
    handoff ??= 'send_failed'
  }
  if (handoff) await handOff(h, row, handoff, note)
}

/**
 * Sends one answer, unless the number opted out meanwhile. A refusal worth retrying (429, 5xx,
 * no answer) throws, so the text stays pending and is tried again; any other failure is
 * journaled and returns false (the caller hands the thread to a person).
 */
async function deliver(
  h: ConversationHost,
  key: string,
  text: string,
  model: string,
  cart: string | null,
  detail: Detail,
  note: Note,
): Promise<boolean> {
  if (await h.suppressed()) {
    await note('received', { answered: false, reason: 'opted_out' })
    return true
  }
  // The turn goes in with the key's `sent` mark (one commit).
  const sent = await h.text(key, text, { turn: { author: 'ai', text, model }, cartId: cart })
  if (!sent.ok && sent.retryable) throw new Error(`answer not sent, will retry: ${sent.code}`)
  await note(
    sent.ok ? 'answered' : 'answer_failed',
    sent.ok ? detail : { ...detail, error: sent.code },
  )
  return sent.ok
}

/**
 * Replies that waited for the shopper's daytime. Dropped when the number opted out, a person has
 * the thread, the assistant was turned off, or the merchant answered since.
 */
export async function sendDeferred(h: ConversationHost): Promise<void> {
  const due = h.store.dueReplies(h.now())
  for (const r of due) {
    const note = noteFor(h, r.cartId)
    const { detail, askedAt } = JSON.parse(r.detail) as { detail: Detail; askedAt: number }
    const answeredByHand = h.store
      .thread(r.cartId)
      .some((t) => t.author === 'merchant' && t.at > askedAt)
    const stale = !h.policy.ai.enabled
      ? 'assistant_off'
      : h.thread() === 'needs_human'
        ? 'needs_human'
        : answeredByHand
          ? 'answered_by_merchant'
          : null
    if (stale) await note('received', { answered: false, reason: stale })
    else if (!(await deliver(h, r.key, r.text, r.model ?? 'template', r.cartId, detail, note))) {
      await handOff(h, { sid: r.key, cartId: r.cartId }, 'send_failed', note)
    }
    h.store.dropReply(r.key)
  }
}

/** A text that could not be handled after every retry: a person takes it. */
export async function giveUp(h: ConversationHost, row: InboundText): Promise<void> {
  const note = noteFor(h, row.cartId)
  await note('received', { answered: false, reason: 'handling_failed' })
  await handOff(h, row, 'handling_failed', note)
}

/** The store's allowed incentive for this cart: issued once, the same code ever after. */
async function offer(
  h: ConversationHost,
  cart: CartState | null,
  now: number,
): Promise<Offer | null> {
  const incentive = h.policy.ai.incentive
  if (!cart || !incentive) return null
  const known = h.store.offer(cart.cartId)
  if (known) return known
  const secret = getConfig(h.env).SIGNING_SECRET
  const issued = await issueCoupon({
    db: h.env.DB,
    secret,
    coupons: h.adapters.coupons,
    cart,
    step: { id: REPLY_STEP, incentive },
    key: `${cart.storeId}:${cart.cartId}:${REPLY_STEP}`,
    now,
    storeCurrency: h.policy.currency,
  })
  if (!issued?.ok) return null
  const v = {
    code: issued.incentive.code,
    description: describeIncentive(incentive, h.policy.currency, cart.contact.locale ?? undefined),
  }
  h.store.saveOffer(cart.cartId, v)
  return v
}

/** A person takes over: the assistant goes silent on the thread and the merchant is emailed. */
async function handOff(
  h: ConversationHost,
  row: Pick<InboundText, 'sid' | 'cartId'>,
  reason: string,
  note: Note,
) {
  h.handOff()
  let emailed = false
  if (h.policy.handoff) {
    const key = `handoff:${h.ref.storeId}:${h.ref.address}:${row.sid}`
    const email = handoffEmail(
      h.policy,
      h.policy.handoff,
      h.ref.address,
      row.cartId,
      reason,
      h.store.thread(row.cartId),
    )
    const r = await h.adapters.email.send(email, { idempotencyKey: key })
    emailed = r.ok
    if (!r.ok) log('warn', 'handoff email not sent', { code: r.code })
    // In the messages list (and the dev outbox) like every email Cartback sends.
    const now = h.now()
    await h.adapters.reports.publish({
      kind: 'message',
      id: await messageIdFor(key),
      storeId: h.ref.storeId,
      cartId: row.cartId ?? '-',
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
