// The README's block of webhook JSON Schemas, generated from the zod schemas the Worker checks.
import { EVENT_TYPES, webhookJsonSchemas } from '../../src/domain/webhook/events.ts'

export const START = '<!-- webhook-schemas:start (npm run gen:webhook-schemas) -->'
export const END = '<!-- webhook-schemas:end -->'

/** One collapsed block per event type, in the README's order. */
export function readmeSchemas(): string {
  const schemas = webhookJsonSchemas()
  return EVENT_TYPES.map(
    (t) =>
      `<details><summary><code>${t}</code></summary>\n\n\`\`\`json\n${JSON.stringify(schemas[t], null, 2)}\n\`\`\`\n\n</details>`,
  ).join('\n')
}

/** The README with its schema block replaced. */
export function replaceSchemas(readme: string, block: string): string {
  const a = readme.indexOf(START)
  const b = readme.indexOf(END)
  if (a < 0 || b < a) throw new Error('README has no webhook-schemas markers')
  return `${readme.slice(0, a + START.length)}\n${block}\n${readme.slice(b)}`
}
