import { z } from 'zod'
import { httpUrl, intIn } from '../../lib/schemas'
import { unknownVariables } from '../message/template'

const HOUR = 3600
const DAY = 86_400

const templateText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((v, ctx) => {
      const unknown = unknownVariables(v)
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown variable${unknown.length > 1 ? 's' : ''}: ${unknown.map((u) => `{{${u}}}`).join(', ')}`,
        })
      }
    })

export const EmailTemplateSchema = z
  .object({
    subject: templateText(200),
    preheader: templateText(200).optional(),
    heading: templateText(200),
    body: templateText(5000),
    buttonLabel: templateText(60),
  })
  .strict()

export const SmsTemplateSchema = z.object({ body: templateText(1000) }).strict()

export const IncentiveSchema = z
  .object({
    kind: z.enum(['percent', 'fixed']),
    /** Percent (1–100) or fixed amount in the cart's minor units. */
    amount: intIn(1, 1_000_000),
    /** How long the coupon stays valid after it is sent. */
    validForSeconds: intIn(HOUR, 90 * DAY),
  })
  .strict()
  .refine((i) => i.kind !== 'percent' || i.amount <= 100, {
    message: 'a percent incentive is at most 100',
    path: ['amount'],
  })

const stepBase = {
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and dashes, up to 32'),
  /** Time from abandonment to the step. */
  delaySeconds: intIn(0, 30 * DAY),
  /** How long after its time the step may still go out (quiet hours defer it); then skipped. */
  windowSeconds: intIn(60, 30 * DAY),
  incentive: IncentiveSchema.optional(),
}

/** The step's own content is its first variant, named by this id (issue 15). */
export const FIRST_VARIANT = 'a'

/** At most this many variants a step, its own content included. */
export const MAX_VARIANTS = 4

const variantBase = {
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,15}$/, 'lower-case letters, digits and dashes, up to 16')
    .refine((id) => id !== FIRST_VARIANT, `"${FIRST_VARIANT}" names the step's own content`),
  /** Time from abandonment to this variant; the step's own delay when absent. */
  delaySeconds: intIn(0, 30 * DAY).optional(),
  /** This variant's incentive; none when absent (the step's own is not inherited). */
  incentive: IncentiveSchema.optional(),
}

/**
 * A step's experiment (issue 15): which variants it compares and since when. Set by the server
 * whenever the variants change, never by a patch, so figures never mix two sets of variants.
 */
export const StepExperimentSchema = z
  .object({ id: z.string().min(1).max(64), startedAt: z.string() })
  .strict()

const variantsOf = <T extends z.ZodType>(template: T) =>
  z
    .array(z.object({ ...variantBase, template }).strict())
    .min(1)
    .max(MAX_VARIANTS - 1)
    .superRefine((vs, ctx) => {
      const ids = new Set<string>()
      vs.forEach((v, i) => {
        if (ids.has(v.id))
          ctx.addIssue({ code: 'custom', message: `duplicate variant "${v.id}"`, path: [i, 'id'] })
        ids.add(v.id)
      })
    })

const stepOf = <C extends 'email' | 'sms', T extends z.ZodType>(channel: C, template: T) =>
  z
    .object({
      ...stepBase,
      channel: z.literal(channel),
      template,
      /** Other versions of this step, compared at random (2–4 with the step's own). */
      variants: variantsOf(template).optional(),
      experiment: StepExperimentSchema.optional(),
    })
    .strict()

export const StepSchema = z.discriminatedUnion('channel', [
  stepOf('email', EmailTemplateSchema),
  stepOf('sms', SmsTemplateSchema),
])

export type Step = z.infer<typeof StepSchema>
export type EmailStep = Extract<Step, { channel: 'email' }>
export type SmsStep = Extract<Step, { channel: 'sms' }>

/** Steps in order of delay, ids unique, at most ten. */
export const SequenceSchema = z
  .array(StepSchema)
  .max(10)
  .superRefine((steps, ctx) => {
    const ids = new Set<string>()
    steps.forEach((s, i) => {
      if (ids.has(s.id))
        ctx.addIssue({ code: 'custom', message: `duplicate step id "${s.id}"`, path: [i, 'id'] })
      ids.add(s.id)
      const prev = steps[i - 1]
      if (prev && s.delaySeconds < prev.delaySeconds) {
        ctx.addIssue({
          code: 'custom',
          message: 'steps must be in order of delaySeconds',
          path: [i, 'delaySeconds'],
        })
      }
    })
  })

/** A sensible first sequence: email at 1 h, a text at 3 h, email at 24 h, email with 10% at 72 h. */
export const DEFAULT_SEQUENCE: Step[] = [
  {
    id: 'email-1h',
    channel: 'email',
    delaySeconds: HOUR,
    windowSeconds: 12 * HOUR,
    template: {
      subject: 'You left something in your cart',
      preheader: 'Your items are saved. Pick up where you left off.',
      heading: 'Still thinking it over?',
      body: 'We saved your cart at {{storeName}}. Your items are waiting whenever you are ready.',
      buttonLabel: 'Return to my cart',
    },
  },
  {
    id: 'sms-3h',
    channel: 'sms',
    delaySeconds: 3 * HOUR,
    windowSeconds: 24 * HOUR,
    template: {
      body: '{{storeName}}: your cart ({{total}}) is saved. Finish here: {{restoreUrl}}',
    },
  },
  {
    id: 'email-24h',
    channel: 'email',
    delaySeconds: DAY,
    windowSeconds: DAY,
    template: {
      subject: 'Your cart at {{storeName}} is waiting',
      preheader: 'We kept your items for you.',
      heading: 'Your items are still here',
      body: 'Come back and complete your order: your cart total is {{total}}.',
      buttonLabel: 'Complete my order',
    },
  },
  {
    id: 'email-72h',
    channel: 'email',
    delaySeconds: 3 * DAY,
    windowSeconds: 2 * DAY,
    incentive: { kind: 'percent', amount: 10, validForSeconds: 3 * DAY },
    template: {
      subject: '{{incentive}} your cart at {{storeName}}',
      preheader: 'A little something to help you decide.',
      heading: 'Here is {{incentive}} your order',
      body: 'Use code {{incentiveCode}} at checkout. It is applied for you when you return to your cart.',
      buttonLabel: 'Claim {{incentive}}',
    },
  },
]

/** Who the messages come from and how they look. */
export const SenderSchema = z
  .object({
    fromName: z.string().trim().min(1).max(100).optional(),
    fromEmail: z.email().optional(),
    replyTo: z.email().optional(),
    /** Required by CAN-SPAM in every marketing email's footer. */
    postalAddress: z.string().trim().min(5).max(300).optional(),
    logoUrl: httpUrl.optional(),
    accentColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #4f46e5')
      .default('#4f46e5'),
    supportEmail: z.email().optional(),
    supportPhone: z.string().trim().max(40).optional(),
  })
  .strict()

export type Sender = z.infer<typeof SenderSchema>

/** What the settings schema cannot check alone: each text's size with real names and links. */
export type SequenceProblem = { stepId: string; message: string; variant?: string }
