import { z } from 'zod'
import { intIn } from '../../lib/schemas'
import { STORE_QUIET_BOUNDS } from '../sequence/quiet-hours'
import { DEFAULT_SEQUENCE, SenderSchema, SequenceSchema } from '../sequence/steps'
import { AssistantSchema, KnowledgeBaseSchema } from './assistant'
import { type HoldoutPolicy, HoldoutSchema, holdoutPolicy, NO_HOLDOUT } from './holdout'
import { StorefrontSchema } from './storefront'

const DAY = 86_400

/** Each setting's validation, without defaults (so a partial update sets only what it names). */
const fields = {
  /** Quiet time after the last cart activity before a cart counts as abandoned. */
  inactivitySeconds: intIn(1, 30 * DAY),
  /** How long a restore link stays valid. */
  restoreTtlSeconds: intIn(60, 90 * DAY),
  /** How long after abandonment (or a restore click) an order still counts as recovered. */
  attributionWindowSeconds: intIn(60, 90 * DAY),
  /**
   * Carts, their messages and timelines are erased this many days after their last change
   * (null: kept until deleted). Consent records follow their own 4-year rule.
   */
  retentionDays: intIn(30, 3650).nullable(),
  /** Region used to read phone numbers typed without a country code (ISO 3166-1 alpha-2). */
  defaultCountry: z.string().regex(/^[A-Z]{2}$/, 'two capital letters, such as US'),
  /** The recovery steps, in order of delay from abandonment. */
  sequence: SequenceSchema,
  /**
   * Recipient-local hours for texts. The law's window (8:00–21:00, 20:00 in FL, OK, WA) always
   * applies; a store may only narrow it.
   */
  quietHours: z
    .object({
      startHour: intIn(STORE_QUIET_BOUNDS.startHour.min, STORE_QUIET_BOUNDS.startHour.max),
      endHour: intIn(STORE_QUIET_BOUNDS.endHour.min, STORE_QUIET_BOUNDS.endHour.max),
    })
    .strict(),
  sender: SenderSchema,
  sms: z
    .object({
      /** Ask new numbers to reply YES before any reminder (on by default). */
      doubleOptIn: z.boolean(),
      /** Twilio Messaging Service (MG…) or a sending number in E.164. */
      messagingServiceSid: z
        .string()
        .regex(/^MG[0-9a-f]{32}$/, 'a Messaging Service SID (MG…)')
        .optional(),
      fromNumber: z
        .string()
        .regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +14155550123')
        .optional(),
    })
    .strict(),
  /** A recovered order is credited to the last message clicked or sent within these windows. */
  attribution: z
    .object({
      emailWindowSeconds: intIn(3600, 30 * DAY),
      smsWindowSeconds: intIn(3600, 30 * DAY),
    })
    .strict(),
  /** The storefront script: consent checkbox, exit-intent popup, Global Privacy Control. */
  storefront: StorefrontSchema,
  /** The share of abandoned carts held out of messages, and its period (issue 15). */
  holdout: HoldoutSchema,
  /** What replies to shoppers' texts may say about the store. */
  knowledgeBase: KnowledgeBaseSchema,
  /** Replies to shoppers' texts: on or off, the model, the incentive it may offer, handoff. */
  ai: AssistantSchema,
}

export const DEFAULT_SETTINGS = {
  inactivitySeconds: 3600,
  restoreTtlSeconds: 14 * DAY,
  attributionWindowSeconds: 7 * DAY,
  defaultCountry: 'US',
  retentionDays: 730,
  quietHours: { startHour: 8, endHour: 21 },
  sms: { doubleOptIn: true },
  attribution: { emailWindowSeconds: 5 * DAY, smsWindowSeconds: DAY },
} as const

/**
 * A store's settings. Every field has a default, so `SettingsSchema.parse({})` is a valid
 * configuration and settings stored by an older version still parse. Later capabilities
 * (sequence steps, quiet hours, sender, knowledge base) add fields here.
 */
export const SettingsSchema = z
  .object({
    inactivitySeconds: fields.inactivitySeconds.default(DEFAULT_SETTINGS.inactivitySeconds),
    restoreTtlSeconds: fields.restoreTtlSeconds.default(DEFAULT_SETTINGS.restoreTtlSeconds),
    attributionWindowSeconds: fields.attributionWindowSeconds.default(
      DEFAULT_SETTINGS.attributionWindowSeconds,
    ),
    defaultCountry: fields.defaultCountry.default(DEFAULT_SETTINGS.defaultCountry),
    retentionDays: fields.retentionDays.default(DEFAULT_SETTINGS.retentionDays),
    sequence: fields.sequence.default(DEFAULT_SEQUENCE),
    quietHours: fields.quietHours.default(DEFAULT_SETTINGS.quietHours),
    sender: fields.sender.default({ accentColor: '#4f46e5' }),
    sms: fields.sms.default(DEFAULT_SETTINGS.sms),
    attribution: fields.attribution.default(DEFAULT_SETTINGS.attribution),
    storefront: fields.storefront.prefault({}),
    knowledgeBase: fields.knowledgeBase.prefault({}),
    ai: fields.ai.prefault({}),
    holdout: fields.holdout.default(NO_HOLDOUT),
  })
  .strict()

