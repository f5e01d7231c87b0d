// Shared by the contact machine's table tests (Node): a store policy, a contact, its events.

import { newContact } from '../../src/domain/contact/machine'
import type {
  ConsentRecord,
  ContactEffect,
  ContactEvent,
  ContactState,
} from '../../src/domain/contact/types'

export const NOW = 1_700_000_000_000
export const DAY = 86_400_000
export const policy = { storeName: 'Acme', doubleOptIn: true, support: 'help@acme.example' }
export const DISCLOSURE = 'Text me cart reminders. Reply STOP to opt out.'

/** A contact as new, with `o` changed. */
export const contact = (o: Partial<ContactState> = {}): ContactState => ({ ...newContact(), ...o })
/** A granted SMS consent from the storefront, with `o` changed. */
export const record = (o: Partial<ConsentRecord> = {}): ConsentRecord => ({
  granted: true,
  text: DISCLOSURE,
  at: NOW,
  ip: '203.0.113.9',
  userAgent: null,
  page: null,
  cartId: 'cart_1',
  source: 'storefront',
  ...o,
})
/** A consent recorded after `last` (the ledger's newest record). */
export const consent = (
  o: Partial<ConsentRecord> = {},
  last: { granted: boolean; text: string } | null = null,
  channel: 'sms' | 'email' = 'sms',
): ContactEvent => ({ type: 'consent.recorded', channel, record: record(o), last })
/** A text received now (SID SM1). */
export const received = (body: string, o: { duplicate?: boolean; suppressed?: boolean } = {}) =>
  ({
    type: 'sms.received',
    sid: 'SM1',
    body,
    at: NOW - 5,
    duplicate: false,
    suppressed: false,
    ...o,
  }) as const
/** The effects of `received(body)`: kept pending, and a turn of the thread. */
export const inbound = (
  body: string,
  cartId: string | null,
  o: Partial<Record<string, boolean>> = {},
): ContactEffect[] => [
  {
    type: 'store_inbound',
    text: { sid: 'SM1', at: NOW - 5, body, cartId, wasSuppressed: false, optOut: false, ...o },
  },
  {
    type: 'add_turn',
    key: 'in-SM1',
    turn: { at: NOW - 5, author: 'shopper', text: body, model: null },
    cartId,
  },
]
