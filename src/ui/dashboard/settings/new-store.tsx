import type { FC } from 'hono/jsx'
import { Submit } from '../field'
import { type FieldRow, Fields } from './fields'
import { formState } from './form'

const NAME_URL_CURRENCY: FieldRow[] = [
  ['name', 'Store name', { max: 200 }],
  ['url', 'Store URL', { type: 'url', placeholder: 'https://shop.example/' }],
  ['currency', 'Currency', { max: 3, hint: 'ISO 4217, such as USD or EUR.' }],
]

const ORIGINS: FieldRow[] = [
  [
    'allowedOrigins',
    'Allowed origins (optional, one per line)',
    { rows: 2, hint: "Default: the store URL's origin." },
  ],
]

/** Adds a store: name, URL, currency and where its script may run; keys are generated. */
export const NewStoreForm: FC<{
  csrf: string
  values: Record<string, string>
  errors: Record<string, string>
  open: boolean
}> = ({ csrf, values, errors, open }) => {
  const form = formState({ values, errors }, {})
  const saved = (name: string) => (name === 'currency' ? 'USD' : undefined)
  return (
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
          <Fields rows={NAME_URL_CURRENCY} form={form} saved={saved} />
        </div>
        <Fields rows={ORIGINS} form={form} saved={saved} />
        <Submit>Create store</Submit>
      </form>
    </details>
  )
}
