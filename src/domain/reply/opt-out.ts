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
  /\b(dont|do not|never) (text|message|msg|contact|send|sms)( me| this number| to me)?\b/,
  /\bno (more )?(texts|messages|msgs|sms)\b/,
  /\b(unsubscribe|opt me out|opt out|optout|remove me|take me off|delete my (number|info)|leave me alone|lose my number)\b/,
  /\b(wrong number|who is this stop|not interested stop)\b/,
  /\bstop\b.*\b(please|pls|now)\b/,
  /^ stop( \w+){0,2} $/,
  // Spanish
  /\bno mas( mensajes| textos| sms)?\b/,
  /\b(para|pare|paren|deja|dejen|deje) de (enviar|mandar|escribir|contactar|molestar)/,
  /\bno (me )?(envie|envien|envies|mandes|manden|mande|escribas|escriban|contacten|contactes)\b/,
  /\b(darme de baja|dame de baja|de baja|baja|cancelar suscripcion|eliminar mi numero|borrar mi numero)\b/,
  /\b(alto|basta)( ya| por favor)?\b/,
]

/** Words that smell of an opt-out without a sure pattern: "stop by the store?", "cancel my order". */
const VOCABULARY =
  /\b(stop|quit|cancel|unsubscribe|remove|block|spam|report|annoying|harass\w*|parar|para|cancela\w*|detener|bloquear|molest\w*)\b/

/** Whether a reply asks to stop receiving texts. */
export function optOutVerdict(body: string): OptOutVerdict {
  const text = normalise(body)
  if (SURE.some((re) => re.test(text))) return 'opt_out'
  return VOCABULARY.test(text) ? 'unsure' : 'keep'
}
