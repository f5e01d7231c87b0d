import { z } from 'zod'
import { IncentiveSchema } from '../sequence/steps'

/**
 * The Workers AI model that answers texts unless a store picks another: an instruct model with
 * function calling that Cloudflare lists as current (see docs/design/two-way-sms.md).
 */
export const DEFAULT_AI_MODEL = '@cf/meta/llama-3.3-70b-instruct-fp8-fast'

const fact = (max: number) => z.string().trim().min(1).max(max)

/** What the merchant writes about the store: the only facts a reply may state. */
export const KnowledgeBaseSchema = z
  .object({
    shipping: fact(1000).optional(),
    returns: fact(1000).optional(),
    payment: fact(1000).optional(),
    faq: z
      .array(z.object({ q: fact(200), a: fact(600) }).strict())
      .max(30)
      .default([]),
    /** How replies sound: "warm and brief", "formal". */
    tone: fact(200).optional(),
  })
  .strict()

export type KnowledgeBase = z.infer<typeof KnowledgeBaseSchema>

/** How the store answers shoppers' texts. */
export const AssistantSchema = z
  .object({
    /** Off: replies other than keywords (STOP, HELP…) are kept for the merchant, unanswered. */
    enabled: z.boolean().default(true),
    model: z
      .string()
      .regex(
        /^@cf\/[\w.-]+\/[\w.-]+$/,
        'a Workers AI model id such as @cf/meta/llama-3.3-70b-instruct-fp8-fast',
      )
      .default(DEFAULT_AI_MODEL),
    /** The one incentive a reply may offer (once per cart); none when null. */
    incentive: IncentiveSchema.nullable().default(null),
    /** Where a handoff to a person is emailed (default: the sender's support or reply-to). */
    handoffEmail: z.email().optional(),
  })
  .strict()

export type Assistant = z.infer<typeof AssistantSchema>
