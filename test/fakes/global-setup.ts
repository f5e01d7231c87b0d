// Global setup of the workers project: servers on loopback that Durable Objects in workerd reach
// over real HTTP. Their URLs reach the tests through `inject` (typed below).
import type { TestProject } from 'vitest/node'
import { hungServer } from './http'
import { fakeTwilio } from './twilio'
import { webhookReceiver } from './webhook-receiver'

export default async function setup(project: TestProject) {
  const hung = await hungServer()
  const twilio = await fakeTwilio()
  const receiver = await webhookReceiver()
  project.provide('hungProviderUrl', hung.url)
  project.provide('twilioApiUrl', twilio.url)
  project.provide('webhookReceiverUrl', receiver.url)
  return async () => {
    await receiver.close()
    await hung.close()
    await twilio.close()
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** A provider that never answers (test/fakes/http.ts `hungServer`). */
    hungProviderUrl: string
    /**
     * Twilio's Messages API (test/fakes/twilio.ts), for account `AC0…01` with auth token
     * `twilio-token`: it answers 201 with a fresh SID.
     */
    twilioApiUrl: string
    /** Webhook receivers that verify with `standardwebhooks` (test/fakes/webhook-receiver.ts). */
    webhookReceiverUrl: string
  }
}
