import { z } from 'zod'

/**
 * The SMS disclosure shown beside a phone field and in the exit-intent popup. `{store}` becomes
 * the store's name; the rendered text is what the shopper sees and what the consent ledger keeps.
 */
export const DEFAULT_SMS_DISCLOSURE =
  'Text me reminders about my cart and offers from {store}. Up to 3 msgs per cart; msg frequency varies. ' +
  'Msg & data rates may apply. Consent is not a condition of purchase. Reply STOP to cancel, HELP for help.'

const text = (max: number) => z.string().trim().min(1).max(max)

/** What the storefront script does on the store's pages, beyond capturing carts. */
export const StorefrontSchema = z
  .object({
    /** Send nothing for shoppers whose browser signals Global Privacy Control. */
    respectGpc: z.boolean().default(false),
    /** The consent disclosure; `{store}` is replaced by the store's name. */
    smsDisclosure: text(600).default(DEFAULT_SMS_DISCLOSURE),
    /**
     * Add an unchecked SMS consent checkbox beside the checkout's phone field (WooCommerce).
     * Turn off when the store collects consent itself.
     */
    consentCheckbox: z.boolean().default(true),
    /** The exit-intent popup asking for a phone number (off by default). */
    popup: z
      .object({
        enabled: z.boolean().default(false),
        /** Shown at most once per this many days to one browser. */
        everyDays: z.number().int().min(1).max(365).default(7),
        /** Ask for an email address as well as the phone number. */
        askEmail: z.boolean().default(false),
        title: text(80).default('Save your cart?'),
        body: text(300).default('We will text you a link back to your cart, so nothing gets lost.'),
        button: text(40).default('Text me my cart'),
      })
      .strict()
      .prefault({}),
  })
  .strict()

export type StorefrontSettings = z.infer<typeof StorefrontSchema>

/** What the storefront script reads from `GET /v1/config/:key`: public, no secrets. */
export type StorefrontConfig = {
  respectGpc: boolean
  /** The exact disclosure to show next to the phone field, or null when the store has its own. */
  consent: string | null
  popup: null | {
    everyDays: number
    askEmail: boolean
    title: string
    body: string
    button: string
    consent: string
    accentColor: string
    /** The popup tells the shopper a confirmation text follows. */
    doubleOptIn: boolean
  }
}

/** The SMS disclosure exactly as shoppers see it: `{store}` replaced by the store's name. */
export function disclosure(store: { name: string; settings: { storefront: StorefrontSettings } }) {
  // A function, so `$&` or `$'` in a store's name is text, not a replacement pattern.
  return store.settings.storefront.smsDisclosure.replaceAll('{store}', () => store.name)
}

/** The public storefront configuration of a store, with the disclosure rendered. */
export function storefrontConfig(store: {
  name: string
  settings: {
    storefront: StorefrontSettings
    sender: { accentColor: string }
    sms: { doubleOptIn: boolean }
  }
}): StorefrontConfig {
  const s = store.settings.storefront
  const text = disclosure(store)
  const { enabled, ...popup } = s.popup
  return {
    respectGpc: s.respectGpc,
    consent: s.consentCheckbox ? text : null,
    popup: enabled
      ? {
          ...popup,
          consent: text,
          accentColor: store.settings.sender.accentColor,
          doubleOptIn: store.settings.sms.doubleOptIn,
        }
      : null,
  }
}
