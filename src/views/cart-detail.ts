import { recoveredRevenue } from '../domain/cart/machine'
import type { CartState, JournalEntry, Order } from '../domain/cart/types'
import type { Turn } from '../domain/reply/types'
import { iso } from '../lib/time'
import type { CartSummary, MessageView } from './cart'

const isoOrUndefined = (ms: number | null) => (ms === null ? undefined : iso(ms))

/** The list shape, built from the cart's own state (detail and action responses). */
export function summaryOf(s: CartState): CartSummary {
  const summary: CartSummary = {
    storeId: s.storeId,
    cartId: s.cartId,
    status: s.status,
    currency: s.currency,
    total: s.total,
    itemCount: s.items.reduce((n, i) => n + i.quantity, 0),
    hasEmail: s.contact.email !== undefined,
    hasPhone: s.contact.phone !== undefined,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    lastActivityAt: iso(s.lastActivityAt),
  }
  const optional = {
    abandonedAt: isoOrUndefined(s.abandonedAt),
    abandonDueAt: isoOrUndefined(s.abandonDueAt),
    restoredAt: isoOrUndefined(s.restoredAt),
    recoveredAt: isoOrUndefined(s.recoveredAt),
    recoveredRevenue: s.recoveredAt === null ? undefined : recoveredRevenue(s),
    orderId: s.order?.id,
  }
  for (const [k, v] of Object.entries(optional)) {
    if (v !== undefined) Object.assign(summary, { [k]: v })
  }
  return summary
}

/** `CartDetail`: the summary plus everything the cart holds, with ISO times. */
export function detailOf(
  s: CartState,
  journal: JournalEntry[],
  restoreUrl: string,
  messages: MessageView[],
  conversation: { state: 'ai' | 'needs_human'; turns: Turn[] } | null = null,
) {
  return {
    ...summaryOf(s),
    items: s.items,
    contact: s.contact,
    consent: s.consents.map((c) => ({ ...c, at: iso(c.at) })),
    journal: journal.map((e) => ({ ...e, at: iso(e.at) })),
    messages,
    sequence: s.runs.map((r) => ({
      step: r.id,
      channel: r.channel,
      status: r.status,
      dueAt: iso(r.dueAt),
      notBefore: isoOrUndefined(r.notBefore),
      at: isoOrUndefined(r.at),
      reason: r.reason ?? undefined,
      messageId: r.messageId ?? undefined,
      // The step's variant this cart was given (issue 15), and its experiment.
      variant: r.variant ?? undefined,
      experiment: r.experiment ?? undefined,
    })),
    // Restore links rebuilt on the store this episode: first time, and repeats since.
    restores: s.restores.map((r) => ({ step: r.step, at: iso(r.at), repeats: r.repeats })),
    restoreUrl,
    // The SMS thread of this cart (null without a phone): who wrote what, and whether a person
    // has it (`needs_human`: the assistant is silent until the merchant resumes it).
    conversation: conversation
      ? {
          state: conversation.state,
          turns: conversation.turns.map((t) => ({ ...t, at: iso(t.at) })),
        }
      : null,
    order: s.order ? orderOf(s.order) : null,
    convertedAt: isoOrUndefined(s.convertedAt),
    lostAt: isoOrUndefined(s.lostAt),
    // Its side of the store's holdout (issue 15), decided at abandonment; null in none.
    experiment: s.experiment
      ? {
          arm: s.experiment.arm,
          period: s.experiment.period,
          assignedAt: iso(s.experiment.assignedAt),
        }
      : null,
  }
}

/** `CartDetail.order`, field by field: times as ISO text (the cart stores epoch ms). */
function orderOf(o: Order) {
  return {
    id: o.id,
    status: o.status,
    paid: o.paid,
    total: o.total,
    refunded: o.refunded,
    currency: o.currency,
    source: o.source,
    placedAt: iso(o.placedAt),
    modifiedAt: o.modifiedAt === null ? null : iso(o.modifiedAt),
    updatedAt: iso(o.updatedAt),
    statusBefore: o.statusBefore,
  }
}

/** What the detail endpoint and page show. */
export type CartDetail = ReturnType<typeof detailOf>
