/**
 * What a shopper's text is about, by keyword (English and Spanish), for the offline responder
 * and as a hint in the journal. Checked in order: asking for a person wins over everything.
 */
export type Intent = 'human' | 'discount' | 'shipping' | 'returns' | 'stock' | 'price' | 'other'

const RULES: [Intent, RegExp][] = [
  [
    'human',
    /\b(human|person|agent|someone|somebody|representative|real people|talk to|speak (to|with)|call me|manager|persona|humano|agente|hablar con)\b/,
  ],
  [
    'discount',
    /\b(discount|coupon|promo|code|deal|offer|sale|cheaper|off|descuento|cupon|oferta|rebaja)\b/,
  ],
  [
    'shipping',
    /\b(ship|shipping|shipped|deliver|delivery|arrive|postage|courier|envio|enviar|entrega|llega)\w*/,
  ],
  [
    'returns',
    /\b(return|returns|refund|exchange|send (it )?back|devolucion|devolver|reembolso)\w*/,
  ],
  [
    'stock',
    /\b(stock|available|availability|in store|sold out|left|disponible|existencias|agotado)\b/,
  ],
  ['price', /\b(price|cost|how much|total|expensive|charge|precio|cuesta|cuanto|total)\b/],
]

export function intentOf(body: string): Intent {
  const text = body.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')
  for (const [intent, re] of RULES) if (re.test(text)) return intent
  return 'other'
}
