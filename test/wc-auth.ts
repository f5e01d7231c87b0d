// WooCommerce's side of the app authorization (issue 13), small and honest about what it is: the
// request `WC_Auth::access_granted` makes once the merchant approves, as written in WooCommerce's
// own includes/class-wc-auth.php (woocommerce/woocommerce trunk at 0429a2fa, the same code since
// WooCommerce 3.x through 9.x–11.x): `create_keys()` builds the body and `post_consumer_data()`
// posts it with `wp_safe_remote_post`, as JSON under `application/json;charset=<blog charset>`,
// and treats anything but exactly 200 as a failure (the merchant sees "Access denied").
import { exports } from 'cloudflare:workers'

const hex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')

/** `create_keys( $app_name, $app_user_id, $scope )`'s return value (wc_rand_hash: 40 hex). */
export function consumerData(userId: string, scope = 'read_write', keyId = 7) {
  return {
    key_id: keyId,
    user_id: userId,
    consumer_key: `ck_${hex(20)}`,
    consumer_secret: `cs_${hex(20)}`,
    key_permissions: scope,
  }
}

/** `post_consumer_data( $consumer_data, $url )`: the POST to the app's callback_url. */
export function postConsumerData(callbackUrl: string, body: unknown): Promise<Response> {
  return exports.default.fetch(
    new Request(callbackUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json;charset=UTF-8' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  )
}
