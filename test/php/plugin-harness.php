<?php
/**
 * Runs the Cartback plugin's real admin, connect, webhook and privacy code in PHP, against a real
 * Cartback over HTTP, with a stand-in for only the WordPress and WooCommerce functions it calls.
 * Written from their documented signatures: WordPress 6.1–6.8 (options, wp_remote_request and
 * wp_remote_retrieve_*, WP_Error, add_query_arg, home_url, rest_url, admin_url, the sanitisers,
 * hooks, transients, wp_safe_redirect, $wpdb->prepare/esc_like/query) and WooCommerce 9–11
 * (WC_Webhook's setters, save() and delete(), wc_get_webhook, get_woocommerce_currency; and, as
 * documented since WooCommerce 3.0 and unchanged in 9–11, wc_get_orders with `billing_email`,
 * `limit` and `return => objects`, WC_Customer( $user_id ) and WC_Order's get_billing_phone(),
 * over the `users` and `orders` of the state file; WordPress's get_user_by( 'email' ), 2.8+).
 * It is not WordPress: there is no database (options, transients and webhooks live in a JSON file
 * kept between runs), the admin is always allowed and nonces always pass, and the sanitisers do
 * only what this code relies on. HTTP is PHP's own stream wrapper, so requests really go out.
 * A real WordPress from Debian's package is a later step.
 *
 * Usage: CARTBACK_HARNESS_STATE=<state.json> php plugin-harness.php <command> [args]
 *   connect <cartback url> <code> | export <email> [page] | erase <email> [page] | status | test-event | disconnect
 * Prints one JSON object: the command's result, the admin redirect and notice, and the state.
 */

define( 'ABSPATH', __DIR__ . '/' );
define( 'MINUTE_IN_SECONDS', 60 );
define( 'HOUR_IN_SECONDS', 3600 );
define( 'SITE', 'https://wp.example' );

$state_file = getenv( 'CARTBACK_HARNESS_STATE' );
$GLOBALS['state'] = array_merge(
	array( 'options' => array(), 'transients' => array(), 'webhooks' => array(), 'next_id' => 1, 'queries' => array(), 'users' => array(), 'orders' => array() ),
	is_file( $state_file ) ? json_decode( file_get_contents( $state_file ), true ) : array()
);
$GLOBALS['out'] = array( 'result' => null, 'redirect' => null, 'html' => null );
$GLOBALS['hooks'] = array();

// Hooks.
function add_action( $hook, $callback ) { $GLOBALS['hooks'][ $hook ][] = $callback; }
function add_filter( $hook, $callback ) { $GLOBALS['hooks'][ $hook ][] = $callback; }
function do_action( $hook, ...$args ) {
	foreach ( $GLOBALS['hooks'][ $hook ] ?? array() as $cb ) { $cb( ...$args ); }
}
function apply_filters( $hook, $value ) {
	foreach ( $GLOBALS['hooks'][ $hook ] ?? array() as $cb ) { $value = $cb( $value ); }
	return $value;
}
function is_admin() { return true; }
function plugin_basename( $file ) { return basename( dirname( $file ) ) . '/' . basename( $file ); }
// Dates as WordPress formats them (the real ones run in test/e2e/wordpress-site.test.ts).
function wp_date( $format, $timestamp ) { return gmdate( '' !== trim( $format ) ? $format : 'Y-m-d H:i', $timestamp ); }
function human_time_diff( $from, $to = 0 ) { return max( 1, ( $to ?: time() ) - $from ) . ' secs'; }

// Options and transients.
function get_option( $name, $default = false ) {
	return array_key_exists( $name, $GLOBALS['state']['options'] ) ? $GLOBALS['state']['options'][ $name ] : $default;
}
function update_option( $name, $value, $autoload = null ) { $GLOBALS['state']['options'][ $name ] = $value; return true; }
function delete_option( $name ) { unset( $GLOBALS['state']['options'][ $name ] ); return true; }
function set_transient( $key, $value, $ttl ) { $GLOBALS['state']['transients'][ $key ] = $value; return true; }
function get_transient( $key ) { return $GLOBALS['state']['transients'][ $key ] ?? false; }
function delete_transient( $key ) { unset( $GLOBALS['state']['transients'][ $key ] ); return true; }

