// Debian's Chromium through playwright-core, for the browser tests (never a downloaded browser).
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium } from 'playwright-core'

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

/** The page's `window.Cartback`, for callbacks that run in the browser. */
export type CartbackApi = {
  v: string
  id(): string
  cart(d: object): void
  contact(d: object): void
  order(d: object): void
}

/** Where a test's screenshot goes: `screenshots/` (git-ignored), for a person to look at. */
export function shot(name: string): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots', `${name}.png`)
}
