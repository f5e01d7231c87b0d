// The dashboard in a real browser against `wrangler dev`: log in, read the overview, create an
// API token, and hostile names stay text. Screenshots go to screenshots/ for a person to look at.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, shot } from '../browser'
import { startWorker, type Worker } from '../worker'

let worker: Worker
let browser: Browser

beforeAll(async () => {
  worker = await startWorker()
  for (const name of ['Harbor Goods', '<script>alert(1)</script>"><img src=x onerror=alert(2)>']) {
    await worker.api('/stores', {
      method: 'POST',
      body: JSON.stringify({
        name,
        url: 'https://shop.example/',
        currency: 'USD',
        allowedOrigins: ['https://shop.example'],
      }),
    })
  }
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await worker?.stop()
})

async function logIn(page: Page) {
  await page.goto(`${worker.url}/`)
  await page.waitForURL(/\/login$/)
  await page.getByLabel('Email').fill(worker.owner.email)
  await page.getByLabel('Password').fill(worker.owner.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForURL(`${worker.url}/`)
}

describe('the dashboard in a browser', () => {
  it('logs in and shows the overview, with hostile names inert', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const dialogs: string[] = []
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    await page.goto(`${worker.url}/login`)
    await page.screenshot({ path: shot('dashboard-login') })
    await logIn(page)
    await expect.poll(() => page.locator('h1').textContent()).toBe('Overview')
    expect(await page.getByRole('navigation', { name: 'Main' }).textContent()).toContain(
      'API tokens',
    )
    const options = await page.locator('#store option').allTextContents()
    expect(options).toContain('<script>alert(1)</script>"><img src=x onerror=alert(2)>')
    expect(await page.locator('img[src=x]').count()).toBe(0)
    await page.screenshot({ path: shot('dashboard-overview'), fullPage: true })
    expect(dialogs).toEqual([])
    await page.close()
  })

  it('creates an API token the API then accepts', async () => {
    const page = await browser.newPage()
    await logIn(page)
    await page.getByRole('link', { name: 'API tokens' }).click()
    await page.getByLabel('Name').fill('Nightly export')
    await page.getByRole('button', { name: 'Create token' }).click()
    const token = await page.locator('#new-token').textContent()
    expect(token).toMatch(/^cb_live_/)
    const res = await fetch(`${worker.url}/api/v1/stores`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(200)
    await page.screenshot({ path: shot('dashboard-tokens'), fullPage: true })
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.waitForURL(/\/login$/)
    await page.close()
  })
})
