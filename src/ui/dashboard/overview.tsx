import type { FC } from 'hono/jsx'
import type { Stats } from '../../views/cart'
import type { DayPoint, Funnel } from '../../views/overview'
import { moneyOf } from './format'
import { type HoldoutCard, IncrementalCard } from './incremental'
import { DateRange, StoreSelect } from './parts'

type Props = {
  stores: { id: string; name: string }[]
  store: string | null
  from: string
  to: string
  stats: Stats
  days: DayPoint[]
  valueAtRisk: Record<string, number>
  funnel: Funnel
  /** The chosen store's holdout (null: no store chosen, or none ever ran). */
  holdout: HoldoutCard | null
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`)

/** The chart's two bars per day, side by side: what was abandoned, what came back. */
const SERIES = [
  ['abandoned', '#f59e0b'],
  ['recovered', '#10b981'],
] as const

/** Abandoned (amber) against recovered (green) carts per day, as a server-rendered SVG. */
const DailyChart: FC<{ days: DayPoint[] }> = ({ days }) => {
  const W = 720
  const H = 200
  const pad = { l: 36, r: 8, t: 10, b: 24 }
  const max = Math.max(1, ...days.map((d) => Math.max(d.abandoned, d.recovered)))
  const step = (W - pad.l - pad.r) / Math.max(1, days.length)
  const bar = Math.max(1, step / 2 - 1)
  const y = (v: number) => H - pad.b - (v / max) * (H - pad.t - pad.b)
  const ticks = [0, Math.round(max / 2), max]
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title">
      <title id="chart-title">
        {`Abandoned and recovered carts per day, ${days[0]?.day ?? ''} to ${days.at(-1)?.day ?? ''}`}
      </title>
      {ticks.map((t) => (
        <g>
          <line x1={pad.l} x2={W - pad.r} y1={y(t)} y2={y(t)} stroke="#e2e8f0" />
          <text x={pad.l - 6} y={y(t) + 4} text-anchor="end" font-size="11" fill="#64748b">
            {t}
          </text>
        </g>
      ))}
      {days.map((d, i) => {
        const x = pad.l + i * step
        return (
          <g>
            {SERIES.map(([kind, fill], k) => (
              <rect
                x={x + k * (bar + 1)}
                y={y(d[kind])}
                width={bar}
                height={H - pad.b - y(d[kind])}
                fill={fill}
              >
                <title>{`${d.day}: ${d[kind]} ${kind}`}</title>
              </rect>
            ))}
            {i % Math.ceil(days.length / 6) === 0 ? (
              <text x={x} y={H - 6} font-size="11" fill="#64748b">
                {d.day.slice(5)}
              </text>
            ) : null}
          </g>
        )
      })}
    </svg>
  )
}

/** Recovered orders and revenue per row (a channel, a step), or an empty state. */
const RevenueTable: FC<{
  title: string
  head: string
  rows: [string, { count: number; revenue: Record<string, number> }][]
}> = ({ title, head, rows }) => (
  <div class="card">
    <h2>{title}</h2>
    {rows.length ? (
      <table>
        <thead>
          <tr>
            <th>{head}</th>
            <th class="num">Orders</th>
            <th class="num">Revenue</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, r]) => (
            <tr>
              <td>{name}</td>
              <td class="num">{r.count}</td>
              <td class="num">{moneyOf(r.revenue)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    ) : (
      <p class="empty">No recovered orders in this range yet.</p>
    )}
  </div>
)

/** The overview of one store (or all) over a date range. */
export const OverviewPage: FC<Props> = (p) => {
  const s = p.stats
  const f = p.funnel
  const steps: [string, number][] = [
    ['Abandoned', f.abandoned],
    ['Messaged', f.messaged],
    ['Clicked', f.clicked],
    ['Restored', f.restored],
    ['Recovered', f.recovered],
  ]
  const channels = Object.entries(s.recovered.byChannel)
  const bySteps = Object.entries(s.recovered.byStep)
  return (
    <>
      <div class="head">
        <div>
          <h1>Overview</h1>
          <p class="sub">
            {p.from} to {p.to}
          </p>
        </div>
        <form class="filters" method="get" action="/">
          <StoreSelect stores={p.stores} current={p.store} />
          <DateRange from={p.from} to={p.to} labels={['From', 'To']} />
          <button class="btn secondary" type="submit">
            Show
          </button>
        </form>
      </div>
      <section class="grid kpis" aria-label="Key figures">
        <div class="card kpi">
          <div class="label">Carts tracked</div>
          <div class="value">{s.carts.tracked}</div>
        </div>
        <div class="card kpi">
          <div class="label">Abandoned</div>
          <div class="value">{s.carts.abandoned}</div>
          <div class="hint">abandonment rate {pct(s.abandonmentRate)}</div>
        </div>
        <div class="card kpi">
          <div class="label">Value at risk</div>
          <div class="value">{moneyOf(p.valueAtRisk)}</div>
          <div class="hint">abandoned, not ordered yet</div>
        </div>
        <div class="card kpi">
          <div class="label">Recovered orders</div>
          <div class="value">{s.recovered.count}</div>
          <div class="hint">recovery rate {pct(s.recoveryRate)}</div>
        </div>
        <div class="card kpi">
          <div class="label">Recovered revenue</div>
          <div class="value">{moneyOf(s.recovered.revenue)}</div>
        </div>
      </section>
      <IncrementalCard card={p.holdout} storeChosen={p.store !== null} />
      <section class="grid two" aria-label="Trends">
        <div class="card">
          <h2>Abandoned and recovered per day</h2>
          <DailyChart days={p.days} />
          <div class="legend">
            <span>
              <span class="swatch sw-a" />
              Abandoned
            </span>
            <span>
              <span class="swatch sw-r" />
              Recovered
            </span>
          </div>
        </div>
        <div class="card">
          <h2>Funnel</h2>
          <div class="funnel">
            {steps.map(([label, n]) => (
              <div class="row">
                <span>{label}</span>
                <meter min={0} max={Math.max(1, f.abandoned)} value={n} aria-label={label} />
                <span class="num">{n}</span>
              </div>
            ))}
          </div>
        </div>
      </section>
      <section class="grid two" aria-label="Revenue by channel and step">
        <RevenueTable
          title="Revenue by channel"
          head="Channel"
          rows={channels.map(([ch, r]) => [
            ch === 'none' ? 'No message' : ch === 'sms' ? 'Text' : 'Email',
            r,
          ])}
        />
        <RevenueTable title="Revenue by step" head="Step" rows={bySteps} />
      </section>
    </>
  )
}
