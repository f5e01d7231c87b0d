import type { FC } from 'hono/jsx'
import type { Bounds, Effect } from '../../domain/experiment/incremental'
import type { VariantFigures } from '../../domain/experiment/variant-figures'
import { formatMoney } from '../../domain/message/format'
import type { HoldoutExperiment, StepExperiment } from '../../views/experiments'
import { incrementalHeadline } from './incremental'
import { Flash, StorePicker } from './parts'

type Props = {
  stores: { id: string; name: string }[]
  store: { id: string; name: string; currency: string }
  holdouts: HoldoutExperiment[]
  steps: StepExperiment[]
  csrf: string
  notice?: string
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`)
const pts = (v: number | null) =>
  v === null ? '—' : `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} pts`
/** An estimate over its interval in smaller type ("+4.0 pts", "1.2 to 6.8"); "—" while none. */
const Est: FC<{ b: Bounds; say: (v: number | null) => string }> = ({ b, say }) =>
  b.estimate === null ? (
    <>—</>
  ) : (
    <>
      {say(b.estimate)}
      <div class="faint small nowrap">
        {b.low === null || b.high === null
          ? 'too few for a range'
          : `${say(b.low)} to ${say(b.high)}`}
      </div>
    </>
  )
const money = (currency: string) => (v: number | null) =>
  v === null ? '—' : `${v < 0 ? '−' : ''}${formatMoney(Math.round(Math.abs(v)), currency)}`
const count = (v: number | null) =>
  v === null ? '—' : `${v < 0 ? '−' : ''}${Math.abs(Math.round(v)).toLocaleString('en-US')}`
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : 'now')
const csvHref = (storeId: string, id: string) =>
  `/experiments/${encodeURIComponent(storeId)}/${encodeURIComponent(id)}/export.csv`

/** One row of a holdout's effect: who, the lift, the orders and the revenue it caused. */
const EffectRow: FC<{ label: string; e: Effect }> = ({ label, e }) => (
  <tr>
    <td>{label}</td>
    <td class="num">
      {e.messaged.carts} / {e.holdout.carts}
    </td>
    <td class="num">
      {pct(e.messaged.carts ? e.messaged.recovered / e.messaged.carts : null)} /{' '}
      {pct(e.holdout.carts ? e.holdout.recovered / e.holdout.carts : null)}
    </td>
    <td class="num">
      <Est b={e.lift} say={pts} />
    </td>
    <td class="num">
      <Est b={e.orders} say={count} />
    </td>
    <td class="num">
      <Est b={e.revenue} say={money(e.revenue.currency)} />
    </td>
  </tr>
)

/** A holdout period: its headline, then its effect overall and per channel. */
const HoldoutCard: FC<{ x: HoldoutExperiment; storeId: string }> = ({ x, storeId }) => (
  <article class="card" data-experiment={x.id}>
    <h3>
      Holdout {x.percent === null ? '' : `${x.percent}% `}· {day(x.startedAt)} to {day(x.endedAt)}{' '}
      <span class={`badge ${x.running ? 'ok' : 'muted'}`}>
        {x.running ? 'running' : 'finished'}
      </span>
    </h3>
    <p>
      <strong>{incrementalHeadline(x.figures)}</strong>
    </p>
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th>Carts</th>
            <th class="num">Messaged / held out</th>
            <th class="num">Recovery rate</th>
            <th class="num">Lift (95 %)</th>
            <th class="num">Orders caused</th>
            <th class="num">Revenue caused</th>
          </tr>
        </thead>
        <tbody>
          <EffectRow label="All" e={x.figures} />
          <EffectRow label="With an email" e={x.figures.byChannel.email} />
          <EffectRow label="With a phone" e={x.figures.byChannel.sms} />
        </tbody>
      </table>
    </div>
    <p class="hint">
      Period {x.id}. Both groups are alike but for the messages, so the difference is what the
      messages caused. Per channel: the carts that had that contact when abandoned.{' '}
      <a href={csvHref(storeId, x.id)}>Download the carts (CSV)</a>
    </p>
  </article>
)

/** A variant's row: what it was sent and did, and how it compares with the first. */
const VariantRow: FC<{
  v: VariantFigures
  currency: string
}> = ({ v, currency }) => (
  <tr>
    <td>{v.variant.toUpperCase()}</td>
    <td class="num">{v.assigned}</td>
    <td class="num">{v.sends}</td>
    <td class="num">{v.delivered}</td>
    <td class="num">{v.clicked}</td>
    <td class="num">{v.recovered}</td>
    <td class="num">{formatMoney(v.revenue, currency)}</td>
    <td class="num">
      <Est b={v.recoveryRate} say={pct} />
    </td>
    <td class="num">{v.vsFirst ? <Est b={v.vsFirst.lift} say={pts} /> : 'baseline'}</td>
    <td class="num">
      {v.vsFirst ? <Est b={v.vsFirst.revenuePerCart} say={money(currency)} /> : 'baseline'}
    </td>
  </tr>
)

/** What more it takes to tell the variants apart, in words. */
function verdict(x: StepExperiment): string {
  const others = x.figures.filter((f) => f.vsFirst)
  if (others.every((f) => f.assigned === 0) || (x.figures[0]?.assigned ?? 0) === 0) {
    return 'No carts yet in every variant.'
  }
  const needs = others.map((f) => f.vsFirst?.moreCartsNeeded ?? null)
  if (needs.every((n) => n === 0)) return 'Every variant is told apart from A (95 % confidence).'
  const most = Math.max(...needs.map((n) => n ?? 0))
  return most > 0
    ? `Not enough carts yet to tell every variant from A: about ${most.toLocaleString('en-US')} more needed.`
    : 'Not enough carts yet to tell the variants apart.'
}

/** A step experiment: each variant's figures, and how it ended. */
const StepCard: FC<{ x: StepExperiment; store: Props['store']; csrf: string }> = ({
  x,
  store,
  csrf,
}) => (
  <article class="card" data-experiment={x.id}>
    <h3>
      Step {x.stepId} · variants {x.variants.map((v) => v.toUpperCase()).join(', ')} ·{' '}
      {day(x.startedAt)} to {day(x.endedAt)}{' '}
      <span class={`badge ${x.running ? 'ok' : 'muted'}`}>
        {x.running ? 'running' : x.kept ? `kept ${x.kept.toUpperCase()}` : 'finished'}
      </span>
    </h3>
    <p>
      <strong>{verdict(x)}</strong>
    </p>
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th>Variant</th>
            <th class="num">Carts</th>
            <th class="num">Sent</th>
            <th class="num">Delivered</th>
            <th class="num">Clicked</th>
            <th class="num">Recovered</th>
            <th class="num">Revenue</th>
            <th class="num">Recovered per cart (95 %)</th>
            <th class="num">vs A</th>
            <th class="num">Revenue per cart vs A</th>
          </tr>
        </thead>
        <tbody>
          {x.figures.map((v) => (
            <VariantRow v={v} currency={store.currency} />
          ))}
        </tbody>
      </table>
    </div>
    {x.running ? (
      <form
        method="post"
        action={`/sequences/${encodeURIComponent(store.id)}/keep`}
        class="actions"
      >
        <input type="hidden" name="_csrf" value={csrf} />
        {x.variants.map((v) => (
          <button
            class="btn secondary"
            type="submit"
            name="keep"
            value={`${x.stepId}:${v}`}
            data-confirm={`End this experiment and send only variant ${v.toUpperCase()}?`}
          >
            Make {v.toUpperCase()} the only variant
          </button>
        ))}
      </form>
    ) : null}
    <p class="hint">
      Experiment {x.id}. Each cart got one variant at random when the step came due, and counts for
      it from then on, whether or not its message went out (quiet hours, an opt-out, an order
      first). <a href={csvHref(store.id, x.id)}>Download the carts (CSV)</a>
    </p>
  </article>
)

/** Every experiment of a store: holdout periods, then step experiments, newest first. */
export const ExperimentsPage: FC<Props> = (p) => (
  <>
    <div class="head">
      <div>
        <h1>Experiments</h1>
        <p class="sub">What {p.store.name}'s messages cause, measured against carts left alone.</p>
      </div>
      <StorePicker action="/experiments" stores={p.stores} current={p.store.id} />
    </div>
    <Flash notice={p.notice} />
    <section class="stack" aria-label="Holdout periods">
      <h2>Holdout</h2>
      {p.holdouts.length ? (
        p.holdouts.map((x) => <HoldoutCard x={x} storeId={p.store.id} />)
      ) : (
        <p class="card empty">
          No holdout yet. Hold out a share of abandoned carts (10 % is a good start) in Settings →
          Holdout to measure what the messages cause.
        </p>
      )}
    </section>
    <section class="stack" aria-label="Step experiments">
      <h2>Step experiments</h2>
      {p.steps.length ? (
        p.steps.map((x) => <StepCard x={x} store={p.store} csrf={p.csrf} />)
      ) : (
        <p class="card empty">
          No step experiment yet. In Sequence, "Add a variant" to a step to compare two to four
          versions of it.
        </p>
      )}
    </section>
  </>
)
