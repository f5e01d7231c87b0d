import { z } from 'zod'
import type { Store } from '../../db/stores'
import { contactPolicy } from '../../domain/store/settings'
import { normalizePhone } from '../../lib/contact'
import { log } from '../../lib/log'
import { httpUrl } from '../../lib/schemas'
import { cartStub, contactStub } from '../../objects/stubs'
import { describeIssues, parseJsonText } from '../validation'

/** The order meta the Cartback plugin writes at checkout (CONTRACT-13). */
export const CONSENT_META = '_cartback_sms_consent'

/** The ledger's source for evidence captured by the plugin's checkout field. */
const SOURCE = 'plugin'

const blankToNull = (v: unknown) => (v === '' ? null : v)

/** `{ granted, text, at, ip, userAgent, page, phone }` as the plugin saves it (JSON text). */
const ConsentMeta = z.object({
  granted: z.boolean(),
  text: z.string().trim().min(1).max(2000),
  // The plugin writes `gmdate( 'Y-m-d\TH:i:s\Z' )`; an offset or fractions are accepted too.
  at: z
    .string()
    .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$/, 'must be an ISO time')
    .refine((v) => Number.isFinite(Date.parse(v)), 'must be an ISO time'),
  ip: z.preprocess(blankToNull, z.string().trim().max(64).nullish()),
  userAgent: z.preprocess(blankToNull, z.string().nullish()),
  page: z.preprocess(blankToNull, httpUrl.nullish()),
  phone: z.preprocess(blankToNull, z.string().trim().max(40).nullish()),
})

type Meta = { key: string; value: unknown }

/**
 * Records the consent evidence the plugin saved on the order, on the phone's contact, as the
 * storefront records its own. The shopper's own words are the evidence: the text they saw, not
 * the store's current disclosure. A missing meta changes nothing; a malformed one is logged and
 * changes nothing (the order still counts). A redelivery, or the next `order.updated` of the
 * same order, adds nothing: the ledger already holds this exact record.
 */
export async function recordOrderConsent(
  env: Env,
  store: Store,
  order: { id: string; meta: Meta[] | null | undefined; billingPhone: string | null | undefined },
  cartId: string | null,
  base: string,
): Promise<void> {
  const raw = order.meta?.find((m) => m.key === CONSENT_META)?.value
  if (raw === undefined) return
  const parsed = ConsentMeta.safeParse(typeof raw === 'string' ? safeJson(raw) : raw)
  if (!parsed.success) {
    log('warn', 'woocommerce.consent_meta_invalid', {
      storeId: store.id,
      orderId: order.id,
      issues: describeIssues(parsed.error),
    })
    return
  }
  const m = parsed.data
  const country = store.settings.defaultCountry
  // The number the shopper agreed for (the evidence's own), else the order's billing phone: a
  // phone the merchant edits later must not inherit a consent it never gave.
  const phone =
    (m.phone?.trim() ? normalizePhone(m.phone, country) : null) ??
    (order.billingPhone?.trim() ? normalizePhone(order.billingPhone, country) : null)
  if (!phone) {
    log('warn', 'woocommerce.consent_without_phone', { storeId: store.id, orderId: order.id })
    return
  }
  const ref = { storeId: store.id, channel: 'sms' as const, address: phone }
  const contact = contactStub(env.CONTACT, ref)
  // The site's own time, unclamped: the same meta always makes the same record.
  const at = Date.parse(m.at)
  const known = await contact.ledger()
  if (known.some((r) => r.source === SOURCE && r.at === at && sameAnswer(r, m))) return
  const { optInRequest } = await contact.recordConsent(
    ref,
    {
      granted: m.granted,
      text: m.text,
      at,
      ip: m.ip ?? null,
      userAgent: m.userAgent ? m.userAgent.slice(0, 512) : null,
      page: m.page ?? null,
      cartId: cartId ?? '',
      source: SOURCE,
    },
    contactPolicy(store, base),
  )
  // The opt-in request is part of the story of the cart that asked for it, as on the storefront.
  if (optInRequest && cartId) {
    await cartStub(env.CART, { storeId: store.id, cartId }).noteMessage({
      ...optInRequest,
      channel: 'sms',
    })
  }
}

const sameAnswer = (a: { granted: boolean; text: string }, b: { granted: boolean; text: string }) =>
  a.granted === b.granted && a.text === b.text

function safeJson(text: string): unknown {
  try {
    return parseJsonText(text)
  } catch {
    return undefined
  }
}
