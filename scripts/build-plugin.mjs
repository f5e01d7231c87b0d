// Writes dist/cartback-woocommerce.zip: the WordPress plugin with its folder `cartback/` at the
// zip root, which is what Plugins → Add New → Upload expects.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { zipSync } from 'fflate'

const root = new URL('..', import.meta.url).pathname
const source = join(root, 'integrations/woocommerce/cartback')
export const zipPath = join(root, 'dist/cartback-woocommerce.zip')

/** Every file under `dir`, as paths relative to `source`, sorted (a stable zip). */
function files(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? files(path) : [relative(source, path)]
    })
}

const entries = {}
// A fixed time, so the same source gives the same zip.
const mtime = new Date('2026-01-01T00:00:00Z')
for (const file of files(source)) {
  entries[`cartback/${file.split('\\').join('/')}`] = [readFileSync(join(source, file)), { mtime }]
}
mkdirSync(join(root, 'dist'), { recursive: true })
writeFileSync(zipPath, zipSync(entries, { level: 9 }))
console.log(`${relative(root, zipPath)}: ${Object.keys(entries).length} files`)
