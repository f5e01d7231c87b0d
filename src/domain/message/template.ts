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

// Letters only: `{{__proto__}}` or `{{first_name}}` is text, not a variable (stored templates
// are parsed with these rules, so widening them would refuse settings already saved).
const VARIABLE = /\{\{\s*([A-Za-z]+)\s*\}\}/g

/** Own keys only: `constructor`, `toString`, … are on every object's prototype. */
const isVariable = (name: string): name is TemplateVariable =>
  Object.hasOwn(TEMPLATE_VARIABLES, name)

/** Names used in a template that are not variables; empty when the template is valid. */
export function unknownVariables(template: string): string[] {
  const unknown = new Set<string>()
  for (const [, name = ''] of template.matchAll(VARIABLE)) {
    if (!isVariable(name)) unknown.add(name)
  }
  return [...unknown]
}

/** Variables a template uses. */
export function usedVariables(template: string): TemplateVariable[] {
  const used = new Set<TemplateVariable>()
  for (const [, name = ''] of template.matchAll(VARIABLE)) {
    if (isVariable(name)) used.add(name)
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
    .replace(VARIABLE, (_all, name: string) => (isVariable(name) ? (values[name] ?? '') : ''))
    .replace(/ {2,}/g, ' ')
    .replace(/ ([,.!?])/g, '$1')
}
