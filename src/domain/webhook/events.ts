/**
 * The events Cartback sends to a store's webhook endpoints (issue 16): their types, the envelope
 * every delivery carries, and each type's `data`, as zod schemas. The README's JSON Schemas are
 * generated from these (`webhookJsonSchemas`), and tests check every event built against them.
 */
import { z } from 'zod'

/** Every event type an endpoint may subscribe to, in the order the README lists them. */
export const EVENT_TYPES = [
  'cart.abandoned',
  'cart.restored',
  'cart.recovered',
  'cart.converted',
  'cart.lost',
  'message.sent',
  'message.failed',
  'contact.opted_out',
  'contact.opted_in',
  'sms.reply_received',
  'sms.handoff',
] as const
export type EventType = (typeof EVENT_TYPES)[number]

/** The test event the dashboard's "Send test event" and the API's `test` send; never stored. */
export const TEST_EVENT_TYPE = 'webhook.test'

const isoTime = z.iso.datetime().describe('ISO-8601, UTC')
const minor = z.number().int().describe('integer minor units of `currency`')

/**
 * The person an event is about. Masked (`j•••@example.com`, `•••••••4567`, `J.`) unless the
 * endpoint opted in to contact details; a field the cart does not know is absent.
 */
export const ContactData = z
  .object({
    email: z.string().optional(),
    phone: z.string().optional(),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
  })
  .strict()

const CartItem = z
  .object({
    id: z.string(),
    name: z.string(),
    price: minor,
    quantity: z.number().int().min(1),
    variant: z.string().optional(),
  })
  .strict()

/**
 * The cart's statuses, as `cart/schema.ts` lists them (a test holds the two equal). Written out
 * here so that this file imports only zod: `npm run gen:webhook-schemas` loads it in plain Node.
 */
export const STATUSES = [
  'active',
  'abandoned',
  'restored',
  'recovered',
  'converted',
  'lost',
  'archived',
  'ignored',
] as const

/** What every cart event says of the cart at that moment. */
const CartData = z.object({
  cartId: z.string(),
  status: z.enum(STATUSES),
  currency: z.string().length(3),
  total: minor,
  itemCount: z.number().int().min(0),
  items: z.array(CartItem),
  contact: ContactData,
  abandonedAt: isoTime.nullable(),
})

const Channel = z.enum(['email', 'sms'])
/** The order, as the store reported it; null when the merchant marked the cart by hand. */
const Order = z.object({ id: z.string(), total: minor }).strict().nullable()

/** A sequence step's message: which, on which channel, to whom. */
const MessageData = z.object({
  cartId: z.string(),
  messageId: z.string().nullable(),
  step: z.string(),
  channel: Channel,
  contact: ContactData,
})

/** An opt-out or opt-in: the channel, who, how (`via`) and the contact's cart. */
function consentChange(via: string) {
  return z
    .object({
      channel: Channel,
      contact: ContactData,
      via: z.string().describe(via),
      cartId: z.string().nullable(),
    })
    .strict()
}

/** Each type's `data`. */
export const EVENT_DATA = {
  'cart.abandoned': CartData.strict(),
  'cart.restored': CartData.extend({
    step: z.string().nullable().describe('the step whose link was clicked'),
  }).strict(),
  'cart.recovered': CartData.extend({
    order: Order,
    revenue: minor.describe('the order total less refunds, credited to the recovery'),
    attribution: z
      .object({
        step: z.string().nullable(),
        channel: Channel.nullable(),
        variant: z.string().optional(),
        experiment: z.string().optional(),
      })
      .strict(),
  }).strict(),
  'cart.converted': CartData.extend({ order: Order }).strict(),
  'cart.lost': CartData.strict(),
  'message.sent': MessageData.strict(),
  'message.failed': MessageData.extend({ reason: z.string().nullable() }).strict(),
  'contact.opted_out': consentChange(
    'reply (a STOP text), one_click or unsubscribe_link (an email unsubscribe)',
  ),
  'contact.opted_in': consentChange('reply (a YES or START text)'),
  'sms.reply_received': z
    .object({
      contact: ContactData,
      body: z.string().describe("the shopper's text, as received"),
      cartId: z.string().nullable(),
      receivedAt: isoTime,
    })
    .strict(),
  'sms.handoff': z
    .object({
      contact: ContactData,
      cartId: z.string().nullable(),
    })
    .strict(),
} as const satisfies Record<EventType, z.ZodType>

export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA)[T]>

/** The body of every delivery. */
export const Envelope = z
  .object({
    id: z.string().describe('evt_…: the same for every attempt and redelivery'),
    type: z.enum([...EVENT_TYPES, TEST_EVENT_TYPE]),
    timestamp: isoTime.describe('when it happened'),
    storeId: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .strict()
export type WebhookEvent = z.infer<typeof Envelope>

/**
 * An event as an object records it: its type, its time, what orders it (`stream`: events of one
 * stream are delivered in order, as `cart:<id>` or `contact:<channel>:<address>`) and its data.
 */
export type Happened = {
  [T in EventType]: { type: T; at: number; stream: string; data: EventData<T> }
}[EventType]

/** Whether `type` is one an endpoint may subscribe to. */
export function isEventType(type: string): type is EventType {
  return (EVENT_TYPES as readonly string[]).includes(type)
}

/** A problem with `event`'s data against its type's schema, or null when it conforms. */
export function dataProblem(event: { type: string; data: unknown }): string | null {
  if (!isEventType(event.type)) return event.type === TEST_EVENT_TYPE ? null : 'unknown type'
  const r = EVENT_DATA[event.type].safeParse(event.data)
  return r.success ? null : z.prettifyError(r.error)
}

/** The JSON Schema of each type's full body (envelope and data), for the README. */
export function webhookJsonSchemas(): Record<EventType, unknown> {
  const out = {} as Record<EventType, unknown>
  for (const type of EVENT_TYPES) {
    const body = Envelope.extend({ type: z.literal(type), data: EVENT_DATA[type] })
    out[type] = z.toJSONSchema(body)
  }
  return out
}