// Errors, i18n, sanitising and escaping.
class WP_Error {
	private $code, $message, $data;
	public function __construct( $code = '', $message = '', $data = '' ) {
		list( $this->code, $this->message, $this->data ) = array( $code, $message, $data );
	}
	public function get_error_code() { return $this->code; }
	public function get_error_message() { return $this->message; }
	public function get_error_data() { return $this->data; }
}
function is_wp_error( $thing ) { return $thing instanceof WP_Error; }
function __( $text, $domain = 'default' ) { return $text; }
function esc_html__( $text, $domain = 'default' ) { return esc_html( $text ); }
function esc_html( $text ) { return htmlspecialchars( (string) $text, ENT_QUOTES ); }
function esc_attr( $text ) { return esc_html( $text ); }
function esc_url( $url ) { return esc_html( esc_url_raw( $url ) ); }
function esc_url_raw( $url ) { return preg_match( '#^https?://#i', (string) $url ) ? (string) $url : ''; }
function wp_unslash( $value ) { return is_string( $value ) ? stripslashes( $value ) : $value; }
function sanitize_text_field( $str ) { return trim( preg_replace( '/[\r\n\t ]+/', ' ', strip_tags( (string) $str ) ) ); }
function sanitize_textarea_field( $str ) { return trim( strip_tags( (string) $str ) ); }
function sanitize_email( $email ) { return false !== filter_var( trim( $email ), FILTER_VALIDATE_EMAIL ) ? trim( $email ) : ''; }
function wp_json_encode( $data ) { return json_encode( $data ); }
function wp_parse_url( $url ) { return parse_url( $url ); }

// URLs of the site (https://wp.example, pretty permalinks unless the state says otherwise).
function home_url( $path = '' ) { return SITE . '/' . ltrim( $path, '/' ); }
function admin_url( $path = '' ) { return SITE . '/wp-admin/' . ltrim( $path, '/' ); }
function rest_url() { return SITE . '/wp-json/'; }
/** add_query_arg( array $args, string $url ): like WordPress, it does not encode the values. */
function add_query_arg( array $args, $url ) {
	list( $base, $query ) = array_pad( explode( '?', $url, 2 ), 2, '' );
	parse_str( $query, $old );
	$pairs = array();
	foreach ( array_merge( $old, $args ) as $k => $v ) { $pairs[] = $k . '=' . $v; }
	return $base . '?' . implode( '&', $pairs );
}
function get_woocommerce_currency() { return 'USD'; }

// The signed-in admin: allowed everything, nonces pass (the nonce code is WordPress's, not ours).
function get_current_user_id() { return 1; }
function current_user_can( $cap ) { return true; }
function check_admin_referer( $action ) { return 1; }
function wp_nonce_field( $action ) { echo '<input type="hidden" name="_wpnonce" value="nonce-' . esc_attr( $action ) . '">'; }
function submit_button( $text, $type = 'primary', $name = 'submit', $wrap = true ) { echo '<button class="button ' . esc_attr( $type ) . '">' . esc_html( $text ) . '</button>'; }
function wp_safe_redirect( $location ) { $GLOBALS['out']['redirect'] = $location; return true; }
function wp_send_json_error( $data ) { $GLOBALS['out']['result'] = array( 'success' => false, 'data' => $data ); exit; }
function wp_die( $message ) { $GLOBALS['out']['result'] = array( 'died' => $message ); exit; }

/** wp_remote_request( $url, $args ): array|WP_Error, over PHP's http stream wrapper. */
function wp_remote_request( $url, $args ) {
	$headers = '';
	foreach ( $args['headers'] as $name => $value ) { $headers .= $name . ': ' . $value . "\r\n"; }
	$http = array(
		'method'        => $args['method'],
		'header'        => $headers,
		'timeout'       => $args['timeout'],
		'ignore_errors' => true,
		'follow_location' => $args['redirection'] > 0 ? 1 : 0,
	);
	if ( null !== $args['body'] ) { $http['content'] = $args['body']; }
	$body = @file_get_contents( $url, false, stream_context_create( array( 'http' => $http ) ) );
	if ( false === $body || empty( $http_response_header ) ) {
		return new WP_Error( 'http_request_failed', error_get_last()['message'] ?? 'no answer' );
	}
	preg_match( '#^HTTP/\S+ (\d{3})#', $http_response_header[0], $m );
	return array( 'response' => array( 'code' => (int) $m[1] ), 'body' => $body, 'headers' => array_slice( $http_response_header, 1 ) );
}
function wp_remote_retrieve_response_code( $response ) { return is_array( $response ) ? $response['response']['code'] : ''; }
function wp_remote_retrieve_body( $response ) { return is_array( $response ) ? $response['body'] : ''; }

