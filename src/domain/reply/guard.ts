import { currencyExponent } from '../../lib/money'
import { countSegments } from '../message/segments'
import { MAX_SMS_SEGMENTS } from '../message/sms'

/** What a reply may mention: everything else is a problem (invented, foreign or leaked). */
export type GuardContext = {
  currency: string
  /** The one link a reply may carry; null when the shopper has no cart to go back to. */
  restoreUrl: string | null
  /** Amounts in minor units: the cart's prices and totals, the incentive, the store's facts. */
  allowedMoney: number[]
  allowedPercents: number[]
  /** Coupon codes the reply may name (upper case). */
  allowedCodes: string[]
  /** Addresses a reply may show: the shopper's own and the store's support contacts. */
  allowedContacts: string[]
  /** The first AI message of a thread says it is automated. */
  firstAiMessage: boolean
  /**
   * The facts the reply may repeat: the cart's item names and the store's knowledge base.
   * Amounts, percentages and code-like words found there are allowed too.
   */
  knownText: string
}

export type Problem =
  | 'empty'
  | 'foreign_link'
  | 'unknown_amount'
  | 'unknown_percent'
  | 'unknown_code'
  | 'foreign_contact'

export type Guarded =
  | { ok: true; text: string; repairs: ('disclosure' | 'shortened')[] }
  | { ok: false; problems: Problem[] }

/** How the first AI message of a thread begins when the model did not say it. */
export const DISCLOSURE = '(Automated reply) '

