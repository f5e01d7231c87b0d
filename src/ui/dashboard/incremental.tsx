import type { FC } from 'hono/jsx'
import type { Incremental } from '../../domain/experiment/incremental'
import { formatMoney } from '../../domain/message/format'

/** The overview's holdout: the store's running share and the period's figures (null: none). */
export type HoldoutCard = {
  storeId: string
  storeName: string
  percent: number
  figures: Incremental | null
}

const rate = (recovered: number, carts: number) =>
  carts > 0 ? `${((recovered / carts) * 100).toFixed(1)}%` : '—'
const points = (v: number) => `${Math.abs(v * 100).toFixed(1)} pts`
const CONFIDENCE = '(95 % confidence)'

/**
 * The headline in plain words: what the messages caused, with its margin, or why it cannot be
 * told yet and how many more carts it would take.
 *
 * @example incrementalHeadline(f) // "+$1,240.00 ± $610.00 caused by messages (95 % confidence)"
 */
export function incrementalHeadline(f: Incremental): string {
  const { estimate, low, high, currency } = f.revenue
  if (f.holdout.carts === 0 || f.messaged.carts === 0) {
    return 'Not enough carts yet to tell: both groups need abandoned carts first.'
  }
  const told = f.lift.low !== null && f.lift.high !== null && (f.lift.low > 0 || f.lift.high < 0)
  if (!told) {
    const more = f.moreCartsNeeded
    return more === null
      ? 'Not enough carts yet to tell the messages from no messages.'
      : `Not enough carts yet to tell: about ${more.toLocaleString('en-US')} more needed.`
  }
  // Each figure is said with its own sign: recoveries can rise while revenue falls (smaller
  // orders after a discount), and a fall is said as one, not as a negative gain.
  if (estimate !== null && low !== null && high !== null) {
    const amount = formatMoney(Math.abs(estimate), currency)
    const margin = formatMoney(Math.round((high - low) / 2), currency)
    return estimate >= 0
      ? `+${amount} ± ${margin} caused by messages ${CONFIDENCE}`
      : `Messages lowered revenue by ${amount} ± ${margin} ${CONFIDENCE}`
  }
  const lift = f.lift.estimate ?? 0
  const said =
    lift >= 0
      ? `+${points(lift)} recovery caused by messages ${CONFIDENCE}`
      : `Messages lowered recovery by ${points(lift)} ${CONFIDENCE}`
  return `${said}; the revenue needs ten recovered carts in each group.`
}

/**
 * The orders the messages caused, in words, once there is an interval:
 * "About 80 more orders than without messages (52 to 108)."
 */
export function ordersLine(f: Incremental): string | null {
  const { estimate, low, high } = f.orders
  if (estimate === null || low === null || high === null) return null
  const n = (v: number) => Math.abs(v).toLocaleString('en-US')
  const range = `(${low.toLocaleString('en-US')} to ${high.toLocaleString('en-US')}, 95 % confidence)`
  return estimate >= 0
    ? `About ${n(estimate)} more orders than without messages ${range}.`
    : `About ${n(estimate)} fewer orders than without messages ${range}.`
}

/** The "Incremental revenue" card: the headline, then each group side by side. */
export const IncrementalCard: FC<{ card: HoldoutCard | null; storeChosen: boolean }> = ({
  card,
  storeChosen,
}) => (
  <section class="grid" aria-label="Incremental revenue">
    <div class="card">
      <h2>Incremental revenue</h2>
      {!storeChosen ? (
        <p class="empty">
          Choose a store to see what its messages caused, measured by its holdout.
        </p>
      ) : !card?.figures ? (
        <p class="empty">
          No holdout is running for {card?.storeName ?? 'this store'}. Hold out a share of abandoned
          carts (10 % is a good start) to measure what the messages cause beyond the shoppers who
          would have come back anyway: Settings → Holdout, or <code>settings.holdout.percent</code>{' '}
          in the API.
        </p>
      ) : (
        <>
          <p>
            <strong>{incrementalHeadline(card.figures)}</strong>
          </p>
          {ordersLine(card.figures) ? <p>{ordersLine(card.figures)}</p> : null}
          <table>
            <thead>
              <tr>
                <th>Group</th>
                <th class="num">Carts</th>
                <th class="num">Recovered</th>
                <th class="num">Recovery rate</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>Messaged</td>
                <td class="num">{card.figures.messaged.carts}</td>
                <td class="num">{card.figures.messaged.recovered}</td>
                <td class="num">
                  {rate(card.figures.messaged.recovered, card.figures.messaged.carts)}
                </td>
              </tr>
              <tr>
                <td>Held out ({card.percent}%, no messages)</td>
                <td class="num">{card.figures.holdout.carts}</td>
                <td class="num">{card.figures.holdout.recovered}</td>
                <td class="num">
                  {rate(card.figures.holdout.recovered, card.figures.holdout.carts)}
                </td>
              </tr>
            </tbody>
          </table>
          <p class="hint">
            Carts abandoned in this range, holdout period {card.figures.period}. Held-out carts'
            orders count under "No message" in the revenue below. Per channel and past periods:{' '}
            <a href={`/experiments?store=${encodeURIComponent(card.storeId)}`}>Experiments</a>.
          </p>
        </>
      )}
    </div>
  </section>
)
