import type { FC } from 'hono/jsx'
import { when } from '../format'
import { CopyField } from '../parts'
import type { SettingsProps } from './props'

/** The code just issued: shown this once, with its expiry and what to do with it. */
const NewCode: FC<{ code: string; expiresAt: string; base: string }> = (p) => (
  <div class="stack" role="status">
    <div class="field">
      <CopyField id="connect-code" label="Connect code (shown once)" value={p.code} />
      <div class="faint small">
        Works once, until {when(p.expiresAt)} UTC (10 minutes). A new code replaces this one.
      </div>
    </div>
    <p>
      Next: in WordPress, open the Cartback plugin’s settings, paste your Cartback URL{' '}
      <code>{p.base}</code> and this code, and click Connect. WooCommerce then asks you to approve
      Cartback’s access: approve it, and the plugin does the rest.
    </p>
  </div>
)

/** Connect WordPress: a one-time code for the Cartback plugin, and what is connected now. */
export const ConnectSection: FC<{ p: SettingsProps }> = ({ p }) => (
  <section class="card" id="connect" aria-labelledby="connect-title">
    <h2 id="connect-title">Connect WordPress</h2>
    <p class="faint">
      The Cartback plugin for WooCommerce adds the script, the consent field, the order webhooks and
      the coupon keys for you: it needs a one-time connect code from here.
    </p>
    {p.plugin ? (
      <p>
        <span class="badge ok">connected</span> <code>{p.plugin.siteUrl}</code>, plugin{' '}
        {p.plugin.version}, since {when(p.plugin.connectedAt)} UTC.
      </p>
    ) : (
      <p>
        <span class="badge muted">not connected</span>
      </p>
    )}
    {p.connectCode ? <NewCode {...p.connectCode} base={p.base} /> : null}
    <form
      method="post"
      action={`/settings/${encodeURIComponent(p.store.id)}/connect-code#connect`}
      class="actions"
    >
      <input type="hidden" name="_csrf" value={p.csrf} />
      <button class={p.connectCode ? 'btn secondary' : 'btn'} type="submit">
        {p.connectCode ? 'Get another code' : 'Get a connect code'}
      </button>
    </form>
  </section>
)