const URL_RE =
  /\b(?:h[tx]{2}ps?:\/\/|www\.)[^\s<>"')]+|\b(?:[a-z0-9-]+(?:\.|\[\.\]|\(dot\)|\[dot\]))+[a-z]{2,}\b(?:\/[^\s<>"')]*)?/gi
const NUM = '(\\d[\\d,]*(?:\\.\\d+)?)'
const CUR = '(?:usd|eur|gbp|cad|aud|dollars?|euros?|pounds?|d[oó]lares)'
const MONEY_RE = new RegExp(
  `[$€£¥]\\s?${NUM}|${NUM}\\s?(?:[$€£¥]|${CUR}\\b)|\\b(?:usd|eur|gbp|cad|aud)\\s?${NUM}`,
  'gi',
)
const PERCENT_RE = /(\d+(?:\.\d+)?)\s?(?:%|percent\b|pct\b|por ciento\b)/gi
const HALF_RE = /\bhalf (?:off|price)\b|\bmitad de precio\b|\b2 ?for ?1\b/gi
const CODE_TOKEN_RE =
  /\b(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\b/g
const CODE_WORD_RE =
  /\b(?:code|coupon|promo|c[oó]digo|cup[oó]n)\b:?\s+["']?([A-Za-z0-9][A-Za-z0-9-]{2,})/gi
const EMAIL_RE = /[^\s@<>()"']+@[^\s@<>()"']+\.[a-z]{2,}/gi
const PHONE_RE = /\+?\d[\d\s().-]{6,}\d/g
const DISCLOSED =
  /^\s*[([]?\s*(automated|auto-reply|automatic|this is an automated|respuesta autom)/i

const digits = (s: string) => s.replace(/\D/g, '')

/** Every money amount written in `text`, in minor units of `currency`. */
export function amountsIn(text: string, currency: string): number[] {
  const exp = currencyExponent(currency)
  return [...text.normalize('NFKC').matchAll(MONEY_RE)].map((m) =>
    Math.round(Number((m[1] ?? m[2] ?? m[3] ?? '').replace(/,/g, '')) * 10 ** exp),
  )
}

/** Every percentage written in `text` ("half off" is 50). */
export function percentsIn(text: string): number[] {
  const t = text.normalize('NFKC')
  return [
    ...[...t.matchAll(PERCENT_RE)].map((m) => Number(m[1])),
    ...[...t.matchAll(HALF_RE)].map(() => 50),
  ]
}

/**
 * Checks a drafted reply and repairs what can be repaired: the automated-message disclosure is
 * added where it is missing, and a long reply is cut at a sentence to fit two segments (keeping
 * the restore link). Invented amounts, percentages or codes, foreign links and other people's
 * addresses cannot be repaired: the reply is refused with the problems found.
 */
export function guardReply(draft: string, ctx: GuardContext): Guarded {
  // NFKC first: full-width digits and letters ("５０%") read as what they look like.
  let text = draft
    .normalize('NFKC')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^["']|["']$/g, '')
  if (!text) return { ok: false, problems: ['empty'] }
  const problems = new Set<Problem>()
  const withoutLink = ctx.restoreUrl ? text.split(ctx.restoreUrl).join(' ') : text

  const bare = (link: string) => link.toLowerCase().replace(/[.,;:!?]+$/, '')
  const knownLinks = new Set([...ctx.knownText.matchAll(URL_RE)].map((m) => bare(m[0])))
  for (const m of withoutLink.matchAll(URL_RE)) {
    // An email address's domain is not a link (it is checked below as a contact), and the
    // store's own links, as written in its facts, may be repeated.
    const before = withoutLink.slice(0, m.index)
    if (/@[^\s]*$/.test(before) || knownLinks.has(bare(m[0]))) continue
    problems.add('foreign_link')
  }
  const money = new Set([...ctx.allowedMoney, ...amountsIn(ctx.knownText, ctx.currency)])
  for (const minor of amountsIn(withoutLink, ctx.currency)) {
    if (!money.has(minor)) problems.add('unknown_amount')
  }
  const percents = new Set([...ctx.allowedPercents, ...percentsIn(ctx.knownText)])
  for (const p of percentsIn(withoutLink)) {
    if (!percents.has(p)) problems.add('unknown_percent')
  }
  const codes = new Set(
    [...ctx.allowedCodes, ...(ctx.knownText.match(CODE_TOKEN_RE) ?? [])].map((c) =>
      c.toUpperCase(),
    ),
  )
  const contactText = withoutLink.replace(EMAIL_RE, ' ')
  for (const m of contactText.matchAll(CODE_TOKEN_RE)) {
    // Short tokens are sizes and models ("4K", "XL2"), not coupon codes.
    if (m[0].length >= 5 && !codes.has(m[0].toUpperCase())) problems.add('unknown_code')
  }
  for (const m of withoutLink.matchAll(CODE_WORD_RE)) {
    const word = m[1] ?? ''
    // "code at checkout" is not a code; a word after "code" with a digit, or in capitals, is.
    const looksLikeCode = /\d/.test(word) || (word.length >= 4 && word === word.toUpperCase())
    if (looksLikeCode && !codes.has(word.toUpperCase())) problems.add('unknown_code')
  }
  const known = ctx.allowedContacts.map((a) => a.toLowerCase())
  const knownDigits = ctx.allowedContacts.map(digits).filter((d) => d.length >= 7)
  for (const m of withoutLink.matchAll(EMAIL_RE)) {
    if (!known.includes(m[0].toLowerCase())) problems.add('foreign_contact')
  }
  for (const m of withoutLink.replace(MONEY_RE, ' ').matchAll(PHONE_RE)) {
    const d = digits(m[0])
    // Ten digits or more: a phone number, not a date or an order number.
    if (d.length >= 10 && !knownDigits.some((k) => k.endsWith(d) || d.endsWith(k)))
      problems.add('foreign_contact')
  }
  if (problems.size > 0) return { ok: false, problems: [...problems] }

  const repairs: ('disclosure' | 'shortened')[] = []
  if (ctx.firstAiMessage && !DISCLOSED.test(text)) {
    text = DISCLOSURE + text
    repairs.push('disclosure')
  }
  if (countSegments(text).segments > MAX_SMS_SEGMENTS) {
    text = shorten(text, ctx.restoreUrl)
    repairs.push('shortened')
  }
  return { ok: true, text, repairs }
}

const fits = (t: string) => countSegments(t).segments <= MAX_SMS_SEGMENTS

/** Whole sentences while they fit, the restore link kept when the reply had it. */
function shorten(text: string, link: string | null): string {
  const hadLink = link !== null && text.includes(link)
  const tail = hadLink ? ` ${link}` : ''
  const sentences = (hadLink ? text.split(link).join(' ') : text)
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean)
  let out = ''
  for (const s of sentences) {
    const next = out ? `${out} ${s}` : s
    if (!fits(next + tail)) break
    out = next
  }
  if (!out) {
    // One very long sentence: whole words, then an ellipsis.
    const words = (sentences[0] ?? '').split(' ')
    while (words.length > 1 && !fits(`${words.join(' ')}…${tail}`)) words.pop()
    out = `${words.join(' ')}…`
  }
  return (out + tail).trim()
}
