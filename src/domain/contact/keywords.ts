/**
 * Reply keywords, as data (CTIA and carrier rules; DESIGN §4). Matched on the whole message,
 * trimmed, case-insensitive, ignoring trailing punctuation. Natural-language opt-outs ("stop
 * texting me", "no más") and AI replies come with two-way SMS.
 */
export const OPT_OUT = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPTOUT',
  'OPT OUT',
]
export const OPT_IN = ['START', 'UNSTOP', 'YES', 'Y']
export const HELP = ['HELP', 'INFO']

export type Keyword = 'opt_out' | 'opt_in' | 'help' | null

/** Which keyword a reply is, if it is one. */
export function keywordOf(body: string): Keyword {
  const word = body
    .trim()
    .replace(/[.!?\s]+$/u, '')
    .replace(/\s+/g, ' ')
    .toUpperCase()
  if (OPT_OUT.includes(word)) return 'opt_out'
  if (OPT_IN.includes(word)) return 'opt_in'
  if (HELP.includes(word)) return 'help'
  return null
}

/** The texts a contact gets back, filled with the store's details. */
export const replies = {
  confirmRequest: (store: string) =>
    `${store}: reply YES to get cart reminders by text. Up to 3 msgs/cart. Msg & data rates may apply. Reply HELP for help, STOP to opt out.`,
  confirmed: (store: string) =>
    `${store}: you're subscribed to cart reminders. Msg & data rates may apply. Reply STOP to opt out.`,
  optedOut: (store: string) =>
    `${store}: you're unsubscribed and will get no more texts. Reply START to subscribe again.`,
  help: (store: string, support: string | null) =>
    `${store} cart reminders: up to 3 msgs/cart. Msg & data rates may apply.${support ? ` Help: ${support}.` : ''} Reply STOP to opt out.`,
}