export type Settings = z.infer<typeof SettingsSchema>

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Applies a partial settings object: objects (sender, sms, storefront.popup, …) merge key by key
 * at any depth; anything else (lists such as the sequence) replaces. The result still needs
 * `SettingsSchema`. Store creation merges onto the defaults, PATCH onto what is set.
 *
 * @example mergeSettings(SettingsSchema.parse({}), { sms: { fromNumber: '+14155550123' } })
 */
export function mergeSettings(
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...current }
  for (const [k, v] of Object.entries(patch)) {
    const was = current[k]
    out[k] = isObject(v) && isObject(was) ? mergeSettings(was, v) : v
  }
  return out
}

/**
 * What a cart needs to run on its own, alarms included: its timers, its sequence and how its
 * messages look. Built from the store's current settings for every event and every alarm; the
 * cart keeps the newest copy it has seen (see CartObject and docs/design/settings-in-flight.md).
 */
export type CartPolicy = Pick<
  Settings,
  | 'inactivitySeconds'
  | 'attributionWindowSeconds'
  | 'restoreTtlSeconds'
  | 'sequence'
  | 'quietHours'
  | 'sender'
  | 'attribution'
> & {
  storeName: string
  /** The store's currency: fixed incentives are amounts in it, whatever a cart says. */
  currency: string
  smsDoubleOptIn: boolean
  /**
   * Which settings these are: the store's last update time in ms, strictly increasing with
   * every update. A cart never trades its copy for an older one (a stale cache elsewhere).
   */
  version: number
  /** Public origin of the deployment, for the links in messages. */
  baseUrl: string
  /** Where texts come from: the store's Messaging Service or number. */
  smsFrom: { messagingServiceSid: string } | { number: string } | null
  /** The store's running holdout (issue 15): the share held out and the period. Null: none. */
  holdout?: HoldoutPolicy | null
  /** The event types the store's webhook endpoints take (issue 16); absent: none. */
  hookTypes?: string[]
}

/** What a contact object needs to answer and text for the store (a copy it keeps). */
export type ContactPolicy = {
  /** The event types the store's webhook endpoints take (issue 16); absent: none. */
  hookTypes?: string[]
  storeName: string
  doubleOptIn: boolean
  smsFrom: { messagingServiceSid: string } | { number: string } | null
  baseUrl: string
  /** Named in the HELP answer. */
  support: string | null
  currency: string
  quietHours: Settings['quietHours']
  restoreTtlSeconds: number
  knowledgeBase: Settings['knowledgeBase']
  ai: Settings['ai']
  /** Where a handoff to a person is emailed, and from which address; null when not set. */
  handoff: { to: string; from: string } | null
  /** Addresses a reply may give: the store's own. */
  supportContacts: string[]
}

/** The email From line for a store's sender: `"Name" <address>`, or null without an address. */
export function senderFrom(sender: Settings['sender'], storeName: string): string | null {
  if (!sender.fromEmail) return null
  const name = (sender.fromName ?? storeName).replace(/["<>\r\n]/g, '')
  return `"${name}" <${sender.fromEmail}>`
}

/** Where a store's texts come from: its Messaging Service, else its number, else nothing. */
export function smsFromOf(sms: Settings['sms']): CartPolicy['smsFrom'] {
  if (sms.messagingServiceSid) return { messagingServiceSid: sms.messagingServiceSid }
  return sms.fromNumber ? { number: sms.fromNumber } : null
}

export function contactPolicy(
  store: { name: string; currency: string; settings: Settings; webhookEvents?: string[] },
  baseUrl: string,
): ContactPolicy {
  const s = store.settings
  const to = s.ai.handoffEmail ?? s.sender.supportEmail ?? s.sender.replyTo
  const from = senderFrom(s.sender, store.name)
  return {
    ...(store.webhookEvents?.length ? { hookTypes: store.webhookEvents } : {}),
    storeName: store.name,
    doubleOptIn: s.sms.doubleOptIn,
    smsFrom: smsFromOf(s.sms),
    baseUrl,
    support: s.sender.supportEmail ?? s.sender.supportPhone ?? null,
    currency: store.currency,
    quietHours: s.quietHours,
    restoreTtlSeconds: s.restoreTtlSeconds,
    knowledgeBase: s.knowledgeBase,
    ai: s.ai,
    handoff: to && from ? { to, from } : null,
    supportContacts: [s.sender.supportEmail, s.sender.supportPhone, s.sender.replyTo].filter(
      (x): x is string => Boolean(x),
    ),
  }
}

/** The policy a cart runs on, from the store as it is now. */
export function cartPolicy(
  store: {
    name: string
    currency: string
    settings: Settings
    updatedAt: string
    webhookEvents?: string[]
  },
  baseUrl: string,
): CartPolicy {
  const s = store.settings
  return {
    version: Date.parse(store.updatedAt),
    storeName: store.name,
    currency: store.currency,
    baseUrl,
    inactivitySeconds: s.inactivitySeconds,
    attributionWindowSeconds: s.attributionWindowSeconds,
    restoreTtlSeconds: s.restoreTtlSeconds,
    sequence: s.sequence,
    quietHours: s.quietHours,
    sender: s.sender,
    attribution: s.attribution,
    smsDoubleOptIn: s.sms.doubleOptIn,
    smsFrom: smsFromOf(s.sms),
    holdout: holdoutPolicy(s.holdout),
    ...(store.webhookEvents?.length ? { hookTypes: store.webhookEvents } : {}),
  }
}
