import { DISCLOSURE, type GuardContext, guardReply, type Problem } from './guard'
import type { ReplyInput, ReplyTools, Responder } from './types'

export type Outcome =
  | {
      kind: 'reply'
      text: string
      model: string
      attempts: number
      repairs: string[]
      /** Why the thread goes to a person, if the responder handed it off. */
      handoff: string | null
      incentive: { code: string } | null
    }
  | {
      kind: 'fallback'
      text: string
      reason: 'model_error' | 'guardrails'
      problems: Problem[]
      error: string | null
      handoff: string
      incentive: null
    }

const EXPLAIN: Record<Problem, string> = {
  empty: 'it was empty.',
  foreign_link: 'it had a link other than the cart link.',
  unknown_amount: 'it named an amount that is not in the cart or the store facts.',
  unknown_percent: 'it named a percentage the store did not give.',
  unknown_code: 'it named a code the store did not give.',
  foreign_contact: "it named someone else's email or phone number.",
}

/** The templated answer when the model fails: honest, and a person takes over. */
export function fallbackText(storeName: string, firstAiMessage: boolean): string {
  return `${firstAiMessage ? DISCLOSURE : ''}Thanks for your message! Someone from the ${storeName} team will reply here soon.`
}

/**
 * One answer to one text: a draft, the guardrails, one more draft with the refusal explained,
 * and a templated fallback with a handoff when the model errs or fails the guardrails twice.
 * `guard` gets the code the draft issued, if any, so that only that code may appear.
 */
export async function respond(
  input: ReplyInput,
  responder: Responder,
  tools: ReplyTools,
  guard: (issuedCode: string | null) => GuardContext,
): Promise<Outcome> {
  // What the tools did during the drafts (a holder: the closures below write it).
  const did: { handoff: string | null; issued: { code: string; description: string } | null } = {
    handoff: null,
    issued: null,
  }
  const wrapped: ReplyTools = {
    async offerIncentive() {
      did.issued ??= await tools.offerIncentive()
      return did.issued
    },
    handOff(reason) {
      did.handoff ??= reason
    },
  }
  let feedback: string | null = null
  let problems: Problem[] = []
  for (let attempt = 1; attempt <= 2; attempt++) {
    let draft: string
    try {
      draft = await responder.draft(input, wrapped, feedback)
    } catch (err) {
      return fallback(input, 'model_error', [], err instanceof Error ? err.message : String(err))
    }
    const checked = guardReply(draft, guard(did.issued?.code ?? null))
    // "Let me check with the team" is a promise: a person must get the thread, tool call or not.
    if (checked.ok && /check with (the|our) team/i.test(checked.text)) {
      did.handoff ??= 'unanswered_question'
    }
    if (checked.ok) {
      return {
        kind: 'reply',
        text: checked.text,
        model: responder.model,
        attempts: attempt,
        repairs: checked.repairs,
        handoff: did.handoff,
        incentive: did.issued ? { code: did.issued.code } : null,
      }
    }
    problems = checked.problems
    feedback = problems.map((p) => EXPLAIN[p]).join(' ')
  }
  return fallback(input, 'guardrails', problems, null)
}

function fallback(
  input: ReplyInput,
  reason: 'model_error' | 'guardrails',
  problems: Problem[],
  error: string | null,
): Outcome {
  return {
    kind: 'fallback',
    text: fallbackText(input.storeName, input.firstAiMessage),
    reason,
    problems,
    error,
    handoff: reason,
    incentive: null,
  }
}
