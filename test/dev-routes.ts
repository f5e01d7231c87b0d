// The routes only a development Worker serves (src/routes/demo.tsx): the demo storefront, the
// dev outbox that lists every store's messages, and the unsigned "reply as the shopper". The
// shipped config must answer 404 on each (test/e2e/shipped-config.test.ts), and
// src/routes/demo.test.ts holds this list to the routes the app really has.
export const DEV_ONLY_ROUTES: { method: 'GET' | 'POST'; path: string; pattern: string }[] = [
  { method: 'GET', path: '/demo', pattern: '/demo' },
  { method: 'GET', path: '/demo/', pattern: '/demo' },
  { method: 'GET', path: '/demo/outbox', pattern: '/demo/outbox' },
  { method: 'POST', path: '/demo/reply', pattern: '/demo/reply' },
  { method: 'GET', path: '/demo/shop.js', pattern: '/demo/shop.js' },
  { method: 'GET', path: '/demo/img/tee-ocean.svg', pattern: '/demo/img/:file' },
]
