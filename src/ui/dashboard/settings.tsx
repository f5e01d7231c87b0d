import type { Child, FC } from 'hono/jsx'
import type { Store } from '../../db/stores'
import type { Unit } from '../../lib/duration'
import { Duration, Field, Text } from './field'
import { Flash, StorePicker } from './parts'

export type SecretState = { name: string; set: boolean; what: string }

type Props = {
  stores: { id: string; name: string }[]
  store: Store
  /** `unreadable`: sealed under a previous SIGNING_SECRET, to be entered again. */
  woocommerceKeys: 'not_set' | 'unreadable' | 'ok'
  /** Draft values typed into the section that failed (form name → value). */
  values: Record<string, string>
  /** Unit fields as shown (minutes, days, hours), form name → value. */
  units: Record<string, string>
  errors: Record<string, string>
  /** The section the errors and values belong to. */
  section: string | null
  base: string
  secrets: SecretState[]
  modes: { email: string; sms: string; ai: string }
  csrf: string
  notice?: string
}

/** A read-only value with a copy button (the button appears with script). */
const Copy: FC<{ id: string; label: string; value: string; hint?: string }> = (p) => (
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

/** One settings section: its own form, its own save button, its own errors. */
const Section: FC<{ id: string; title: string; p: Props; intro?: string; children: Child }> = ({
  id,
  title,
  p,
  intro,
  children,
}) => (
  <section class="card" id={id} aria-labelledby={`${id}-title`}>
    <h2 id={`${id}-title`}>{title}</h2>
    {intro ? <p class="faint">{intro}</p> : null}
    <form
      method="post"
      action={`/settings/${encodeURIComponent(p.store.id)}#${id}`}
      class="stack"
      novalidate
    >
      <input type="hidden" name="_csrf" value={p.csrf} />
      <input type="hidden" name="section" value={id} />
      {p.section === id && Object.keys(p.errors).length ? (
        <p class="error" role="alert">
          Nothing was saved: fix the fields marked below.
        </p>
      ) : null}
      {children}
      <div class="actions">
        <button class="btn" type="submit">
          Save {title.toLowerCase()}
        </button>
      </div>
    </form>
  </section>
)

/** The sender section's text fields: form name (the settings path), label, input extras. */
const SENDER_FIELDS: [string, string, { type?: string; hint?: string; placeholder?: string }][] = [
  ['sender.fromName', 'From name', {}],
  ['sender.fromEmail', 'From email', { type: 'email', hint: 'On a domain verified in Resend.' }],
  ['sender.replyTo', 'Reply-to email', { type: 'email' }],
  ['sender.postalAddress', 'Postal address (email footer)', {}],
  ['sender.logoUrl', 'Logo URL', { type: 'url' }],
  ['sender.accentColor', 'Accent colour', { placeholder: '#4f46e5' }],
  ['sender.supportEmail', 'Support email', { type: 'email' }],
  ['sender.supportPhone', 'Support phone', {}],
  ['sms.messagingServiceSid', 'Twilio Messaging Service SID', { placeholder: 'MG…' }],
  ['sms.fromNumber', '…or sending number', { placeholder: '+14155550123' }],
]

const HOURS = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** Store settings: install details, timing, quiet hours, sender, the assistant, retention. */
export const SettingsPage: FC<Props> = (p) => {
  const s = p.store.settings
  const errs = (section: string) => (p.section === section ? p.errors : {})
  // What a field shows: what was typed (after a failed save of its section) or what is saved.
  const v = (section: string, name: string, saved: string | number | undefined | null) =>
    p.section === section && name in p.values
      ? p.values[name]
      : saved === null || saved === undefined
        ? ''
        : String(saved)
  const unit = (section: string, name: string) => v(section, name, p.units[name]) ?? ''
  const unitOf = (section: string, name: string) => {
    const u = v(section, `${name}Unit`, p.units[`${name}Unit`])
    return (u === 'minutes' || u === 'hours' || u === 'days' ? u : 'days') as Unit
  }
  const id = encodeURIComponent(p.store.id)
  const faq = [...s.knowledgeBase.faq, { q: '', a: '' }, { q: '', a: '' }]
  const scriptTag = `<script async src="${p.base}/v1/cartback.js" data-store="${p.store.publishableKey}"></script>`
  return (
    <>
      <div class="head">
        <div>
          <h1>Settings</h1>
          <p class="sub">{p.store.name}: how Cartback installs, times, sends and answers.</p>
        </div>
        <StorePicker action="/settings" stores={p.stores} current={p.store.id} />
      </div>
      <Flash notice={p.notice} />
      <NewStoreForm
        csrf={p.csrf}
        values={p.section === 'new' ? p.values : {}}
        errors={p.section === 'new' ? p.errors : {}}
        open={p.section === 'new'}
      />
      <nav class="card toc" aria-label="Sections">
        {[
          ['install', 'Install and webhooks'],
          ['store', 'Store'],
          ['timing', 'Timing'],
          ['quiet', 'Quiet hours'],
          ['sender', 'Sender'],
          ['assistant', 'Text replies'],
          ['secrets', 'Secrets'],
          ['retention', 'Retention'],
        ].map(([href, label]) => (
          <a href={`#${href}`}>{label}</a>
        ))}
      </nav>
      <div class="stack">
        <section class="card" id="install" aria-labelledby="install-title">
          <h2 id="install-title">Install and webhooks</h2>
          <div class="grid two">
            <Copy
              id="pk"
              label="Publishable key"
              value={p.store.publishableKey}
              hint="Public: it goes in the storefront script tag."
            />
            <Copy id="script-tag" label="Script tag (before </body>)" value={scriptTag} />
            <Copy
              id="woo-url"
              label="WooCommerce webhook URL"
              value={`${p.base}/webhooks/woocommerce/${id}`}
              hint="WooCommerce → Settings → Advanced → Webhooks: topics order.created and order.updated, API version 3."
            />
            <Field name="woo-secret" label="WooCommerce webhook secret" errors={{}}>
              {(fid) => (
                <details>
                  <summary>Show the secret to paste into WooCommerce</summary>
                  <div class="actions">
                    <input
                      id={fid}
                      class="grow mono"
                      readonly
                      value={p.store.woocommerceWebhookSecret}
                    />
                    <button class="btn secondary" type="button" data-copy={fid} hidden>
                      Copy
                    </button>
                  </div>
                </details>
              )}
            </Field>
            <Copy
              id="twilio-url"
              label="Twilio incoming messages webhook"
              value={`${p.base}/webhooks/twilio/${id}`}
              hint="Twilio → your number or Messaging Service → A message comes in: HTTP POST."
            />
            <Copy
              id="twilio-status"
              label="Twilio status callback"
              value={`${p.base}/webhooks/twilio/${id}/status`}
              hint="Set automatically on every text; shown for reference."
            />
            <Copy
              id="resend-url"
              label="Resend webhook URL"
              value={`${p.base}/webhooks/resend`}
              hint="Resend → Webhooks: email.delivered, opened, bounced, complained. Click tracking can stay off."
            />
            <div class="field">
              <span class="label">WooCommerce coupon keys</span>
              <p>
                {p.woocommerceKeys === 'ok' ? (
                  <span class="badge ok">set</span>
                ) : p.woocommerceKeys === 'unreadable' ? (
                  <span class="badge bad">cannot be read</span>
                ) : (
                  <span class="badge muted">not set</span>
                )}{' '}
                <span class="faint">
                  needed for incentives; set through the API (values are never shown).
                </span>
              </p>
              {p.woocommerceKeys === 'unreadable' ? (
                <p class="error" role="alert">
                  These keys were saved under a previous SIGNING_SECRET and cannot be read, so steps
                  with an incentive are skipped. Send the keys again (PATCH the store's
                  woocommerceApi).
                </p>
              ) : null}
            </div>
          </div>
        </section>

        <Section id="store" title="Store" p={p}>
          <div class="grid two">
            <Text
              name="name"
              label="Name"
              value={v('store', 'name', p.store.name)}
              errors={errs('store')}
              max={200}
            />
            <Text
              name="url"
              label="Store URL"
              value={v('store', 'url', p.store.url)}
              errors={errs('store')}
              type="url"
            />
          </div>
          <Field
            name="allowedOrigins"
            label="Allowed origins (one per line)"
            errors={errs('store')}
            hint="Where the storefront script may send carts from: scheme, host and port."
          >
            {(fid, by) => (
              <textarea id={fid} name="allowedOrigins" rows={3} aria-describedby={by}>
                {v('store', 'allowedOrigins', p.store.allowedOrigins.join('\n'))}
              </textarea>
            )}
          </Field>
          <Text
            name="restoreUrlTemplate"
            label="Restore URL (optional)"
            value={v('store', 'restoreUrlTemplate', p.store.restoreUrlTemplate)}
            errors={errs('store')}
            hint="Where restore links land; {token} is replaced. Default: the store URL with ?cartback_restore=…"
          />
          <p class="faint">Currency: {p.store.currency} (fixed once the store exists).</p>
        </Section>

        <Section
          id="timing"
          title="Timing"
          p={p}
          intro="When a cart counts as abandoned, how long links last, and how long a recovery is credited."
        >
          <div class="grid three">
            <Duration
              name="inactivity"
              label="Abandoned after this long idle"
              value={unit('timing', 'inactivity')}
              unit={unitOf('timing', 'inactivity')}
              errors={errs('timing')}
            />
            <Duration
              name="restoreTtl"
              label="Restore links valid for"
              value={unit('timing', 'restoreTtl')}
              unit={unitOf('timing', 'restoreTtl')}
              errors={errs('timing')}
            />
            <Duration
              name="attributionWindow"
              label="Order counts as recovered within"
              value={unit('timing', 'attributionWindow')}
              unit={unitOf('timing', 'attributionWindow')}
              errors={errs('timing')}
            />
            <Duration
              name="attribution.emailWindow"
              label="Credit an email clicked or sent within"
              value={unit('timing', 'attribution.emailWindow')}
              unit={unitOf('timing', 'attribution.emailWindow')}
              errors={errs('timing')}
            />
            <Duration
              name="attribution.smsWindow"
              label="Credit a text within"
              value={unit('timing', 'attribution.smsWindow')}
              unit={unitOf('timing', 'attribution.smsWindow')}
              errors={errs('timing')}
            />
            <Text
              name="defaultCountry"
              label="Country for local phone numbers"
              value={v('timing', 'defaultCountry', s.defaultCountry)}
              errors={errs('timing')}
              max={2}
              hint="Two letters, such as US."
            />
            <Text
              name="retentionDays"
              label="Erase carts after (days unchanged)"
              value={v('timing', 'retentionDays', s.retentionDays)}
              errors={errs('timing')}
              hint="30 to 3,650; empty keeps carts until you delete them. Never sooner than the attribution window plus the restore-link lifetime."
            />
          </div>
        </Section>

        <Section id="quiet" title="Quiet hours" p={p}>
          <p>
            Reminder texts go out only between <strong>{s.quietHours.startHour}:00</strong> and{' '}
            <strong>{Math.min(s.quietHours.endHour, 21)}:00</strong> where the shopper is (by their
            area code and their browser's time zone, whichever is stricter), and never after 20:00
            in Florida, Oklahoma and Washington. A text due at night waits for the morning; if that
            passes the step's window it is skipped, and the cart's timeline says why. Direct answers
            to a shopper's own text within 15 minutes are not held back.
          </p>
          <div class="grid three">
            {(['startHour', 'endHour'] as const).map((k) => (
              <Field
                name={`quietHours.${k}`}
                label={k === 'startHour' ? 'Not before' : 'Not after'}
                errors={errs('quiet')}
              >
                {(fid) => (
                  <select id={fid} name={`quietHours.${k}`}>
                    {(k === 'startHour' ? HOURS(8, 12) : HOURS(17, 21)).map((h) => (
                      <option
                        value={String(h)}
                        selected={String(h) === v('quiet', `quietHours.${k}`, s.quietHours[k])}
                      >
                        {h}:00
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ))}
          </div>
          <p class="faint">
            The law's window (8:00–21:00) always applies; a store may only narrow it.
          </p>
        </Section>

        <Section
          id="sender"
          title="Sender"
          p={p}
          intro="Who emails and texts come from, and what every email's footer says."
        >
          <div class="grid two">
            {SENDER_FIELDS.map(([name, label, extra]) => {
              const [group, key] = name.split('.') as ['sender' | 'sms', string]
              const saved = (s[group] as Record<string, string | undefined>)[key]
              return (
                <Text
                  name={name}
                  label={label}
                  value={v('sender', name, saved)}
                  errors={errs('sender')}
                  {...extra}
                />
              )
            })}
          </div>
          <label class="inline">
            <input
              type="checkbox"
              name="sms.doubleOptIn"
              checked={
                p.section === 'sender' ? p.values['sms.doubleOptIn'] === 'on' : s.sms.doubleOptIn
              }
            />{' '}
            Ask new numbers to reply YES before any reminder (double opt-in, recommended)
          </label>
        </Section>

        <Section
          id="assistant"
          title="Text replies"
          p={p}
          intro="When a shopper answers a text, the assistant replies from these facts only; anything else goes to you."
        >
          <label class="inline">
            <input
              type="checkbox"
              name="ai.enabled"
              checked={p.section === 'assistant' ? p.values['ai.enabled'] === 'on' : s.ai.enabled}
            />{' '}
            Answer shoppers' texts automatically
          </label>
          <div class="grid two">
            <Text
              name="ai.model"
              label="Workers AI model"
              value={v('assistant', 'ai.model', s.ai.model)}
              errors={errs('assistant')}
              hint={`Currently answering with: ${p.modes.ai}.`}
            />
            <Text
              name="ai.handoffEmail"
              label="Hand-offs are emailed to"
              value={v('assistant', 'ai.handoffEmail', s.ai.handoffEmail)}
              errors={errs('assistant')}
              type="email"
              hint="Default: the support or reply-to email."
            />
          </div>
          <div class="grid three">
            <Field
              name="ai.incentiveKind"
              label="Incentive the assistant may offer"
              errors={errs('assistant')}
            >
              {(fid) => (
                <select id={fid} name="ai.incentiveKind">
                  <option value="">None</option>
                  <option
                    value="percent"
                    selected={
                      v('assistant', 'ai.incentiveKind', s.ai.incentive?.kind) === 'percent'
                    }
                  >
                    Percent off
                  </option>
                  <option
                    value="fixed"
                    selected={v('assistant', 'ai.incentiveKind', s.ai.incentive?.kind) === 'fixed'}
                  >
                    Amount off ({p.store.currency})
                  </option>
                </select>
              )}
            </Field>
            <Text
              name="ai.incentive.amount"
              label="Amount"
              value={v('assistant', 'ai.incentive.amount', p.units['ai.incentive.amount'])}
              errors={errs('assistant')}
            />
            <Duration
              name="ai.incentiveValid"
              label="Coupon valid for"
              value={unit('assistant', 'ai.incentiveValid')}
              unit={unitOf('assistant', 'ai.incentiveValid')}
              errors={errs('assistant')}
            />
          </div>
          {(['shipping', 'returns', 'payment'] as const).map((k) => (
            <Field
              name={`knowledgeBase.${k}`}
              label={k.charAt(0).toUpperCase() + k.slice(1)}
              errors={errs('assistant')}
            >
              {(fid, by) => (
                <textarea
                  id={fid}
                  name={`knowledgeBase.${k}`}
                  rows={2}
                  maxlength={1000}
                  aria-describedby={by}
                >
                  {v('assistant', `knowledgeBase.${k}`, s.knowledgeBase[k])}
                </textarea>
              )}
            </Field>
          ))}
          <Text
            name="knowledgeBase.tone"
            label="Tone"
            value={v('assistant', 'knowledgeBase.tone', s.knowledgeBase.tone)}
            errors={errs('assistant')}
            placeholder="warm and brief"
          />
          <h3>Questions and answers</h3>
          {errs('assistant')['knowledgeBase.faq'] ? (
            <p class="field-error" role="alert">
              {errs('assistant')['knowledgeBase.faq']}
            </p>
          ) : null}
          {faq.map((f, i) => (
            <div class="grid two faq">
              <Text
                name={`knowledgeBase.faq.${i}.q`}
                label={`Question ${i + 1}`}
                value={v('assistant', `knowledgeBase.faq.${i}.q`, f.q)}
                errors={errs('assistant')}
                max={200}
              />
              <Text
                name={`knowledgeBase.faq.${i}.a`}
                label={`Answer ${i + 1}`}
                value={v('assistant', `knowledgeBase.faq.${i}.a`, f.a)}
                errors={errs('assistant')}
                max={600}
              />
            </div>
          ))}
        </Section>

        <section class="card" id="secrets" aria-labelledby="secrets-title">
          <h2 id="secrets-title">Secrets</h2>
          <p class="faint">
            Set with <code>wrangler secret put NAME</code> (locally in <code>.dev.vars</code>). Only
            whether each is set is shown, never its value. Email goes through {p.modes.email}; texts
            through {p.modes.sms}.
          </p>
          <table>
            <tbody>
              {p.secrets.map((x) => (
                <tr>
                  <td class="mono">{x.name}</td>
                  <td>
                    {x.set ? (
                      <span class="badge ok">set</span>
                    ) : (
                      <span class="badge muted">not set</span>
                    )}
                  </td>
                  <td class="faint">{x.what}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section class="card" id="retention" aria-labelledby="retention-title">
          <h2 id="retention-title">Retention</h2>
          <dl class="facts wide">
            <dt>Consent records</dt>
            <dd>4 years from when they were given, kept apart from carts (proof of consent).</dd>
            <dt>Text conversations</dt>
            <dd>1 year from each message.</dd>
            <dt>Carts, messages, timelines</dt>
            <dd>
              {s.retentionDays === null
                ? 'Until you delete them'
                : `${s.retentionDays} days after their last change (set under Timing), or sooner if you delete them`}
              ; erasing a cart erases its messages and text thread too (checked hourly).
            </dd>
            <dt>Opt-outs</dt>
            <dd>Kept for good, so no one who opted out is messaged again.</dd>
          </dl>
        </section>
      </div>
    </>
  )
}

/** Adds a store: name, URL, currency and where its script may run; keys are generated. */
export const NewStoreForm: FC<{
  csrf: string
  values: Record<string, string>
  errors: Record<string, string>
  open: boolean
}> = ({ csrf, values, errors, open }) => (
  <details class="card" id="new-store" open={open}>
    <summary>
      <strong>Add a store</strong>
    </summary>
    <form method="post" action="/settings/new" class="stack" novalidate>
      <input type="hidden" name="_csrf" value={csrf} />
      {Object.keys(errors).length ? (
        <p class="error" role="alert">
          The store was not created: fix the fields marked below.
        </p>
      ) : null}
      <div class="grid three">
        <Text name="name" label="Store name" value={values.name} errors={errors} max={200} />
        <Text
          name="url"
          label="Store URL"
          value={values.url}
          errors={errors}
          type="url"
          placeholder="https://shop.example/"
        />
        <Text
          name="currency"
          label="Currency"
          value={values.currency ?? 'USD'}
          errors={errors}
          max={3}
          hint="ISO 4217, such as USD or EUR."
        />
      </div>
      <Field
        name="allowedOrigins"
        label="Allowed origins (optional, one per line)"
        errors={errors}
        hint="Default: the store URL's origin."
      >
        {(fid, by) => (
          <textarea id={fid} name="allowedOrigins" rows={2} aria-describedby={by}>
            {values.allowedOrigins ?? ''}
          </textarea>
        )}
      </Field>
      <div class="actions">
        <button class="btn" type="submit">
          Create store
        </button>
      </div>
    </form>
  </details>
)
