import type { FC } from 'hono/jsx'
import { Field } from '../field'
import { CopyRow } from '../parts'
import type { SettingsProps } from './props'

type CopyProps = { id: string; label: string; value: string; hint?: string }

/** A read-only value with a copy button (the button appears with script). */
const Copy: FC<CopyProps> = (p) => (
  <div class="field">
    <label for={p.id}>{p.label}</label>
    <div class="actions">
      <input id={p.id} class="grow mono" readonly value={p.value} />
      <button class="btn secondary" type="button" data-copy={p.id} hidden>
        Copy
      </button>
    </div>
    {p.hint ? <div class="faint small">{p.hint}</div> : null}
  </div>
)

/** What goes into the storefront and each provider, in the order shown. */
function copies(p: SettingsProps): CopyProps[] {
  const id = encodeURIComponent(p.store.id)
  const script = `<script async src="${p.base}/v1/cartback.js" data-store="${p.store.publishableKey}"></script>`
  return [
    {
      id: 'pk',
      label: 'Publishable key',
      value: p.store.publishableKey,
      hint: 'Public: it goes in the storefront script tag.',
    },
    { id: 'script-tag', label: 'Script tag (before </body>)', value: script },
    {
      id: 'woo-url',
      label: 'WooCommerce webhook URL',
      value: `${p.base}/webhooks/woocommerce/${id}`,
      hint: 'WooCommerce → Settings → Advanced → Webhooks: topics order.created and order.updated, API version 3.',
    },
    {
      id: 'twilio-url',
      label: 'Twilio incoming messages webhook',
      value: `${p.base}/webhooks/twilio/${id}`,
      hint: 'Twilio → your number or Messaging Service → A message comes in: HTTP POST.',
    },
    {
      id: 'twilio-status',
      label: 'Twilio status callback',
      value: `${p.base}/webhooks/twilio/${id}/status`,
      hint: 'Set automatically on every text; shown for reference.',
    },
    {
      id: 'resend-url',
      label: 'Resend webhook URL',
      value: `${p.base}/webhooks/resend`,
      hint: 'Resend → Webhooks: email.delivered, opened, bounced, complained. Click tracking can stay off.',
    },
  ]
}

/** The WooCommerce webhook secret, folded away until asked for. */
const WooSecret: FC<{ secret: string }> = ({ secret }) => (
  <Field name="woo-secret" label="WooCommerce webhook secret" errors={{}}>
    {(fid) => (
      <details>
        <summary>Show the secret to paste into WooCommerce</summary>
        <CopyRow id={fid} value={secret} />
      </details>
    )}
  </Field>
)

/** Whether the coupon keys are set, and what to do when they cannot be read. */
const CouponKeys: FC<{ state: SettingsProps['woocommerceKeys'] }> = ({ state }) => (
  <div class="field">
    <span class="label">WooCommerce coupon keys</span>
    <p>
      {state === 'ok' ? (
        <span class="badge ok">set</span>
      ) : state === 'unreadable' ? (
        <span class="badge bad">cannot be read</span>
      ) : (
        <span class="badge muted">not set</span>
      )}{' '}
      <span class="faint">
        needed for incentives; set through the API (values are never shown).
      </span>
    </p>
    {state === 'unreadable' ? (
      <p class="error" role="alert">
        These keys were saved under a previous SIGNING_SECRET and cannot be read, so steps with an
        incentive are skipped. Send the keys again (PATCH the store's woocommerceApi).
      </p>
    ) : null}
  </div>
)

/** Install and webhooks: the script tag, each webhook URL and secret, the coupon keys. */
export const InstallSection: FC<{ p: SettingsProps }> = ({ p }) => {
  const all = copies(p)
  return (
    <section class="card" id="install" aria-labelledby="install-title">
      <h2 id="install-title">Install and webhooks</h2>
      <div class="grid two">
        {all.slice(0, 3).map((c) => (
          <Copy {...c} />
        ))}
        <WooSecret secret={p.store.woocommerceWebhookSecret} />
        {all.slice(3).map((c) => (
          <Copy {...c} />
        ))}
        <CouponKeys state={p.woocommerceKeys} />
      </div>
    </section>
  )
}
