<?php
/**
 * WooCommerce's app authorization, `/wc-auth/v1/<route>`. Follows WooCommerce 11.0's WC_Auth
 * (includes/class-wc-auth.php): the same rewrite rule and query vars (`wc-auth-version`,
 * `wc-auth-route`, also read from the query string for plain permalinks), the same validation
 * (all five parameters, scope read / write / read_write, return_url and callback_url valid URLs,
 * callback_url over https), the approve/deny screen (templates auth/form-grant-access.php) with
 * the `wc_auth_grant_access` nonce on the Approve link, `access_granted` creating the key in
 * `{$wpdb->prefix}woocommerce_api_keys` (description "<app> - API (<UTC date>)", consumer_key
 * stored as wc_api_hash(), the secret as is, truncated_key), posting the keys as JSON to
 * callback_url with wp_safe_remote_post (anything but 200 fails), deleting the key and showing
 * "Error: <why>." / "Access denied" (401) on any failure, and redirecting to return_url with
 * success=1 (Approve) or success=0 (Deny) and user_id.
 *
 * Not WooCommerce: the screens are plain HTML, not WooCommerce's templates and styles; a visitor
 * who is not logged in is sent to wp-login.php (WooCommerce shows its own auth/form-login.php
 * login form; no Jetpack SSO).
 *
 * @package Cartback\Tests
 */

defined( 'ABSPATH' ) || exit;

if ( ! function_exists( 'wc_clean' ) ) {
	/**
	 * wc_clean(): sanitize_text_field, recursively.
	 *
	 * @param mixed $text Value.
	 * @return mixed
	 */
	function wc_clean( $text ) {
		return is_array( $text ) ? array_map( 'wc_clean', $text ) : ( is_scalar( $text ) ? sanitize_text_field( $text ) : $text );
	}
}

if ( ! function_exists( 'wc_rand_hash' ) ) {
	/**
	 * wc_rand_hash(): 40 random hex characters.
	 *
	 * @return string
	 */
	function wc_rand_hash() {
		return bin2hex( random_bytes( 20 ) );
	}
}

if ( ! function_exists( 'wc_api_hash' ) ) {
	/**
	 * wc_api_hash(): how WooCommerce stores a consumer key.
	 *
	 * @param string $data Consumer key.
	 * @return string
	 */
	function wc_api_hash( $data ) {
		return hash_hmac( 'sha256', $data, 'wc-api' );
	}
}

if ( ! function_exists( 'wc_trim_string' ) ) {
	/**
	 * wc_trim_string(): at most $chars characters, ending in $suffix when cut.
	 *
	 * @param string $string String.
	 * @param int    $chars  Length.
	 * @param string $suffix Suffix.
	 * @return string
	 */
	function wc_trim_string( $string, $chars = 200, $suffix = '...' ) {
		if ( strlen( $string ) > $chars ) {
			$string = substr( $string, 0, $chars - strlen( $suffix ) ) . $suffix;
		}
		return $string;
	}
}

/**
 * The auth endpoint.
 */
class WC_Auth {

	const VERSION = 1;

	/**
	 * Hooks the query vars, the rewrite rule and the request handler, as WooCommerce does.
	 */
	public function __construct() {
		add_filter( 'query_vars', array( $this, 'add_query_vars' ), 0 );
		add_action( 'init', array( __CLASS__, 'add_endpoint' ), 0 );
		add_action( 'parse_request', array( $this, 'handle_auth_requests' ), 0 );
	}

	/**
	 * @param array $vars Query vars.
	 * @return array
	 */
	public function add_query_vars( $vars ) {
		$vars[] = 'wc-auth-version';
		$vars[] = 'wc-auth-route';
		return $vars;
	}

	/**
	 * The rewrite rule WC_Auth::add_endpoint registers.
	 */
	public static function add_endpoint() {
		add_rewrite_rule( '^wc-auth/v([1]{1})/(.*)?', 'index.php?wc-auth-version=$matches[1]&wc-auth-route=$matches[2]', 'top' );
	}

