// Writes the JSON Schema of every outbound webhook event (src/domain/webhook/events.ts) into the
// README, between its `webhook-schemas` markers. `npm run gen:webhook-schemas`; a test fails
// when the README is out of date (test/node/webhook-readme.test.ts).
import { readFileSync, writeFileSync } from 'node:fs'
import { readmeSchemas, replaceSchemas } from './lib/webhook-schemas.mts'

const path = new URL('../README.md', import.meta.url)
const readme = readFileSync(path, 'utf8')
writeFileSync(path, replaceSchemas(readme, readmeSchemas()))
