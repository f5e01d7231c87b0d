import type { FC } from 'hono/jsx'
import { type FieldRow, Fields } from './fields'
import { at, sectionForm } from './form'
import type { SettingsProps } from './props'
import { Section } from './section'

const NAME_URL: FieldRow[] = [
  ['name', 'Name', { max: 200 }],
  ['url', 'Store URL', { type: 'url' }],
]

const ORIGINS_RESTORE: FieldRow[] = [
  [
    'allowedOrigins',
    'Allowed origins (one per line)',
    { rows: 3, hint: 'Where the storefront script may send carts from: scheme, host and port.' },
  ],
  [
    'restoreUrlTemplate',
    'Restore URL (optional)',
    {
      hint: 'Where restore links land; {token} is replaced. Default: the store URL with ?cartback_restore=…',
    },
  ],
]

/** The store itself: name, URL, where its script may run, where restore links land. */
export const StoreSection: FC<{ p: SettingsProps }> = ({ p }) => {
  const form = sectionForm(p, 'store')
  const saved = (name: string) =>
    name === 'allowedOrigins' ? p.store.allowedOrigins.join('\n') : at(p.store, name)
  return (
    <Section id="store" title="Store" p={p}>
      <div class="grid two">
        <Fields rows={NAME_URL} form={form} saved={saved} />
      </div>
      <Fields rows={ORIGINS_RESTORE} form={form} saved={saved} />
      <p class="faint">Currency: {p.store.currency} (fixed once the store exists).</p>
    </Section>
  )
}
