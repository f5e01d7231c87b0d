<?php
/**
 * The classic (shortcode) checkout of the stand-in. Follows WooCommerce 11.0:
 * `woocommerce_form_field()` (includes/wc-template-functions.php: the `form-row` paragraph with
 * id `<key>_field`, the input with id and name `<key>`, a checkbox wrapped in its label with
 * value 1, "(optional)" on fields that are not required), `WC_Checkout::get_checkout_fields()`
 * (the `woocommerce_checkout_fields` filter, each group sorted by priority),
 * `WC_Checkout::get_posted_data()` (a checkbox is 1 when posted and '' when not),
 * `WC_Checkout::process_checkout()` (the nonce `woocommerce-process-checkout-nonce` for the action
 * `woocommerce-process_checkout`, required fields) and `WC_Checkout::create_order()` (billing
 * props, customer IP and user agent, then `woocommerce_checkout_create_order` ( $order, $data )
 * before the save and `woocommerce_checkout_update_order_meta` ( $order_id, $data ) after it),
 * then the `order-received` endpoint of the checkout page.
 *
 * Not WooCommerce: a subset of the default billing fields, no shipping, payment gateways,
 * countries or AJAX (the form posts as WooCommerce's does without JavaScript); the order is paid
 * at once (status processing) and the thank-you page shows only its number.
 *
 * @package Cartback\Tests
 */

defined( 'ABSPATH' ) || exit;

/**
 * woocommerce_form_field(): one checkout field's markup.
 *
 * @param string $key   Field key (name and id).
 * @param array  $args  Field arguments (type, label, required, class, priority, default…).
 * @param mixed  $value Current value.
 * @return string
 */
function woocommerce_form_field( $key, $args, $value = null ) {
	$args = wp_parse_args(
		$args,
		array(
			'type'         => 'text',
			'label'        => '',
			'required'     => false,
			'class'        => array(),
			'input_class'  => array(),
			'label_class'  => array(),
			'autocomplete' => false,
			'id'           => $key,
			'default'      => '',
			'priority'     => '',
			'return'       => false,
		)
	);
	if ( null === $value ) {
		$value = $args['default'];
	}
	$classes  = array_merge( array( 'form-row' ), (array) $args['class'] );
	$required = $args['required']
		? '&nbsp;<abbr class="required" title="required">*</abbr>'
		: '&nbsp;<span class="optional">(optional)</span>';
	if ( $args['required'] ) {
		$classes[] = 'validate-required';
	}
	if ( 'checkbox' === $args['type'] ) {
		$input = sprintf(
			'<label class="checkbox %1$s"><input type="checkbox" class="input-checkbox %2$s" name="%3$s" id="%4$s" value="1" %5$s /> %6$s%7$s</label>',
			esc_attr( implode( ' ', (array) $args['label_class'] ) ),
			esc_attr( implode( ' ', (array) $args['input_class'] ) ),
			esc_attr( $key ),
			esc_attr( $args['id'] ),
			checked( $value, 1, false ),
			wp_kses_post( $args['label'] ),
			$required
		);
		$label = '';
	} else {
		$type  = in_array( $args['type'], array( 'email', 'tel', 'text' ), true ) ? $args['type'] : 'text';
		$input = sprintf(
			'<input type="%1$s" class="input-text %2$s" name="%3$s" id="%4$s" value="%5$s"%6$s />',
			esc_attr( $type ),
			esc_attr( implode( ' ', (array) $args['input_class'] ) ),
			esc_attr( $key ),
			esc_attr( $args['id'] ),
			esc_attr( (string) $value ),
			$args['autocomplete'] ? ' autocomplete="' . esc_attr( $args['autocomplete'] ) . '"' : ''
		);
		$label = sprintf( '<label for="%1$s">%2$s%3$s</label>', esc_attr( $args['id'] ), wp_kses_post( $args['label'] ), $required );
	}
	$html = sprintf(
		'<p class="%1$s" id="%2$s_field" data-priority="%3$s">%4$s<span class="woocommerce-input-wrapper">%5$s</span></p>',
		esc_attr( implode( ' ', $classes ) ),
		esc_attr( $key ),
		esc_attr( (string) $args['priority'] ),
		$label,
		$input
	);
	if ( $args['return'] ) {
		return $html;
	}
	echo $html; // phpcs:ignore WordPress.Security.EscapeOutput -- escaped above.
	return '';
}

