<?php
/**
 * Connect and disconnect: the code exchange, webhooks, and WooCommerce's app authorization.
 *
 * @package Cartback
 */

defined( 'ABSPATH' ) || exit;

/**
 * The handshake of CONTRACT-13 "Connect", seen from the store.
 */
final class Cartback_Connect {

	/**
	 * Exchanges a connect code, saves what Cartback answers and creates the webhooks.
	 *
	 * @param string $url  The Cartback URL as typed.
	 * @param string $code The one-time connect code.
	 * @return array|WP_Error Cartback's `wcAuth` block (for the authorization redirect).
	 */
	public static function connect( $url, $code ) {
		$base = Cartback_Options::normalize_url( $url );
		if ( '' === $base ) {
			return new WP_Error( 'cartback_bad_url', __( 'The Cartback URL must be a full https:// address, like https://cartback.example.com (http:// only for localhost).', 'cartback' ) );
		}
		if ( ! preg_match( '/^cbc_[A-Za-z0-9_-]{8,128}$/', $code ) ) {
			return new WP_Error( 'cartback_bad_code', __( 'A connect code starts with cbc_. Copy it again from the Cartback dashboard (Settings → Connect WordPress).', 'cartback' ) );
		}
		$answer = Cartback_Client::request(
			'POST',
			'/v1/connect',
			array(
				'code'          => $code,
				'siteUrl'       => home_url( '/' ),
				'currency'      => function_exists( 'get_woocommerce_currency' ) ? get_woocommerce_currency() : '',
				'restRoot'      => rest_url(),
				'pluginVersion' => CARTBACK_VERSION,
			),
			false,
			$base
		);
		if ( is_wp_error( $answer ) ) {
			$data = $answer->get_error_data();
			if ( is_array( $data ) && isset( $data['status'] ) && 404 === $data['status'] ) {
				return new WP_Error( 'cartback_code', __( 'Cartback does not know this connect code: it is mistyped, already used, or older than 10 minutes. Issue a new one in the Cartback dashboard and paste it here.', 'cartback' ) );
			}
			return $answer;
		}
		// Nothing is saved, the URL included, until the whole answer checks out: a refused answer
		// must not leave the old connection's token beside a new URL.
		$saved = self::save( $answer, $base );
		if ( is_wp_error( $saved ) ) {
			return $saved;
		}
		$webhooks = Cartback_Webhooks::create( self::webhook_url(), (string) $answer['webhookSecret'] );
		if ( is_wp_error( $webhooks ) ) {
			return $webhooks;
		}
		return $answer['wcAuth'];
	}

	/**
	 * Checks and saves the connect answer. Every URL in it must be on the Cartback URL.
	 *
	 * @param array  $a    Cartback's answer.
	 * @param string $base The Cartback URL it came from.
	 * @return true|WP_Error
	 */
	private static function save( array $a, $base ) {
		foreach ( array( 'storeId', 'publishableKey', 'webhookSecret', 'apiToken' ) as $key ) {
			if ( empty( $a[ $key ] ) || ! is_string( $a[ $key ] ) ) {
				/* translators: %s: a field name. */
				return new WP_Error( 'cartback_answer', sprintf( __( 'Cartback\'s answer has no %s. Update Cartback, then connect again.', 'cartback' ), $key ) );
			}
		}
		$script = isset( $a['scriptUrl'] ) && is_string( $a['scriptUrl'] ) ? $a['scriptUrl'] : Cartback_Options::normalize_url( $base ) . '/v1/cartback.js';
		$auth   = isset( $a['wcAuth'] ) && is_array( $a['wcAuth'] ) ? $a['wcAuth'] : array();
		$back   = isset( $auth['callbackUrl'] ) ? $auth['callbackUrl'] : '';
		if ( ! Cartback_Options::is_on_cartback( $script, $base ) || ! Cartback_Options::is_on_cartback( $back, $base ) ) {
			return new WP_Error( 'cartback_host', __( 'Cartback\'s answer points at another address than your Cartback URL, so it was not saved. Check that the URL is the one your Cartback dashboard shows (PUBLIC_BASE_URL).', 'cartback' ) );
		}
		update_option( Cartback_Options::URL, $base );
		update_option( Cartback_Options::STORE_ID, sanitize_text_field( $a['storeId'] ) );
		update_option( Cartback_Options::STORE_NAME, sanitize_text_field( isset( $a['storeName'] ) ? (string) $a['storeName'] : '' ) );
		update_option( Cartback_Options::PUBLISHABLE, sanitize_text_field( $a['publishableKey'] ) );
		update_option( Cartback_Options::WEBHOOK_SECRET, $a['webhookSecret'], false );
		update_option( Cartback_Options::API_TOKEN, $a['apiToken'], false );
		update_option( Cartback_Options::SCRIPT_URL, esc_url_raw( $script ) );
		update_option( Cartback_Options::CONSENT_TEXT, sanitize_textarea_field( isset( $a['consentText'] ) ? (string) $a['consentText'] : '' ) );
		update_option( Cartback_Options::WC_AUTH_APP, sanitize_text_field( isset( $auth['appName'] ) ? (string) $auth['appName'] : 'Cartback' ), false );
		return true;
	}

