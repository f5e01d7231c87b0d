<?php
/**
 * A stand-in for the few WordPress and WooCommerce functions Cartback_Checkout calls, written from
 * their documented signatures (WordPress 6.1–6.8: get_option, sanitize_text_field, wp_unslash,
 * esc_url_raw, wp_json_encode, add_action, add_filter; WooCommerce 9–11: WC_Order's
 * update_meta_data, get_meta, get_billing_phone, get_customer_ip_address,
 * get_customer_user_agent; WP_REST_Request::get_param). It is not WordPress: the sanitisers here
 * do only what the code under test relies on. Real WordPress (Debian's package) is a later step.
 *
 * Usage: php checkout-harness.php '<scenario JSON>' → prints the order's meta as JSON.
 */

define( 'ABSPATH', __DIR__ . '/' );

$GLOBALS['options'] = array();

function add_action( ...$args ) {}
function add_filter( ...$args ) {}
function get_option( $name, $default = false ) {
	return array_key_exists( $name, $GLOBALS['options'] ) ? $GLOBALS['options'][ $name ] : $default;
}
function wp_unslash( $value ) {
	return is_string( $value ) ? stripslashes( $value ) : $value;
}
function sanitize_text_field( $str ) {
	return trim( preg_replace( '/[\r\n\t ]+/', ' ', wp_strip_tags( (string) $str ) ) );
}
function wp_strip_tags( $str ) {
	return strip_tags( $str );
}
function esc_url_raw( $url ) {
	return preg_match( '#^https?://#i', $url ) ? $url : '';
}
function esc_html( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES );
}
function wp_json_encode( $data ) {
	return json_encode( $data );
}

class WC_Order {
	public $meta = array();
	private $props;
	public function __construct( array $props ) {
		$this->props = $props;
	}
	public function update_meta_data( $key, $value ) {
		$this->meta[ $key ] = $value;
	}
	public function get_billing_phone() {
		return $this->props['phone'] ?? '';
	}
	public function get_customer_ip_address() {
		return $this->props['ip'] ?? '';
	}
	public function get_customer_user_agent() {
		return $this->props['ua'] ?? '';
	}
}

class WP_REST_Request {
	private $params;
	public function __construct( array $params ) {
		$this->params = $params;
	}
	public function get_param( $key ) {
		return $this->params[ $key ] ?? null;
	}
}

require __DIR__ . '/../../integrations/woocommerce/cartback/includes/class-cartback-options.php';
require __DIR__ . '/../../integrations/woocommerce/cartback/includes/class-cartback-checkout.php';

$scenario            = json_decode( $argv[1], true );
$GLOBALS['options']  = $scenario['options'] ?? array();
$_COOKIE             = $scenario['cookies'] ?? array();
$_SERVER             = array_merge( $_SERVER, $scenario['server'] ?? array() );
$order               = new WC_Order( $scenario['order'] ?? array() );

if ( 'classic' === $scenario['checkout'] ) {
	Cartback_Checkout::classic_save( $order, $scenario['posted'] ?? array() );
	$fields = Cartback_Checkout::classic_fields( array( 'billing' => array( 'billing_phone' => array( 'priority' => 100 ) ) ) );
	echo json_encode( array( 'meta' => $order->meta, 'fields' => $fields ) );
} else {
	Cartback_Checkout::blocks_save( $order, new WP_REST_Request( $scenario['request'] ?? array() ) );
	echo json_encode( array( 'meta' => $order->meta ) );
}