/**
 * wc_get_user_agent().
 *
 * @return string
 */
function wc_get_user_agent() {
	return isset( $_SERVER['HTTP_USER_AGENT'] ) ? wc_clean( wp_unslash( $_SERVER['HTTP_USER_AGENT'] ) ) : ''; // phpcs:ignore
}

// wc_clean() is in class-wc-auth.php (both files use it; one definition).

/**
 * WC_Geolocation::get_ip_address(), as far as a direct connection goes (no proxy headers).
 */
class WC_Geolocation {
	/**
	 * The client's IP.
	 *
	 * @return string
	 */
	public static function get_ip_address() {
		return isset( $_SERVER['REMOTE_ADDR'] ) ? sanitize_text_field( wp_unslash( $_SERVER['REMOTE_ADDR'] ) ) : ''; // phpcs:ignore
	}
}

/**
 * The classic checkout.
 */
class WC_Checkout {

	/**
	 * The instance.
	 *
	 * @var WC_Checkout|null
	 */
	protected static $instance = null;

	/**
	 * WC_Checkout::instance() (what WC()->checkout() returns).
	 *
	 * @return WC_Checkout
	 */
	public static function instance() {
		if ( null === self::$instance ) {
			self::$instance = new self();
		}
		return self::$instance;
	}

	/**
	 * The checkout fields by group, filtered and sorted by priority.
	 *
	 * @return array
	 */
	public function get_checkout_fields() {
		$billing = array(
			'billing_first_name' => array( 'label' => 'First name', 'required' => true, 'class' => array( 'form-row-first' ), 'autocomplete' => 'given-name', 'priority' => 10 ),
			'billing_last_name'  => array( 'label' => 'Last name', 'required' => true, 'class' => array( 'form-row-last' ), 'autocomplete' => 'family-name', 'priority' => 20 ),
			'billing_address_1'  => array( 'label' => 'Street address', 'required' => true, 'class' => array( 'form-row-wide' ), 'autocomplete' => 'address-line1', 'priority' => 50 ),
			'billing_city'       => array( 'label' => 'Town / City', 'required' => true, 'class' => array( 'form-row-wide' ), 'autocomplete' => 'address-level2', 'priority' => 70 ),
			'billing_phone'      => array( 'label' => 'Phone', 'required' => true, 'type' => 'tel', 'class' => array( 'form-row-wide' ), 'autocomplete' => 'tel', 'priority' => 100 ),
			'billing_email'      => array( 'label' => 'Email address', 'required' => true, 'type' => 'email', 'class' => array( 'form-row-wide' ), 'autocomplete' => 'email', 'priority' => 110 ),
		);
		$fields  = apply_filters( 'woocommerce_checkout_fields', array( 'billing' => $billing, 'order' => array() ) );
		foreach ( $fields as $group => $set ) {
			uasort(
				$set,
				static function ( $a, $b ) {
					return ( $a['priority'] ?? 0 ) <=> ( $b['priority'] ?? 0 );
				}
			);
			$fields[ $group ] = $set;
		}
		return $fields;
	}

	/**
	 * The posted checkout data: every field's value, a checkbox as 1 or ''.
	 *
	 * @return array
	 */
	public function get_posted_data() {
		$data = array();
		foreach ( $this->get_checkout_fields() as $set ) {
			foreach ( $set as $key => $field ) {
				if ( 'checkbox' === ( $field['type'] ?? 'text' ) ) {
					$data[ $key ] = isset( $_POST[ $key ] ) ? 1 : ''; // phpcs:ignore WordPress.Security.NonceVerification
				} else {
					$data[ $key ] = isset( $_POST[ $key ] ) ? wc_clean( wp_unslash( $_POST[ $key ] ) ) : ''; // phpcs:ignore
				}
			}
		}
		return $data;
	}