	/**
	 * A route's URL with the handshake parameters (WC_Auth::build_url).
	 *
	 * @param array  $data  Request data.
	 * @param string $route login, authorize or access_granted.
	 * @return string
	 */
	protected function build_url( $data, $route ) {
		$base = get_option( 'permalink_structure' )
			? home_url( '/wc-auth/v' . self::VERSION . '/' . $route . '/' )
			: add_query_arg(
				array(
					'wc-auth-version' => self::VERSION,
					'wc-auth-route'   => $route,
				),
				home_url( '/' )
			);
		return add_query_arg(
			array(
				'app_name'     => wc_clean( $data['app_name'] ),
				'user_id'      => wc_clean( $data['user_id'] ),
				'return_url'   => rawurlencode( $this->get_formatted_url( $data['return_url'] ) ),
				'callback_url' => rawurlencode( $this->get_formatted_url( $data['callback_url'] ) ),
				'scope'        => wc_clean( $data['scope'] ),
			),
			$base
		);
	}

	/**
	 * @param string $url URL, maybe encoded and without a scheme.
	 * @return string
	 */
	protected function get_formatted_url( $url ) {
		$url = urldecode( $url );
		return strstr( $url, '://' ) ? $url : 'https://' . $url;
	}

	/**
	 * WC_Auth::make_validation.
	 *
	 * @throws Exception When a parameter is missing or wrong.
	 */
	protected function make_validation() {
		$data = array();
		// phpcs:disable WordPress.Security.NonceVerification.Recommended
		foreach ( array( 'app_name', 'user_id', 'return_url', 'callback_url', 'scope' ) as $param ) {
			if ( empty( $_REQUEST[ $param ] ) ) {
				throw new Exception( sprintf( 'Missing parameter %s', $param ) ); // phpcs:ignore
			}
			if ( ! is_scalar( $_REQUEST[ $param ] ) ) {
				throw new Exception( sprintf( 'Invalid parameter %s', $param ) ); // phpcs:ignore
			}
			$data[ $param ] = (string) wp_unslash( $_REQUEST[ $param ] ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput
		}
		// phpcs:enable
		if ( ! in_array( $data['scope'], array( 'read', 'write', 'read_write' ), true ) ) {
			throw new Exception( sprintf( 'Invalid scope %s', wc_clean( $data['scope'] ) ) ); // phpcs:ignore
		}
		foreach ( array( 'return_url', 'callback_url' ) as $param ) {
			$url = $this->get_formatted_url( $data[ $param ] );
			if ( false === filter_var( $url, FILTER_VALIDATE_URL ) ) {
				throw new Exception( sprintf( 'The %s is not a valid URL', $url ) ); // phpcs:ignore
			}
		}
		if ( 0 !== stripos( $this->get_formatted_url( $data['callback_url'] ), 'https://' ) ) {
			throw new Exception( 'The callback_url needs to be over SSL' );
		}
	}

	/**
	 * WC_Auth::create_keys.
	 *
	 * @param string $app_name    App name.
	 * @param string $app_user_id The app's user id (echoed back).
	 * @param string $scope       Scope.
	 * @return array
	 */
	protected function create_keys( $app_name, $app_user_id, $scope ) {
		global $wpdb;
		$permissions     = in_array( $scope, array( 'read', 'write', 'read_write' ), true ) ? sanitize_text_field( $scope ) : 'read';
		$consumer_key    = 'ck_' . wc_rand_hash();
		$consumer_secret = 'cs_' . wc_rand_hash();
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery
		$wpdb->insert(
			$wpdb->prefix . 'woocommerce_api_keys',
			array(
				'user_id'         => get_current_user_id(),
				'description'     => sprintf( '%s - API (%s)', wc_trim_string( wc_clean( $app_name ), 170 ), gmdate( 'Y-m-d H:i:s' ) ),
				'permissions'     => $permissions,
				'consumer_key'    => wc_api_hash( $consumer_key ),
				'consumer_secret' => $consumer_secret,
				'truncated_key'   => substr( $consumer_key, -7 ),
			),
			array( '%d', '%s', '%s', '%s', '%s', '%s' )
		);
		return array(
			'key_id'          => $wpdb->insert_id,
			'user_id'         => $app_user_id,
			'consumer_key'    => $consumer_key,
			'consumer_secret' => $consumer_secret,
			'key_permissions' => $permissions,
		);
	}

	/**
	 * WC_Auth::post_consumer_data.
	 *
	 * @param array  $consumer_data The keys.
	 * @param string $url           callback_url.
	 * @throws Exception When the post fails or is not answered 200.
	 */
	protected function post_consumer_data( $consumer_data, $url ) {
		$response = wp_safe_remote_post(
			esc_url_raw( $url ),
			array(
				'body'    => wp_json_encode( $consumer_data ),
				'timeout' => 60,
				'headers' => array( 'Content-Type' => 'application/json;charset=' . get_bloginfo( 'charset' ) ),
			)
		);
		if ( is_wp_error( $response ) ) {
			throw new Exception( $response->get_error_message() ); // phpcs:ignore
		}
		if ( 200 !== intval( $response['response']['code'] ) ) {
			throw new Exception( 'An error occurred in the request and at the time were unable to send the consumer data' );
		}
	}

	/**
	 * Routes a wc-auth request (WC_Auth::handle_auth_requests).
	 */
	public function handle_auth_requests() {
		global $wp;
		// phpcs:disable WordPress.Security.NonceVerification.Recommended
		foreach ( array( 'wc-auth-version', 'wc-auth-route' ) as $var ) {
			if ( ! empty( $_GET[ $var ] ) ) {
				$wp->query_vars[ $var ] = wc_clean( wp_unslash( $_GET[ $var ] ) ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput
			}
		}
		// phpcs:enable
		if ( ! empty( $wp->query_vars['wc-auth-version'] ) && ! empty( $wp->query_vars['wc-auth-route'] ) ) {
			$this->auth_endpoint( trim( $wp->query_vars['wc-auth-route'], '/' ) );
		}
	}

	/**
	 * WC_Auth::auth_endpoint.
	 *
	 * @param string $route login, authorize or access_granted.
	 * @throws Exception On any failure (shown as "Access denied").
	 */
	protected function auth_endpoint( $route ) {
		$consumer_data = array();
		try {
			$route = strtolower( wc_clean( $route ) );
			$this->make_validation();
			$data = wp_unslash( $_REQUEST ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
			$deny = add_query_arg(
				array(
					'success' => 0,
					'user_id' => wc_clean( $data['user_id'] ),
				),
				$this->get_formatted_url( $data['return_url'] )
			);
			if ( ! is_user_logged_in() && in_array( $route, array( 'login', 'authorize' ), true ) ) {
				wp_safe_redirect( wp_login_url( $this->build_url( $data, 'authorize' ) ) );
				exit;
			} elseif ( 'login' === $route ) {
				wp_safe_redirect( esc_url_raw( $this->build_url( $data, 'authorize' ) ) );
				exit;
			} elseif ( 'authorize' === $route && current_user_can( 'manage_woocommerce' ) ) {
				$granted = wp_nonce_url( $this->build_url( $data, 'access_granted' ), 'wc_auth_grant_access', 'wc_auth_nonce' );
				$this->grant_screen( wc_clean( $data['app_name'] ), wc_clean( $data['scope'] ), $granted, $deny );
				exit;
			} elseif ( 'access_granted' === $route && current_user_can( 'manage_woocommerce' ) ) {
				if ( ! isset( $_GET['wc_auth_nonce'] ) || ! wp_verify_nonce( sanitize_key( wp_unslash( $_GET['wc_auth_nonce'] ) ), 'wc_auth_grant_access' ) ) {
					throw new Exception( 'Invalid nonce verification' );
				}
				$consumer_data = $this->create_keys( $data['app_name'], $data['user_id'], $data['scope'] );
				$this->post_consumer_data( $consumer_data, $this->get_formatted_url( $data['callback_url'] ) );
				// Not wp_safe_redirect: WooCommerce sends the admin to the app's return_url, wherever it is.
				wp_redirect( // phpcs:ignore WordPress.Security.SafeRedirect
					esc_url_raw(
						add_query_arg(
							array(
								'success' => 1,
								'user_id' => wc_clean( $data['user_id'] ),
							),
							$this->get_formatted_url( $data['return_url'] )
						)
					)
				);
				exit;
			}
			throw new Exception( 'You do not have permission to access this page' );
		} catch ( Exception $e ) {
			if ( isset( $consumer_data['key_id'] ) ) {
				global $wpdb;
				$wpdb->delete( $wpdb->prefix . 'woocommerce_api_keys', array( 'key_id' => $consumer_data['key_id'] ), array( '%d' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
			}
			wp_die( sprintf( 'Error: %s.', esc_html( $e->getMessage() ) ), 'Access denied', array( 'response' => 401 ) );
		}
	}

	/**
	 * The approve/deny screen, with form-grant-access.php's wording.
	 *
	 * @param string $app_name App name.
	 * @param string $scope    read, write or read_write.
	 * @param string $granted  The Approve link (nonced).
	 * @param string $deny     The Deny link (return_url with success=0).
	 */
	protected function grant_screen( $app_name, $scope, $granted, $deny ) {
		$scopes = array(
			'read'       => 'Read',
			'write'      => 'Write',
			'read_write' => 'Read/Write',
		);
		$perms  = array(
			'read'       => array( 'View coupons', 'View customers', 'View orders and sales reports', 'View products' ),
			'write'      => array( 'Create webhooks', 'Create coupons', 'Create customers', 'Create orders', 'Create products' ),
			'read_write' => array( 'Create webhooks', 'View and manage coupons', 'View and manage customers', 'View and manage orders and sales reports', 'View and manage products' ),
		);
		$user   = wp_get_current_user();
		header( 'Content-Type: text/html; charset=utf-8' );
		echo '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Application authentication request</title>';
		echo '<style>body{background:#f0f0f1;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;color:#3c434a}';
		echo '.wc-auth-content{max-width:480px;margin:60px auto;background:#fff;padding:24px 32px;box-shadow:0 1px 3px rgba(0,0,0,.13)}';
		echo 'h1{font-size:20px}.wc-auth-actions a{display:inline-block;padding:8px 20px;margin-right:8px;border-radius:3px;text-decoration:none;border:1px solid #7f54b3}';
		echo '.wc-auth-approve{background:#7f54b3;color:#fff}.wc-auth-deny{color:#7f54b3}</style></head><body>';
		echo '<div class="wc-auth-content"><p><strong>WooCommerce</strong> (Cartback test stand-in)</p>';
		printf( '<h1>%s would like to connect to your store</h1>', esc_html( $app_name ) );
		printf( '<p>This will give "<strong>%1$s</strong>" <strong>%2$s</strong> access which will allow it to:</p><ul class="wc-auth-permissions">', esc_html( $app_name ), esc_html( $scopes[ $scope ] ) );
		foreach ( $perms[ $scope ] as $perm ) {
			echo '<li>' . esc_html( $perm ) . '</li>';
		}
		printf( '</ul><p class="wc-auth-logged-in-as">Logged in as %s</p>', esc_html( $user->display_name ) );
		printf( '<p class="wc-auth-actions"><a href="%1$s" class="button button-primary wc-auth-approve">Approve</a><a href="%2$s" class="button wc-auth-deny">Deny</a></p>', esc_url( $granted ), esc_url( $deny ) );
		echo '</div></body></html>';
	}
}

new WC_Auth();
