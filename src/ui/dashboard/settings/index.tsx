import type { FC } from 'hono/jsx'
import { Flash, StorePicker } from '../parts'
import { AssistantSection } from './assistant'
import { ConnectSection } from './connect'
import { HoldoutSection } from './holdout'
import { InstallSection } from './install'
import { NewStoreForm } from './new-store'
import type { SettingsProps } from './props'
import { QuietSection } from './quiet'
import { RetentionSection } from './retention'
import { SecretsSection } from './secrets'
import { SenderSection } from './sender'
import { StoreSection } from './store'
import { TimingSection } from './timing'

export { NewStoreForm } from './new-store'
export type { SecretState, SettingsProps } from './props'

/** The table of contents: each section's anchor and title. */
const TOC = [
  ['connect', 'Connect WordPress'],
  ['install', 'Install and webhooks'],
  ['store', 'Store'],
  ['timing', 'Timing'],
  ['quiet', 'Quiet hours'],
  ['holdout', 'Holdout'],
  ['sender', 'Sender'],
  ['assistant', 'Text replies'],
  ['secrets', 'Secrets'],
  ['retention', 'Retention'],
] as const

/** Store settings: install details, timing, quiet hours, sender, the assistant, retention. */
export const SettingsPage: FC<SettingsProps> = (p) => (
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
      {TOC.map(([href, label]) => (
        <a href={`#${href}`}>{label}</a>
      ))}
      <a href={`/settings/webhooks?store=${encodeURIComponent(p.store.id)}`}>Webhooks →</a>
    </nav>
    <div class="stack">
      <ConnectSection p={p} />
      <InstallSection p={p} />
      <StoreSection p={p} />
      <TimingSection p={p} />
      <QuietSection p={p} />
      <HoldoutSection p={p} />
      <SenderSection p={p} />
      <AssistantSection p={p} />
      <SecretsSection secrets={p.secrets} modes={p.modes} />
      <RetentionSection retentionDays={p.store.settings.retentionDays} />
    </div>
  </>
)
