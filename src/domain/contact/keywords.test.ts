import { describe, expect, it } from 'vitest'
import { countSegments } from '../message/segments'
import { keywordOf, optOutVerdict, replies } from './keywords'

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

describe('opt-outs in plain words', () => {
  it.each([
    'Stop texting me',
    'please stop messaging me!!',
    "don't text me again",
    'Do not contact me',
    'no more texts',
    'unsubscribe me please',
    'Remove me from your list',
    'take me off this list',
    'leave me alone',
    'wrong number',
    'stop it',
    'STOP PLEASE',
    'No más',
    'no mas mensajes',
    'Deja de enviarme mensajes',
    'no me envíes más',
    'quiero darme de baja',
    'Basta ya',
    'para de escribirme',
    'No quiero más mensajes',
    'no more please',
    'ＳＴＯＰ',
  ])('"%s" is an opt-out', (body) => {
    expect(optOutVerdict(body)).toBe('opt_out')
  })

  it.each([
    'Can I stop by the store to pick it up?',
    'how do I cancel my order?',
    'I want to remove the mug from my cart',
    'Can I stop by the store now?',
    '¿El tacón es alto?',
  ])('"%s" is unsure: the model decides, and doubt means opt-out', (body) => {
    expect(optOutVerdict(body)).toBe('unsure')
  })

  it.each([
    'do you ship to Canada?',
    'is there a discount?',
    'yes I still want it',
    '¿Hacen envíos a México?',
    '¿Es para niños?',
    "Don't send the blue one, I want the red",
    'thanks!',
  ])('"%s" is not an opt-out', (body) => {
    expect(optOutVerdict(body)).toBe('keep')
  })
})

describe('the keyword matrix', () => {
  it.each([
    ['STOP', 'opt_out'],
    ['stop', 'opt_out'],
    [' Stop. ', 'opt_out'],
    ['STOPALL', 'opt_out'],
    ['UNSUBSCRIBE', 'opt_out'],
    ['CANCEL', 'opt_out'],
    ['END', 'opt_out'],
    ['QUIT', 'opt_out'],
    ['REVOKE', 'opt_out'],
    ['OPTOUT', 'opt_out'],
    ['opt out', 'opt_out'],
    ['START', 'opt_in'],
    ['UNSTOP', 'opt_in'],
    ['YES', 'opt_in'],
    ['y', 'opt_in'],
    ['HELP', 'help'],
    ['info', 'help'],
    ['stop texting me', null],
    ['yes please', null],
  ] as const)('%j is %s', (body, keyword) => {
    expect(keywordOf(body)).toBe(keyword)
  })
})
