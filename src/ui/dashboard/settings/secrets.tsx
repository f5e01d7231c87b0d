import type { FC } from 'hono/jsx'
import type { SecretState, SettingsProps } from './props'

/** Which deployment secrets are set (never their values) and which providers are in use. */
export const SecretsSection: FC<{ secrets: SecretState[]; modes: SettingsProps['modes'] }> = ({
  secrets,
  modes,
}) => (
  <section class="card" id="secrets" aria-labelledby="secrets-title">
    <h2 id="secrets-title">Secrets</h2>
    <p class="faint">
      Set with <code>wrangler secret put NAME</code> (locally in <code>.dev.vars</code>). Only
      whether each is set is shown, never its value. Email goes through {modes.email}; texts through{' '}
      {modes.sms}.
    </p>
    <table>
      <tbody>
        {secrets.map((x) => (
          <tr>
            <td class="mono">{x.name}</td>
            <td>
              {x.set ? <span class="badge ok">set</span> : <span class="badge muted">not set</span>}
            </td>
            <td class="faint">{x.what}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </section>
)