	/**
	 * Checks the nonce and required fields, creates the order, redirects to its thank-you page.
	 */
	public function process_checkout() {
		$nonce = isset( $_POST['woocommerce-process-checkout-nonce'] ) ? sanitize_text_field( wp_unslash( $_POST['woocommerce-process-checkout-nonce'] ) ) : '';
		if ( ! wp_verify_nonce( $nonce, 'woocommerce-process_checkout' ) ) {
			wp_die( 'We were unable to process your order, please try again.', 400 );
		}
		$data = $this->get_posted_data();
		foreach ( $this->get_checkout_fields() as $set ) {
			foreach ( $set as $key => $field ) {
				if ( ! empty( $field['required'] ) && '' === $data[ $key ] ) {
					wp_die( esc_html( $field['label'] . ' is a required field.' ), 400 );
				}
			}
		}
		$order = $this->create_order( $data );
		wp_safe_redirect( wc_get_endpoint_url( 'order-received', (string) $order->get_id(), wc_get_checkout_url() ) );
		exit;
	}

	/**
	 * Creates the order from the posted data.
	 *
	 * @param array $data Posted data.
	 * @return WC_Order
	 */
	public function create_order( $data ) {
		$order = new WC_Order();
		foreach ( $data as $key => $value ) {
			if ( is_callable( array( $order, "set_{$key}" ) ) && preg_match( '/^billing_(first_name|last_name|email|phone)$/', $key ) ) {
				$order->{"set_{$key}"}( $value );
			}
		}
		$order->set_customer_id( get_current_user_id() );
		$order->set_total( wc_standin_cart_total() );
		$order->set_customer_ip_address( WC_Geolocation::get_ip_address() );
		$order->set_customer_user_agent( wc_get_user_agent() );
		do_action( 'woocommerce_checkout_create_order', $order, $data );
		$order->set_status( 'processing' );
		$order_id = $order->save();
		do_action( 'woocommerce_checkout_update_order_meta', $order_id, $data );
		return $order;
	}
}

/**
 * wc_get_endpoint_url() for pretty permalinks (the stand-in's sites use them).
 *
 * @param string $endpoint  Endpoint.
 * @param string $value     Value.
 * @param string $permalink Page URL.
 * @return string
 */
function wc_get_endpoint_url( $endpoint, $value, $permalink ) {
	return trailingslashit( $permalink ) . $endpoint . '/' . rawurlencode( $value ) . '/';
}

/**
 * The demo cart's total (see class-wc-store-api.php: the stand-in has no products).
 *
 * @return string
 */
function wc_standin_cart_total() {
	return '25.00';
}

/**
 * The stand-in's page styles: a plain form, and a note that this is not WooCommerce.
 *
 * @return string
 */
