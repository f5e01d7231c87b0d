import type { FC } from 'hono/jsx'

/** How long each kind of record is kept; `retentionDays` null keeps carts until deleted. */
export const RetentionSection: FC<{ retentionDays: number | null }> = ({ retentionDays }) => (
  <section class="card" id="retention" aria-labelledby="retention-title">
    <h2 id="retention-title">Retention</h2>
    <dl class="facts wide">
      <dt>Consent records</dt>
      <dd>4 years from when they were given, kept apart from carts (proof of consent).</dd>
      <dt>Text conversations</dt>
      <dd>1 year from each message.</dd>
      <dt>Carts, messages, timelines</dt>
      <dd>
        {retentionDays === null
          ? 'Until you delete them'
          : `${retentionDays} days after their last change (set under Timing), or sooner if you delete them`}
        ; erasing a cart erases its messages and text thread too (checked hourly).
      </dd>
      <dt>Opt-outs</dt>
      <dd>Kept for good, so no one who opted out is messaged again.</dd>
    </dl>
  </section>
)
