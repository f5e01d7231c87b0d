// Incentives in sequence delivery: the coupon a step offers, issued once and sent with it.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { abandon, contactCart } from '#test/carts'
import * as plugin from '#test/connect'
import * as delivery from '#test/delivery'
import { api, call, waitForRow } from '#test/helpers'
import { signLinkToken } from '../lib/restore-token'
import { open, seal } from '../lib/secret-box'
import type { CartObject } from './cart-object'

describe('sequence delivery', () => {
  describe('incentives', () => {
    const incentiveStep = {
      id: 'email-offer',
      channel: 'email',
      delaySeconds: 0,
      windowSeconds: 86_400,
      incentive: { kind: 'percent', amount: 15, validForSeconds: 3 * 86_400 },
      template: {
        subject: '{{incentive}} at {{storeName}}',
        heading: 'Use {{incentiveCode}}',
        body: 'It is applied when you return.',
        buttonLabel: 'Claim it',
      },
    }

    async function offerCart(withKeys: boolean) {
      const store = await delivery.storeWithSequence({ sequence: [incentiveStep] })
      if (withKeys) {
        const res = await api(`/stores/${store.id}`, {
          method: 'PATCH',
          json: {
            woocommerceApi: {
              consumerKey: 'ck_1234567890abcdef',
              consumerSecret: 'cs_1234567890abcdef',
            },
          },
        })
        const saved = (await res.json()) as Record<string, unknown>
        expect(saved.woocommerceApiConfigured).toBe(true)
        expect(JSON.stringify(saved)).not.toContain('cs_1234567890abcdef')
      }
      return { store, ...(await contactCart(store, { email: 'ada@example.com' })) }
    }

    it('skips the step, with the reason, when the store has no WooCommerce keys', async () => {
      const { stub } = await offerCart(false)
      await abandon(stub)
      expect((await delivery.stateOf(stub)).runs[0]).toMatchObject({
        status: 'skipped',
        reason: 'incentive_unavailable',
      })
    })

    it('creates one coupon, shows it in the email and applies it on restore', async () => {
      const { store, id, stub } = await offerCart(true)
      const made: {
        shop: { url: string; consumerKey: string }
        code: string
        amount: string
        expiresAt: number
        coupon: object
      }[] = []
      let failOnce = true
      await delivery.abandonWith(stub, {
        coupons: {
          async create(shop, coupon) {
            made.push({
              shop,
              code: coupon.code,
              amount: coupon.amount,
              expiresAt: coupon.expiresAt,
              coupon,
            })
            if (failOnce) {
              failOnce = false
              return { ok: false, retryable: true, code: 'http_503', message: 'busy' }
            }
            return { ok: true, code: coupon.code, created: true }
          },
        },
      })
      await runInDurableObject(stub, (_o, s) =>
        s.storage.sql.exec("UPDATE outbox SET next_at = 0 WHERE kind = 'message'"),
      )
      await runInDurableObject(stub, (o: CartObject) => o.alarm())
      expect(made).toHaveLength(2)
      expect(made[0]!.code).toBe(made[1]!.code)
      // Valid for the step's three days, and nothing about the shopper goes to the shop.
      const validFor = made[1]!.expiresAt - Date.now()
      expect(validFor).toBeGreaterThan(3 * 86_400_000 - 5 * 60_000)
      expect(validFor).toBeLessThanOrEqual(3 * 86_400_000)
      expect(JSON.stringify(made[1]!.coupon)).not.toContain('ada@example.com')
      expect(made[1]).toMatchObject({
        amount: '15',
        shop: { url: `${store.url}`, consumerKey: 'ck_1234567890abcdef' },
      })
      const code = made[0]!.code
      expect(code).toMatch(/^CB-[A-Z2-9]{8}$/)
      const run = (await delivery.stateOf(stub)).runs[0]!
      expect(run).toMatchObject({ status: 'sent', coupon: code })
      const email = await waitForRow<{ subject: string; html: string }>(
        'SELECT subject, html FROM messages WHERE cart_id = ?',
        id,
      )
      expect(email.subject).toBe(`15% off at ${store.name}`)
      expect(email.html).toContain(code)
      const token = await signLinkToken('test-signing-secret-0123456789abcdef', 'restore', {
        storeId: store.id,
        cartId: id,
        step: 'email-offer',
        exp: Math.floor(Date.now() / 1000) + 3600,
      })
      const restored = (await (await call(`/v1/restore/${token}`)).json()) as { incentive: unknown }
      expect(restored.incentive).toEqual({ code })
    })

    it('asks the shop at the REST root its connected plugin reported (plain permalinks)', async () => {
      const { store, stub } = await offerCart(true)
      await plugin.connected(store.id, { restRoot: 'https://wp.example/?rest_route=/' })
      const made: { url: string; restRoot?: string }[] = []
      await delivery.abandonWith(stub, {
        coupons: {
          async create(shop, coupon) {
            made.push({ url: shop.url, restRoot: shop.restRoot })
            return { ok: true, code: coupon.code, created: true }
          },
        },
      })
      expect(made).toEqual([{ url: store.url, restRoot: 'https://wp.example/?rest_route=/' }])
    })

    const recordShops = (made: { consumerKey: string }[]): delivery.Patch => ({
      coupons: {
        async create(shop, coupon) {
          made.push({ consumerKey: shop.consumerKey })
          return { ok: true, code: coupon.code, created: true }
        },
      },
    })
    const setBox = (storeId: string, box: string) =>
      env.DB.prepare('UPDATE stores SET woocommerce_api = ? WHERE id = ?').bind(box, storeId).run()

    it('skips the step, saying why, when the keys were sealed under another SIGNING_SECRET', async () => {
      const { store, stub } = await offerCart(true)
      const keys = '{"consumerKey":"ck_1234567890abcdef","consumerSecret":"cs_1234567890abcdef"}'
      await setBox(store.id, await seal('a-previous-signing-secret-0123456789', store.id, keys))
      const made: { consumerKey: string }[] = []
      await delivery.abandonWith(stub, recordShops(made))
      expect(made).toEqual([])
      expect((await delivery.stateOf(stub)).runs[0]).toMatchObject({
        status: 'skipped',
        reason: 'incentive_keys_unreadable',
      })
    })

    it('uses keys sealed in the old format, and seals them again bound to the store', async () => {
      const { store, stub } = await offerCart(false)
      await setBox(store.id, delivery.V1_BOX)
      const made: { consumerKey: string }[] = []
      await delivery.abandonWith(stub, recordShops(made))
      expect(made).toEqual([{ consumerKey: 'ck_legacy0123456789' }])
      const row = await env.DB.prepare('SELECT woocommerce_api AS box FROM stores WHERE id = ?')
        .bind(store.id)
        .first<{ box: string }>()
      expect(row?.box).toMatch(/^v2\./)
      expect(await open(delivery.SECRET, store.id, row!.box)).toMatchObject({ legacy: false })
    })

    it('skips the step when the shop refuses the coupon', async () => {
      const { stub } = await offerCart(true)
      await delivery.abandonWith(stub, {
        coupons: {
          create: async () => ({
            ok: false,
            retryable: false,
            code: 'woocommerce_rest_cannot_create',
            message: 'no',
          }),
        },
      })
      expect((await delivery.stateOf(stub)).runs[0]).toMatchObject({
        status: 'skipped',
        reason: 'incentive_failed:woocommerce_rest_cannot_create',
      })
    })
  })
})