function wc_standin_checkout_style() {
	return '<style>
.wc-standin{max-width:640px;margin:0 auto;font-size:16px}
.wc-standin-note{padding:10px 14px;border:1px dashed #999;background:#f6f6f6;font-size:13px;margin:0 0 24px}
.wc-standin .form-row{margin:0 0 14px;padding:0}
.wc-standin .form-row label{display:block;font-weight:600;margin:0 0 4px}
.wc-standin .form-row label.checkbox{display:block;position:relative;padding-left:28px;font-weight:400;line-height:1.45}
.wc-standin .form-row label.checkbox input{position:absolute;left:0;top:0}
.wc-standin .wc-block-components-checkbox label{display:flex;gap:10px;align-items:flex-start;line-height:1.45}
.wc-standin input.input-text,.wc-standin .wc-block-components-text-input input{width:100%;box-sizing:border-box;padding:9px 10px;border:1px solid #8c8f94;border-radius:3px;font-size:15px}
.wc-standin input[type=checkbox]{width:18px;height:18px;margin:2px 0 0;flex:none}
.wc-standin .form-row-first,.wc-standin .form-row-last{display:inline-block;width:48.5%;vertical-align:top}
.wc-standin .form-row-last{margin-left:3%}
.wc-standin .optional{color:#646970;font-weight:400}
.wc-standin abbr.required{color:#b32d2e;text-decoration:none}
.wc-standin h3{margin:24px 0 12px;font-size:20px}
.wc-standin .wc-block-components-text-input{margin:0 0 14px}
.wc-standin .wc-block-components-checkbox{margin:0 0 14px}
.wc-standin .wc-standin-summary{border:1px solid #ddd;padding:10px 14px;margin:0 0 20px}
.wc-standin button{padding:12px 22px;font-size:16px;background:#1e1e1e;color:#fff;border:0;border-radius:3px;cursor:pointer}
</style>';
}

/**
 * The one demo line every stand-in cart holds, as an order summary.
 *
 * @return string
 */
function wc_standin_summary() {
	return '<div class="wc-standin-summary"><strong>Your order</strong><br>Harbor Tote × 1 — $' . esc_html( wc_standin_cart_total() ) . '</div>';
}

/**
 * The `[woocommerce_checkout]` shortcode: the form, or the thank-you page on order-received.
 *
 * @return string
 */
function wc_standin_checkout_shortcode() {
	$received = get_query_var( 'order-received', '' );
	$note     = '<p class="wc-standin-note">Test stand-in for WooCommerce\'s classic checkout (not WooCommerce): its markup follows <code>woocommerce_form_field()</code>.</p>';
	if ( '' !== $received ) {
		$order = wc_get_order( absint( $received ) );
		return wc_standin_checkout_style() . '<div class="wc-standin woocommerce-order">' . $note
			. ( $order ? '<p class="woocommerce-thankyou-order-received">Thank you. Your order has been received.</p><p>Order number: <strong class="order-number">' . esc_html( (string) $order->get_id() ) . '</strong></p>' : '<p>Unknown order.</p>' )
			. '</div>';
	}
	$checkout = WC_Checkout::instance();
	$html     = '';
	foreach ( $checkout->get_checkout_fields() as $group => $set ) {
		if ( 'billing' === $group ) {
			$html .= '<h3>Billing details</h3>';
		}
		foreach ( $set as $key => $field ) {
			$field['return'] = true;
			$html           .= woocommerce_form_field( $key, $field );
		}
	}
	return wc_standin_checkout_style() . '<div class="wc-standin woocommerce"><form name="checkout" method="post" class="checkout woocommerce-checkout" action="' . esc_url( wc_get_checkout_url() ) . '">'
		. $note . wc_standin_summary() . '<div class="woocommerce-billing-fields">' . $html . '</div>'
		. wp_nonce_field( 'woocommerce-process_checkout', 'woocommerce-process-checkout-nonce', true, false )
		. '<button type="submit" class="button alt" name="woocommerce_checkout_place_order" id="place_order" value="Place order">Place order</button></form></div>';
}

add_action(
	'init',
	static function () {
		add_shortcode( 'woocommerce_checkout', 'wc_standin_checkout_shortcode' );
		// WC_Query's endpoint on the checkout page.
		add_rewrite_endpoint( 'order-received', EP_PAGES );
	}
);

// WC_Form_Handler::checkout_action(): a posted checkout is processed on wp_loaded.
add_action(
	'wp_loaded',
	static function () {
		if ( isset( $_POST['woocommerce_checkout_place_order'] ) ) { // phpcs:ignore WordPress.Security.NonceVerification -- process_checkout verifies it.
			WC_Checkout::instance()->process_checkout();
		}
	},
	20
);