	/**
	 * Where WooCommerce delivers the order webhooks (README "Connect WooCommerce").
	 *
	 * @return string
	 */
	public static function webhook_url() {
		return Cartback_Options::base_url() . '/webhooks/woocommerce/' . rawurlencode( (string) get_option( Cartback_Options::STORE_ID, '' ) );
	}

	/**
	 * WooCommerce's own "connect an app" screen on this site, which posts REST keys to Cartback.
	 *
	 * @param array  $wc_auth    Cartback's `wcAuth` block.
	 * @param string $return_url Where WooCommerce sends the admin afterwards.
	 * @return string
	 */
	public static function authorize_url( array $wc_auth, $return_url ) {
		$params = array(
			'app_name'     => isset( $wc_auth['appName'] ) ? (string) $wc_auth['appName'] : 'Cartback',
			'scope'        => 'read_write',
			'user_id'      => isset( $wc_auth['userId'] ) ? (string) $wc_auth['userId'] : '',
			'return_url'   => $return_url,
			'callback_url' => (string) $wc_auth['callbackUrl'],
		);
		// Plain permalinks have no /wc-auth/ route; WC_Auth reads the same query vars.
		$base = get_option( 'permalink_structure' )
			? home_url( '/wc-auth/v1/authorize' )
			: add_query_arg(
				array(
					'wc-auth-version' => 1,
					'wc-auth-route'   => 'authorize',
				),
				home_url( '/' )
			);
		return add_query_arg( array_map( 'rawurlencode', $params ), $base );
	}

	/**
	 * Disconnects: Cartback forgets the keys and revokes the token, then this site removes the
	 * webhooks, the REST keys WooCommerce made for Cartback, and the saved credentials.
	 *
	 * @return true|WP_Error An error when Cartback could not be told (this site is cleaned anyway).
	 */
	public static function disconnect() {
		$store  = rawurlencode( (string) get_option( Cartback_Options::STORE_ID, '' ) );
		$answer = Cartback_Client::request( 'DELETE', '/api/v1/stores/' . $store . '/connection' );
		Cartback_Webhooks::remove();
		self::revoke_keys();
		foreach ( Cartback_Options::all() as $name ) {
			if ( Cartback_Options::URL !== $name ) {
				delete_option( $name );
			}
		}
		if ( is_wp_error( $answer ) ) {
			/* translators: %s: why Cartback could not be told. */
			return new WP_Error( 'cartback_disconnect', sprintf( __( 'This site is disconnected (webhooks and keys removed), but Cartback could not be told: %s Revoke the "WordPress plugin" token in the Cartback dashboard.', 'cartback' ), $answer->get_error_message() ) );
		}
		return true;
	}

	/**
	 * Deletes the REST keys WooCommerce's app authorization created for Cartback. WC_Auth names
	 * them "<app_name> - API (<date>)".
	 */
	public static function revoke_keys() {
		global $wpdb;
		$app = (string) get_option( Cartback_Options::WC_AUTH_APP, '' );
		if ( '' === $app ) {
			return;
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- WooCommerce has no API to delete a key.
		$wpdb->query(
			$wpdb->prepare(
				"DELETE FROM {$wpdb->prefix}woocommerce_api_keys WHERE description LIKE %s",
				$wpdb->esc_like( $app . ' - API (' ) . '%'
			)
		);
	}
}
