/**
 * The one home of opt-out, opt-in and help vocabulary. Reply keywords, as data (CTIA and carrier
 * rules; DESIGN §4): matched on the whole message, trimmed, case-insensitive, ignoring trailing
 * punctuation. Natural-language opt-outs ("stop texting me", "no más") below, `optOutVerdict`.
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

/**
 * Natural-language opt-outs in English and Spanish (DESIGN §4: "stop texting me", "no más").
 * Rules first: `opt_out` when a rule is sure, `unsure` when the message has the vocabulary of an
 * opt-out without a sure pattern (the model is then asked for a second opinion, and doubt counts
 * as an opt-out), `keep` otherwise. Exact keywords (STOP, CANCEL…) are `keywordOf`'s job.
 */
export type OptOutVerdict = 'opt_out' | 'unsure' | 'keep'

/** Lower case, accents and apostrophes stripped, punctuation to spaces. */
function normalise(body: string): string {
  return ` ${body
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/'/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()} `
}

/** Sure opt-outs, matched on the normalised text (accents stripped: "más" is "mas"). */
const SURE: RegExp[] = [
  // English
  /\b(stop|quit|cease|end|halt|discontinue)( \w+)? (texting|messaging|txting|texts|messages|contacting|sending|spamming|bothering)\b/,
  /\b(dont|do not|never|stop) (text|txt|message|msg|sms|contact|call)(ing)? (me|this number)\b/,
  /\b(dont|do not|never) send me (any )?(more )?(texts|messages|msgs|sms)\b/,
  /\bno (more )?(texts|messages|msgs|sms)\b/,
  /^ no more( please| thanks| thank you)? $/,
  /\b(unsubscribe|opt me out|opt out|optout|remove me|take me off|delete my (number|info)|leave me alone|lose my number)\b/,
  /\b(wrong number|who is this stop|not interested stop)\b/,
  /^ stop( please| pls| now| it| this| all| texting| messaging)*( thanks| thank you)? $/,
  // Spanish
  /^ no mas( mensajes| textos| sms)?( por favor| gracias)? $/,
  /\bno mas (mensajes|textos|sms)\b/,
  /\bno quiero (mas |recibir )*(mensajes|textos|sms)\b/,
  /\b(para|pare|paren|deja|dejen|deje) de (enviar|mandar|escribir|contactar|molestar)/,
  /\bno (me )?(envie|envien|envies|mandes|manden|mande|escribas|escriban|contacten|contactes)( mas)?( mensajes| textos)?\b/,
  /\b(darme de baja|dame de baja|denme de baja|cancelar (la )?suscripcion|eliminar mi numero|borrar mi numero)\b/,
  /^ (alto|basta|baja)( ya| por favor| gracias)? $/,
]

/** Words that smell of an opt-out without a sure pattern: "stop by the store?", "cancel my order". */
const VOCABULARY =
  /\b(stop\w*|quit|cancel\w*|unsubscribe|remove|block|spam|report|annoying|harass\w*|no more|enough|parar|pare|cancela\w*|detener|bloquear|molest\w*|no mas|baja|alto|basta)\b/

/** Whether a reply asks to stop receiving texts. */
export function optOutVerdict(body: string): OptOutVerdict {
  const text = normalise(body)
  if (SURE.some((re) => re.test(text))) return 'opt_out'
  return VOCABULARY.test(text) ? 'unsure' : 'keep'
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
