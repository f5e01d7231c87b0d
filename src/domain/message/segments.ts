// GSM 03.38 default alphabet and its extension table (each extension character takes two
// septets). Anything else makes the whole message UCS-2.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
const GSM_EXTENDED = '^{}\\[~]|€\f'

const basic = new Set(GSM_BASIC)
const extended = new Set(GSM_EXTENDED)

export type SegmentCount = {
  encoding: 'GSM-7' | 'UCS-2'
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number
  segments: number
  /** Units left in the last segment. */
  remaining: number
}

/**
 * Counts the SMS segments a text needs, as carriers bill it: GSM-7 fits 160 septets in one
 * segment and 153 per segment when split; UCS-2 fits 70 code units, 67 when split.
 *
 * @example countSegments('Hi Ada').segments // 1
 */
export function countSegments(text: string): SegmentCount {
  let septets = 0
  let gsm = true
  for (const ch of text) {
    if (basic.has(ch)) septets += 1
    else if (extended.has(ch)) septets += 2
    else {
      gsm = false
      break
    }
  }
  const encoding = gsm ? 'GSM-7' : 'UCS-2'
  const units = gsm ? septets : text.length
  const single = gsm ? 160 : 70
  const multi = gsm ? 153 : 67
  if (units <= single)
    return { encoding, units, segments: units === 0 ? 0 : 1, remaining: single - units }
  const segments = Math.ceil(units / multi)
  return { encoding, units, segments, remaining: segments * multi - units }
}
