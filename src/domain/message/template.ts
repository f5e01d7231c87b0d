/** Variables a template may use, with the longest value each can take when checking size. */
export const TEMPLATE_VARIABLES = {
  storeName: 'the store name',
  firstName: 'the shopper first name (empty when unknown)',
  itemCount: 'the number of items',
  total: 'the cart total, formatted',
  restoreUrl: 'the link that rebuilds the cart',
  incentive: 'the incentive, such as "10% off"',
  incentiveCode: 'the coupon code',
} as const

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES
export type TemplateValues = Record<TemplateVariable, string>

const VARIABLE = /\{\{\s*([A-Za-z]+)\s*\}\}/g

/** Names used in a template that are not variables; empty when the template is valid. */
export function unknownVariables(template: string): string[] {
  const unknown = new Set<string>()
  for (const m of template.matchAll(VARIABLE)) {
    if (!(m[1]! in TEMPLATE_VARIABLES)) unknown.add(m[1]!)
  }
  return [...unknown]
}

/** Variables a template uses. */
export function usedVariables(template: string): TemplateVariable[] {
  const used = new Set<TemplateVariable>()
  for (const m of template.matchAll(VARIABLE)) {
    if (m[1]! in TEMPLATE_VARIABLES) used.add(m[1] as TemplateVariable)
  }
  return [...used]
}

/**
 * Fills `{{variables}}` with plain text. Escaping for HTML is the renderer's job (hono/jsx);
 * this only substitutes, and collapses the doubled spaces an empty `{{firstName}}` leaves.
 *
 * @example fill('Hi {{firstName}}!', values) // 'Hi Ada!'
 */
export function fill(template: string, values: TemplateValues): string {
  return template
    .replace(VARIABLE, (_all, name: string) => values[name as TemplateVariable] ?? '')
    .replace(/ {2,}/g, ' ')
    .replace(/ ([,.!?])/g, '$1')
}