// WooCommerce: webhooks as WC_Webhook stores them (here in the state file), and the keys table.
class WC_Webhook {
	public $data = array();
	public function __construct( $id = 0 ) { $this->data = $GLOBALS['state']['webhooks'][ $id ] ?? array( 'id' => 0 ); }
	public function set_name( $v ) { $this->data['name'] = $v; }
	public function set_user_id( $v ) { $this->data['user_id'] = $v; }
	public function set_topic( $v ) { $this->data['topic'] = $v; }
	public function set_delivery_url( $v ) { $this->data['delivery_url'] = $v; }
	public function set_secret( $v ) { $this->data['secret'] = $v; }
	public function set_api_version( $v ) { $this->data['api_version'] = $v; }
	public function set_status( $v ) { $this->data['status'] = $v; }
	public function save() {
		if ( ! $this->data['id'] ) { $this->data['id'] = $GLOBALS['state']['next_id']++; }
		$GLOBALS['state']['webhooks'][ $this->data['id'] ] = $this->data;
		return $this->data['id'];
	}
	public function delete( $force = false ) { unset( $GLOBALS['state']['webhooks'][ $this->data['id'] ] ); return true; }
	public function get_topic() { return $this->data['topic']; }
	public function get_status() { return $this->data['status']; }
	public function get_failure_count() { return $this->data['failure_count'] ?? 0; }
	// The ping itself is exercised against real WordPress (test/e2e/wordpress-site.test.ts).
	public function deliver_ping() { return true; }
}
function wc_get_webhook( $id ) { return isset( $GLOBALS['state']['webhooks'][ $id ] ) ? new WC_Webhook( $id ) : null; }
/** WordPress users, from the state's `users`: { ID, email, billing_phone } (the WC customer meta). */
function get_user_by( $field, $value ) {
	foreach ( $GLOBALS['state']['users'] as $u ) {
		if ( 'email' === $field && strtolower( $u['email'] ) === strtolower( $value ) ) { return (object) array( 'ID' => $u['ID'], 'user_email' => $u['email'] ); }
	}
	return false;
}
class WC_Customer {
	private $phone = '';
	public function __construct( $id = 0 ) {
		foreach ( $GLOBALS['state']['users'] as $u ) { if ( $u['ID'] === $id ) { $this->phone = $u['billing_phone'] ?? ''; } }
	}
	public function get_billing_phone() { return $this->phone; }
}
/** Orders from the state's `orders`: { id, billing_email, billing_phone }; only the args used here. */
class WC_Order {
	private $o;
	public function __construct( array $o ) { $this->o = $o; }
	public function get_billing_phone() { return $this->o['billing_phone'] ?? ''; }
}
function wc_get_orders( $args ) {
	$found = array();
	foreach ( $GLOBALS['state']['orders'] as $o ) {
		if ( strtolower( $o['billing_email'] ) === strtolower( $args['billing_email'] ) ) { $found[] = new WC_Order( $o ); }
	}
	return array_slice( $found, 0, $args['limit'] );
}
$GLOBALS['wpdb'] = new class() {
	public $prefix = 'wp_';
	public function esc_like( $text ) { return addcslashes( $text, '_%\\' ); }
	public function prepare( $query, ...$args ) { return str_replace( '%s', "'" . addslashes( $args[0] ) . "'", $query ); }
	public function query( $sql ) { $GLOBALS['state']['queries'][] = $sql; return 1; }
};

register_shutdown_function(
	static function () use ( $state_file ) {
		file_put_contents( $state_file, json_encode( $GLOBALS['state'] ) );
		$GLOBALS['out']['notice'] = $GLOBALS['state']['transients']['cartback_notice_1'] ?? null;
		echo json_encode( array_merge( $GLOBALS['out'], array( 'state' => $GLOBALS['state'] ) ) );
	}
);

require __DIR__ . '/../../integrations/woocommerce/cartback/cartback.php';

$command = $argv[1] ?? '';
switch ( $command ) {
	case 'connect':
		$_POST = array( 'cartback_url' => $argv[2], 'cartback_code' => $argv[3] );
		do_action( 'admin_post_cartback_connect' );
		break;
	case 'export':
	case 'erase':
		$list = apply_filters( 'export' === $command ? 'wp_privacy_personal_data_exporters' : 'wp_privacy_personal_data_erasers', array() );
		$GLOBALS['out']['result'] = call_user_func( $list['cartback']['callback'], $argv[2], (int) ( $argv[3] ?? 1 ) );
		break;
	case 'status':
		ob_start();
		Cartback_Admin::render();
		$GLOBALS['out']['html'] = ob_get_clean();
		break;
	case 'test-event':
		do_action( 'admin_post_cartback_test_event' );
		break;
	case 'disconnect':
		do_action( 'admin_post_cartback_disconnect' );
		break;
	default:
		fwrite( STDERR, "unknown command: $command\n" );
		exit( 2 );
}
