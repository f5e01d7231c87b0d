import { describe, expect, it } from 'vitest'
import {
  consent,
  contact,
  DAY,
  DISCLOSURE,
  inbound,
  NOW,
  policy,
  received,
  record,
} from '#test/domain/contact'
import { replies } from './keywords'
import {
  MAX_ATTEMPTS,
  next,
  RETENTION_MS,
  RETRY_MS,
  SETTLE_AFTER_MS,
  TURN_RETENTION_MS,
} from './machine'
import type { ContactEvent, ContactState, ContactTransition } from './types'

type Row = [string, ContactState, ContactEvent, ContactTransition, typeof policy?]

const rows: Row[] = [
  [
    'a first SMS consent under double opt-in asks for YES under the cart it came from',
    contact(),
    consent(),
    {
      state: contact({ optIn: 'pending' }),
      effects: [
        { type: 'append_consent', record: record() },
        { type: 'request_opt_in', cartId: 'cart_1', body: replies.confirmRequest('Acme') },
      ],
    },
  ],
  [
    'the same consent again appends nothing and asks nothing',
    contact({ optIn: 'pending' }),
    consent({}, { granted: true, text: DISCLOSURE }),
    { state: contact({ optIn: 'pending' }), effects: [] },
  ],
  [
    'a consent with new wording is appended (the ledger keeps every text shown)',
    contact({ optIn: 'confirmed' }),
    consent({}, { granted: true, text: 'older wording' }),
    {
      state: contact({ optIn: 'confirmed' }),
      effects: [{ type: 'append_consent', record: record() }],
    },
  ],
  [
    'without double opt-in a consent is only recorded',
    contact(),
    consent(),
    { state: contact(), effects: [{ type: 'append_consent', record: record() }] },
    { ...policy, doubleOptIn: false },
  ],
  [
    'a suppressed number is not asked for YES',
    contact({ suppressed: true }),
    consent(),
    {
      state: contact({ suppressed: true }),
      effects: [{ type: 'append_consent', record: record() }],
    },
  ],
  [
    'a withdrawn SMS consent resets the opt-in',
    contact({ optIn: 'confirmed' }),
    consent({ granted: false }, { granted: true, text: DISCLOSURE }),
    {
      state: contact({ optIn: 'none' }),
      effects: [{ type: 'append_consent', record: record({ granted: false }) }],
    },
  ],
  [
    'an email consent never asks for YES',
    contact(),
    consent({}, null, 'email'),
    { state: contact(), effects: [{ type: 'append_consent', record: record() }] },
  ],
  [
    'a YES request that failed leaves the number unasked',
    contact({ optIn: 'pending' }),
    { type: 'opt_in.requested', outcome: 'failed' },
    { state: contact({ optIn: 'none' }), effects: [] },
  ],
  [
    'a YES request Twilio may have delivered still awaits YES',
    contact({ optIn: 'pending' }),
    { type: 'opt_in.requested', outcome: 'unknown' },
    { state: contact({ optIn: 'pending' }), effects: [] },
  ],
  [
    'a registered cart becomes the active one',
    contact({ activeCart: 'cart_old' }),
    { type: 'cart.registered', cartId: 'cart_new' },
    { state: contact({ activeCart: 'cart_new' }), effects: [] },
  ],
  [
    'a counted text is kept two days for the daily cap',
    contact(),
    { type: 'text.counted', at: NOW - 10, cartId: 'cart_1' },
    {
      state: contact(),
      effects: [{ type: 'count_text', at: NOW - 10, cartId: 'cart_1', pruneBefore: NOW - 2 * DAY }],
    },
  ],
  [
    'a text is kept pending under the active cart and joins the thread',
    contact({ activeCart: 'cart_1' }),
    received('do you ship to Canada?'),
    {
      state: contact({ activeCart: 'cart_1' }),
      effects: inbound('do you ship to Canada?', 'cart_1'),
    },
  ],
  [
    'a redelivered text (same SID) changes nothing',
    contact({ activeCart: 'cart_1' }),
    received('HELP', { duplicate: true }),
    { state: contact({ activeCart: 'cart_1' }), effects: [] },
  ],
  [
    'a STOP suppresses at once, before it is handled',
    contact(),
    received('STOP'),
    { state: contact({ suppressed: true }), effects: inbound('STOP', null, { optOut: true }) },
  ],
  [
    'plain words of opt-out suppress at once too',
    contact(),
    received('stop texting me'),
    {
      state: contact({ suppressed: true }),
      effects: inbound('stop texting me', null, { optOut: true }),
    },
  ],
  [
    'a STOP from a number on the D1 list is marked as already suppressed',
    contact(),
    received('STOP', { suppressed: true }),
    {
      state: contact({ suppressed: true }),
      effects: inbound('STOP', null, { optOut: true, wasSuppressed: true }),
    },
  ],
  [
    'a second STOP is marked as already suppressed by the object itself',
    contact({ suppressed: true }),
    received('stop'),
    {
      state: contact({ suppressed: true }),
      effects: inbound('stop', null, { optOut: true, wasSuppressed: true }),
    },
  ],
  [
    'a handled STOP suppresses everywhere and confirms once',
    contact({ optIn: 'confirmed' }),
    { type: 'sms.opted_out', sid: 'SM1', alreadySuppressed: false },
    {
      state: contact({ suppressed: true, optIn: 'none' }),
      effects: [
        { type: 'suppress' },
        { type: 'send_text', key: 'stop-SM1', body: replies.optedOut('Acme') },
      ],
    },
  ],
  [
    'a STOP from a number already opted out gets no confirmation',
    contact({ suppressed: true }),
    { type: 'sms.opted_out', sid: 'SM2', alreadySuppressed: true },
    { state: contact({ suppressed: true }), effects: [{ type: 'suppress' }] },
  ],
  [
    'START lifts the suppression, confirms the opt-in and says so',
    contact({ suppressed: true }),
    { type: 'sms.opted_in', sid: 'SM3' },
    {
      state: contact({ optIn: 'confirmed' }),
      effects: [
        { type: 'unsuppress' },
        { type: 'send_text', key: 'start-SM3', body: replies.confirmed('Acme') },
      ],
    },
  ],
  [
    'HELP is answered with the support contact',
    contact(),
    { type: 'sms.help_asked', sid: 'SM4' },
    {
      state: contact(),
      effects: [
        { type: 'send_text', key: 'help-SM4', body: replies.help('Acme', 'help@acme.example') },
      ],
    },
  ],
  [
    'a handoff gives the thread to a person',
    contact(),
    { type: 'thread.handed_off' },
    { state: contact({ thread: 'needs_human' }), effects: [] },
  ],
  [
    'resuming gives the thread back to the assistant',
    contact({ thread: 'needs_human' }),
    { type: 'thread.resumed' },
    { state: contact({ thread: 'ai' }), effects: [] },
  ],
  [
    'a failed handling keeps the text pending',
    contact(),
    { type: 'handling.failed', sid: 'SM5', attempts: 1 },
    {
      state: contact(),
      effects: [{ type: 'mark_inbound', sid: 'SM5', attempts: 1, pending: true }],
    },
  ],
  [
    'the fifth failure stops retrying and hands the text to a person',
    contact(),
    { type: 'handling.failed', sid: 'SM5', attempts: MAX_ATTEMPTS },
    {
      state: contact(),
      effects: [
        { type: 'mark_inbound', sid: 'SM5', attempts: MAX_ATTEMPTS, pending: false },
        { type: 'give_up', sid: 'SM5' },
      ],
    },
  ],
  [
    'a round with a failure retries a minute later',
    contact(),
    { type: 'handling.finished', failed: true },
    { state: contact({ retryAt: NOW + RETRY_MS }), effects: [] },
  ],
  [
    'a clean round clears the retry',
    contact({ retryAt: NOW - 1 }),
    { type: 'handling.finished', failed: false },
    { state: contact(), effects: [] },
  ],
  [
    'the alarm settles cut-off calls and purges past retention',
    contact(),
    { type: 'alarm.rang' },
    {
      state: contact(),
      effects: [
        { type: 'settle_calls', before: NOW - SETTLE_AFTER_MS },
        {
          type: 'purge',
          consentBefore: NOW - RETENTION_MS,
          turnsBefore: NOW - TURN_RETENTION_MS,
        },
      ],
    },
  ],
]

describe('next', () => {
  it.each(rows)('%s', (_name, state, event, expected, p = policy) => {
    expect(next(state, event, NOW, p)).toEqual(expected)
  })

  it('never changes the state it was given', () => {
    const state = contact()
    const frozen = structuredClone(state)
    for (const [, s, e] of rows) next(s, e, NOW, policy)
    next(state, received('STOP'), NOW, policy)
    expect(state).toEqual(frozen)
  })
})
