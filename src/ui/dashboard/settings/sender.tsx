import type { FC } from 'hono/jsx'
import { Checkbox, type FieldRow, Fields } from './fields'
import { at, sectionForm } from './form'
import type { SettingsProps } from './props'
import { Section } from './section'

/** The sender section's text fields: form name (the settings path), label, input extras. */
const SENDER_FIELDS: FieldRow[] = [
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

/** Who emails and texts come from, every email's footer, and double opt-in. */
export const SenderSection: FC<{ p: SettingsProps }> = ({ p }) => {
  const s = p.store.settings
  const form = sectionForm(p, 'sender')
  return (
    <Section
      id="sender"
      title="Sender"
      p={p}
      intro="Who emails and texts come from, and what every email's footer says."
    >
      <div class="grid two">
        <Fields rows={SENDER_FIELDS} form={form} saved={(name) => at(s, name)} />
      </div>
      <Checkbox
        form={form}
        name="sms.doubleOptIn"
        saved={s.sms.doubleOptIn}
        label="Ask new numbers to reply YES before any reminder (double opt-in, recommended)"
      />
    </Section>
  )
}
