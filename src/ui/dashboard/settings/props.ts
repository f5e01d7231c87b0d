import type { ConnectCodeView, PluginConnectionView } from '../../../views/connect'
import type { Store } from '../../../views/store'

export type SecretState = { name: string; set: boolean; what: string }

/** Everything the settings page shows: the store, the draft of a failed save, the deployment. */
export type SettingsProps = {
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
  /** The connected WordPress plugin, if any. */
  plugin: PluginConnectionView | null
  /** A connect code just issued (shown once). */
  connectCode?: ConnectCodeView
}
