/**
 * Random but stable assignment for experiments (issue 15): a subject's bucket is a keyed hash
 * (HMAC-SHA256) of what it is assigned within, read as a number in [0, 1). The same subject in
 * the same period always lands in the same bucket, buckets are uniform, and without the key no
 * one can tell or steer where a subject lands.
 */
import { hmacSha256 } from '../../lib/hmac'
import type { Assignment, CartState } from '../cart/types'
import type { HoldoutPolicy } from '../store/holdout'

/** Which side of a holdout a cart is on. */
export type Arm = 'holdout' | 'messaged'

/**
 * The bucket in [0, 1) of `parts` (for example the period, the store and the contact) under
 * `key`: the first 32 bits of their HMAC-SHA256, over 2³². Each part is prefixed with its
 * length, so `("a:b", "c")` and `("a", "b:c")` differ whatever characters a part holds (a
 * shopper's address included): no input can make this throw.
 *
 * @example await bucketOf(key, 'per_1', 'st_1', 'email:ada@example.com') // 0.7311…
 */
export async function bucketOf(key: string, ...parts: string[]): Promise<number> {
  const tag = await hmacSha256(key, parts.map((p) => `${p.length}:${p}`).join(''))
  return new DataView(tag.buffer, tag.byteOffset, 4).getUint32(0) / 2 ** 32
}

/**
 * The arm of a subject whose bucket is `bucket`, with `holdoutPercent` (0–50) held out: the
 * lowest buckets. Raising the share within a period would move subjects from messaged to
 * holdout, which is why changing it starts a new period.
 */
export function armOf(bucket: number, holdoutPercent: number): Arm {
  return bucket < holdoutPercent / 100 ? 'holdout' : 'messaged'
}

/** The variant (0 to `count − 1`) of a subject whose bucket is `bucket`: equal shares. */
export function variantOf(bucket: number, count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new Error(`bad variant count ${count}`)
  return Math.min(count - 1, Math.floor(bucket * count))
}

/**
 * Who a cart's arm follows: its contact (the email, else the phone, both stored normalised), so
 * that the same person is in the same arm on every cart of a period; the cart itself when it
 * has none.
 */
export function subjectOf(s: Pick<CartState, 'cartId' | 'contact'>): string {
  if (s.contact.email) return `email:${s.contact.email}`
  if (s.contact.phone) return `phone:${s.contact.phone}`
  return `cart:${s.cartId}`
}

/**
 * The cart's bucket in the running holdout's period, under `key` (the deployment's signing
 * secret: shoppers cannot tell or steer their arm; the period in the hash makes each period a
 * new draw).
 */
export async function assignmentFor(
  s: Pick<CartState, 'storeId' | 'cartId' | 'contact'>,
  h: HoldoutPolicy,
  key: string,
): Promise<Assignment> {
  return {
    period: h.period,
    bucket: await bucketOf(key, 'holdout', h.period, s.storeId, subjectOf(s)),
  }
}

/**
 * The cart's bucket in each of the step experiments `ids`, under `key`: the same person gets
 * the same variant of a step on every cart while its experiment runs.
 */
export async function variantBucketsFor(
  s: Pick<CartState, 'storeId' | 'cartId' | 'contact'>,
  ids: string[],
  key: string,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const id of ids) out[id] = await bucketOf(key, 'variant', id, s.storeId, subjectOf(s))
  return out
}
