import { describe, expect, it } from 'vitest'
import { countSegments } from '../message/segments'
import { keywordOf, replies } from './keywords'

describe('keywordOf', () => {
  it.each([
    ['STOP', 'opt_out'],
    ['stop', 'opt_out'],
    [' Stop. ', 'opt_out'],
    ['STOPALL', 'opt_out'],
    ['unsubscribe', 'opt_out'],
    ['Cancel', 'opt_out'],
    ['end', 'opt_out'],
    ['QUIT', 'opt_out'],
    ['revoke', 'opt_out'],
    ['optout', 'opt_out'],
    ['opt out', 'opt_out'],
    ['YES', 'opt_in'],
    ['yes!', 'opt_in'],
    ['START', 'opt_in'],
    ['unstop', 'opt_in'],
    ['HELP', 'help'],
    ['info', 'help'],
    ['do you ship to Canada?', null],
    ['stop by tomorrow', null],
  ])('reads %j as %s', (body, keyword) => {
    expect(keywordOf(body)).toBe(keyword)
  })

  it('keeps every reply within one or two segments with a long store name', () => {
    const store = 'A'.repeat(40)
    for (const text of [
      replies.confirmRequest(store),
      replies.confirmed(store),
      replies.optedOut(store),
      replies.help(store, 'help@store.example'),
    ]) {
      expect(countSegments(text).segments).toBeLessThanOrEqual(2)
    }
  })
})
