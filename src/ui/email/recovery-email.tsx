import type { FC } from 'hono/jsx'
import { composeEmailText, type MessageInput } from '../../domain/message/compose'
import { describeIncentive, formatMoney } from '../../domain/message/format'
import type { EmailStep } from '../../domain/sequence/steps'

type Words = ReturnType<typeof composeEmailText>

const FONT =
  'font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif'

const Lines: FC<{ input: MessageInput }> = ({ input }) => {
  const locale = input.locale ?? 'en-US'
  // The picture column only when some line has a picture.
  const pictures = input.items.some((i) => i.image)
  return (
    <table
      role="presentation"
      width="100%"
      cellpadding="0"
      cellspacing="0"
      style="border-collapse:collapse"
    >
      {input.items.map((item) => (
        <tr>
          {pictures ? (
            <td
              width="72"
              style="padding:12px 12px 12px 0;border-bottom:1px solid #e5e7eb;vertical-align:top"
            >
              {item.image ? (
                <img
                  src={item.image}
                  alt=""
                  width="64"
                  height="64"
                  style="display:block;border-radius:8px;object-fit:cover"
                />
              ) : null}
            </td>
          ) : null}
          <td
            style={`padding:12px 0;border-bottom:1px solid #e5e7eb;${FONT};font-size:15px;color:#111827`}
          >
            <strong>{item.name}</strong>
            {item.variant ? <div style="color:#6b7280;font-size:13px">{item.variant}</div> : null}
            <div style="color:#6b7280;font-size:13px">Qty {item.quantity}</div>
          </td>
          <td
            align="right"
            style={`padding:12px 0;border-bottom:1px solid #e5e7eb;${FONT};font-size:15px;color:#111827;white-space:nowrap`}
          >
            {formatMoney(item.price * item.quantity, input.currency, locale)}
          </td>
        </tr>
      ))}
      <tr>
        {pictures ? <td /> : null}
        <td style={`padding:12px 0;${FONT};font-size:15px;font-weight:700`}>Total</td>
        <td align="right" style={`padding:12px 0;${FONT};font-size:15px;font-weight:700`}>
          {formatMoney(input.total, input.currency, locale)}
        </td>
      </tr>
    </table>
  )
}

/** The recovery email: branded, table-based for mail clients, every value escaped by hono/jsx. */
export const RecoveryEmail: FC<{ words: Words; input: MessageInput }> = ({ words, input }) => {
  const accent = input.sender.accentColor
  return (
    <html lang={(input.locale ?? 'en').split('-')[0]}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{words.subject}</title>
      </head>
      <body style="margin:0;padding:0;background:#f3f4f6">
        <div style="display:none;max-height:0;overflow:hidden;opacity:0">{words.preheader}</div>
        <table
          role="presentation"
          width="100%"
          cellpadding="0"
          cellspacing="0"
          style="background:#f3f4f6"
        >
          <tr>
            <td align="center" style="padding:24px 12px">
              <table
                role="presentation"
                width="600"
                cellpadding="0"
                cellspacing="0"
                style="max-width:600px;width:100%;background:#ffffff;border-radius:12px"
              >
                <tr>
                  <td
                    style={`padding:24px 32px;border-bottom:4px solid ${accent};${FONT};font-size:18px;font-weight:700;color:#111827`}
                  >
                    {input.sender.logoUrl ? (
                      <img
                        src={input.sender.logoUrl}
                        alt={input.storeName}
                        height="40"
                        style="display:block;height:40px"
                      />
                    ) : (
                      input.storeName
                    )}
                  </td>
                </tr>
                <tr>
                  <td style={`padding:32px;${FONT};color:#111827`}>
                    <h1 style="margin:0 0 12px;font-size:24px;line-height:1.3">{words.heading}</h1>
                    {words.body.split(/\n{2,}/).map((paragraph) => (
                      <p style="margin:0 0 16px;font-size:16px;line-height:1.5;color:#374151">
                        {paragraph}
                      </p>
                    ))}
                    {input.incentive ? (
                      <p
                        style={`margin:0 0 16px;padding:12px 16px;border:2px dashed ${accent};border-radius:8px;font-size:16px`}
                      >
                        {describeIncentive(
                          input.incentive,
                          input.incentive.currency ?? input.currency,
                          input.locale ?? undefined,
                        )}{' '}
                        with code <strong style="letter-spacing:1px">{input.incentive.code}</strong>
                      </p>
                    ) : null}
                    <Lines input={input} />
                    <table
                      role="presentation"
                      cellpadding="0"
                      cellspacing="0"
                      style="margin:24px 0 0"
                    >
                      <tr>
                        <td style={`background:${accent};border-radius:8px`}>
                          <a
                            href={input.restoreUrl}
                            style={`display:inline-block;padding:14px 28px;${FONT};font-size:16px;font-weight:700;color:#ffffff;text-decoration:none`}
                          >
                            {words.buttonLabel}
                          </a>
                        </td>
                      </tr>
                    </table>
                  </td>
                </tr>
                <tr>
                  <td
                    style={`padding:20px 32px;border-top:1px solid #e5e7eb;${FONT};font-size:12px;line-height:1.5;color:#6b7280`}
                  >
                    <p style="margin:0 0 6px">
                      {input.storeName}
                      {input.sender.postalAddress ? ` · ${input.sender.postalAddress}` : ''}
                    </p>
                    <p style="margin:0">
                      You received this because you started an order at {input.storeName}.{' '}
                      <a href={input.unsubscribeUrl} style="color:#6b7280">
                        Unsubscribe
                      </a>
                    </p>
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>
  )
}

/** The same email as plain text, for clients that prefer it. */
export function plainTextEmail(words: Words, input: MessageInput): string {
  const locale = input.locale ?? 'en-US'
  const lines = input.items.map(
    (i) =>
      `- ${i.name}${i.variant ? ` (${i.variant})` : ''} × ${i.quantity}: ${formatMoney(i.price * i.quantity, input.currency, locale)}`,
  )
  return [
    words.heading,
    '',
    words.body,
    '',
    ...(input.incentive
      ? [
          `${describeIncentive(input.incentive, input.incentive.currency ?? input.currency, input.locale ?? undefined)} with code ${input.incentive.code}`,
          '',
        ]
      : []),
    ...lines,
    `Total: ${formatMoney(input.total, input.currency, locale)}`,
    '',
    `${words.buttonLabel}: ${input.restoreUrl}`,
    '',
    '--',
    [input.storeName, input.sender.postalAddress].filter(Boolean).join(' · '),
    `Unsubscribe: ${input.unsubscribeUrl}`,
  ].join('\n')
}

export type RenderedEmail = { subject: string; preheader: string; html: string; text: string }

/** Renders an email step for one cart. */
export async function renderEmail(step: EmailStep, input: MessageInput): Promise<RenderedEmail> {
  const words = composeEmailText(step, input)
  const html = `<!doctype html>${await (<RecoveryEmail words={words} input={input} />).toString()}`
  return {
    subject: words.subject,
    preheader: words.preheader,
    html,
    text: plainTextEmail(words, input),
  }
}
