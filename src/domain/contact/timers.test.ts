import { describe, expect, it } from 'vitest'
import { contact, DAY, NOW } from '#test/domain/contact'
import {
  RETENTION_MS,
  RETRY_MS,
  recentTexts,
  SETTLE_AFTER_MS,
  TURN_RETENTION_MS,
  wakeAt,
} from './machine'
import type { ContactState, ContactTimers } from './types'

// When the contact's one alarm rings, and which sent texts the daily cap counts.
describe('wakeAt', () => {
  const none: ContactTimers = {
    pendingInbound: false,
    deferredAt: null,
    oldestConsent: null,
    oldestTurn: null,
    oldestCalling: null,
  }
  it.each<[string, Partial<ContactState>, Partial<ContactTimers>, number | null]>([
    ['nothing waits: no alarm', {}, {}, null],
    ['a pending text: now', {}, { pendingInbound: true }, NOW],
    [
      'a pending text after a failure: at the retry',
      { retryAt: NOW + RETRY_MS },
      { pendingInbound: true },
      NOW + RETRY_MS,
    ],
    ['a deferred reply: at its time', {}, { deferredAt: NOW + 3_600_000 }, NOW + 3_600_000],
    [
      'a deferred reply after a failure: not before the retry',
      { retryAt: NOW + RETRY_MS },
      { deferredAt: NOW },
      NOW + RETRY_MS,
    ],
    ['a cut-off call: once it is surely over', {}, { oldestCalling: NOW }, NOW + SETTLE_AFTER_MS],
    ['consent evidence: at four years', {}, { oldestConsent: NOW }, NOW + RETENTION_MS],
    ['the thread: at a year', {}, { oldestTurn: NOW }, NOW + TURN_RETENTION_MS],
    [
      'several: the earliest',
      {},
      { oldestTurn: NOW, deferredAt: NOW + 5, oldestConsent: NOW },
      NOW + 5,
    ],
  ])('%s', (_n, state, timers, expected) => {
    expect(wakeAt(contact(state), { ...none, ...timers }, NOW)).toBe(expected)
  })
})

describe('recentTexts', () => {
  it('counts the texts of the last day only, oldest first', () => {
    expect(recentTexts([NOW - 1, NOW - DAY, NOW - 2 * DAY, NOW - 5], NOW)).toEqual([
      NOW - 5,
      NOW - 1,
    ])
  })
})
