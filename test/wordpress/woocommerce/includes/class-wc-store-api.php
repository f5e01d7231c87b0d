<?php
/**
 * The Blocks checkout side of the stand-in. Follows WooCommerce 11.0:
 * - the Additional Checkout Fields API: `woocommerce_register_additional_checkout_field()`
 *   (refused before `woocommerce_blocks_loaded`; throws the WP_Error message of
 *   `CheckoutFields::register_checkout_field()`, which checks the id is `namespace/name` and
 *   unique, the label is set, the location is contact, address or order and the type is text,
 *   select or checkbox); contact fields are saved on the order as `_wc_other/<id>` meta;
 * - the Checkout block's markup for a contact-location checkbox (`Form` with id `contact`, its
 *   `createFieldProps()`): a `wc-block-components-checkbox` with the input's id
 *   `contact-<id with / as ->`, no name, and the field's `optionalLabel` as its text;
 * - the Store API: `GET /wc/store/v1/cart` and `POST /wc/store/v1/checkout` (the `Nonce` header
 *   for the action `wc_store_api`; `billing_address`, `additional_fields`; the order gets the
 *   customer IP and user agent, then `woocommerce_store_api_checkout_update_order_from_request`
 *   ( $order, $request ) fires before the save and `woocommerce_store_api_checkout_order_processed`
 *   ( $order ) after it; the answer has `order_id`, `status` and `payment_result.redirect_url`).
 *
 * Not WooCommerce: the Checkout block is rendered on the server as plain HTML with a few lines
 * of script instead of React, and every cart holds one demo line (the stand-in has no products).
 *
 * @package Cartback\Tests
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers an additional checkout field.
 *
 * @param array $options id, label, optionalLabel, location, type, required, attributes…
 * @throws Exception When the field is invalid, as WooCommerce does.
 */
function woocommerce_register_additional_checkout_field( $options ) {
	if ( ! did_action( 'woocommerce_blocks_loaded' ) ) {
		_doing_it_wrong( __FUNCTION__, 'woocommerce_register_additional_checkout_field should be called after the woocommerce_blocks_loaded action.', '8.7.0' ); // phpcs:ignore
		return;
	}
	$fields = &$GLOBALS['wc_standin_additional_fields'];
	$fields = is_array( $fields ) ? $fields : array();
	$id     = isset( $options['id'] ) ? (string) $options['id'] : '';
	$error  = null;
	if ( '' === $id ) {
		$error = 'A checkout field cannot be registered without an id.';
	} elseif ( 2 !== count( array_filter( explode( '/', $id ) ) ) || 1 !== substr_count( $id, '/' ) ) {
		$error = sprintf( 'A checkout field id must consist of namespace/name. Unable to register field with id: %s.', $id );
	} elseif ( empty( $options['label'] ) ) {
		$error = sprintf( 'The field label is required when registering a checkout field (%s).', $id );
	} elseif ( ! in_array( $options['location'] ?? '', array( 'contact', 'address', 'order' ), true ) ) {
		$error = sprintf( 'The field location is invalid when registering a checkout field (%s).', $id );
	} elseif ( isset( $fields[ $id ] ) ) {
		$error = sprintf( 'Unable to register field with id: "%s". The field is already registered.', $id );
	} elseif ( ! in_array( $options['type'] ?? 'text', array( 'text', 'select', 'checkbox' ), true ) ) {
		$error = sprintf( 'Unable to register field with id: "%s". Registering a field with type "%s" is not supported.', $id, $options['type'] );
	}
	if ( null !== $error ) {
		throw new Exception( $error ); // phpcs:ignore WordPress.Security.EscapeOutput
	}
	$fields[ $id ] = wp_parse_args(
		$options,
		array(
			'type'          => 'text',
			'required'      => false,
			'optionalLabel' => $options['label'] . ' (optional)',
		)
	);
}

/**
 * The registered additional fields (a stand-in helper: WooCommerce keeps them in CheckoutFields).
 *
 * @return array
 */
function wc_standin_additional_fields() {
	return is_array( $GLOBALS['wc_standin_additional_fields'] ?? null ) ? $GLOBALS['wc_standin_additional_fields'] : array();
}

/**
 * A text input as the Checkout block renders one (ValidatedTextInput).
 *
 * @param string $id    Input id.
 * @param string $label Label.
 * @param string $type  Input type.
 * @param string $auto  Autocomplete.
 * @return string
 */
function wc_standin_block_input( $id, $label, $type, $auto ) {
	return sprintf(
		'<div class="wc-block-components-text-input"><label for="%1$s">%2$s</label><input type="%3$s" id="%1$s" autocomplete="%4$s" aria-label="%2$s" required></div>',
		esc_attr( $id ),
		esc_html( $label ),
		esc_attr( $type ),
		esc_attr( $auto )
	);
}

/**
 * A contact-location checkbox as the Checkout block renders one (CheckboxControl).
 *
 * @param array $field The registered field.
 * @return string
 */
function wc_standin_block_checkbox( $field ) {
	$key = str_replace( '/', '-', $field['id'] );
	return sprintf(
		'<div class="wc-block-components-checkbox wc-block-components-address-form__%1$s"><label for="contact-%1$s"><input id="contact-%1$s" class="wc-block-components-checkbox__input" type="checkbox" aria-invalid="false"><span class="wc-block-components-checkbox__label">%2$s</span></label></div>',
		esc_attr( $key ),
		esc_html( $field['required'] ? $field['label'] : $field['optionalLabel'] )
	);
}

/**
 * The `woocommerce/checkout` block.
 *
 * @return string
 */
function wc_standin_checkout_block() {
	$contact = '';
	foreach ( wc_standin_additional_fields() as $field ) {
		if ( 'contact' === $field['location'] && 'checkbox' === $field['type'] ) {
			$contact .= wc_standin_block_checkbox( $field );
		}
	}
	$billing = wc_standin_block_input( 'billing-first_name', 'First name', 'text', 'billing given-name' )
		. wc_standin_block_input( 'billing-last_name', 'Last name', 'text', 'billing family-name' )
		. wc_standin_block_input( 'billing-address_1', 'Address', 'text', 'billing address-line1' )
		. wc_standin_block_input( 'billing-city', 'City', 'text', 'billing address-level2' )
		. wc_standin_block_input( 'billing-phone', 'Phone', 'tel', 'billing tel' );
	$script  = '(function(){var f=document.getElementById("wc-standin-blocks-checkout");f.addEventListener("submit",function(e){e.preventDefault();'
		. 'var v=function(id){var el=document.getElementById(id);return el?el.value.trim():""};'
		. 'var a={first_name:v("billing-first_name"),last_name:v("billing-last_name"),address_1:v("billing-address_1"),city:v("billing-city"),phone:v("billing-phone"),email:v("email")};'
		. 'var extra={};f.querySelectorAll("[data-additional-field]").forEach(function(el){extra[el.getAttribute("data-additional-field")]=el.querySelector("input").checked});'
		. 'fetch(f.getAttribute("data-api"),{method:"POST",credentials:"same-origin",headers:{"Content-Type":"application/json",Nonce:f.getAttribute("data-nonce")},body:JSON.stringify({billing_address:a,shipping_address:a,payment_method:"",additional_fields:extra})})'
		. '.then(function(r){return r.json()}).then(function(o){if(o.payment_result){location.href=o.payment_result.redirect_url}else{f.querySelector(".wc-standin-error").textContent=o.message||"Error"}})})})();';
	// The stand-in marks which registered field each checkbox is, to post it back (React keeps
	// that in its state).
	foreach ( wc_standin_additional_fields() as $field ) {
		$contact = str_replace(
			'<div class="wc-block-components-checkbox wc-block-components-address-form__' . esc_attr( str_replace( '/', '-', $field['id'] ) ) . '"',
			'<div class="wc-block-components-checkbox wc-block-components-address-form__' . esc_attr( str_replace( '/', '-', $field['id'] ) ) . '" data-additional-field="' . esc_attr( $field['id'] ) . '"',
			$contact
		);
	}
	return wc_standin_checkout_style() . '<div class="wc-standin wp-block-woocommerce-checkout wc-block-checkout">'
		. '<form id="wc-standin-blocks-checkout" data-api="' . esc_url( rest_url( 'wc/store/v1/checkout' ) ) . '" data-nonce="' . esc_attr( wp_create_nonce( 'wc_store_api' ) ) . '">'
		. '<p class="wc-standin-note">Test stand-in for WooCommerce\'s Checkout block (not WooCommerce): the markup of its fields, posting to the Store API.</p>'
		. wc_standin_summary()
		. '<fieldset id="contact-fields" class="wc-block-checkout__contact-fields" style="border:0;padding:0;margin:0"><h3>Contact information</h3><div id="contact" class="wc-block-components-address-form">'
		. wc_standin_block_input( 'email', 'Email address', 'email', 'email' ) . $contact . '</div></fieldset>'
		. '<fieldset id="billing-fields" class="wc-block-checkout__billing-fields" style="border:0;padding:0;margin:0"><h3>Billing address</h3><div id="billing" class="wc-block-components-address-form">' . $billing . '</div></fieldset>'
		. '<p class="wc-standin-error" role="alert"></p><button type="submit" class="wc-block-components-checkout-place-order-button">Place Order</button></form>'
		. '<script>' . $script . '</script></div>';
}

/**
 * The demo cart as the Store API answers it (prices in minor units).
 *
 * @return array
 */
function wc_standin_store_cart() {
	$currency = get_woocommerce_currency();
	$price    = array( 'price' => '2500', 'currency_code' => $currency, 'currency_minor_unit' => 2 );
	return array(
		'items'   => array(
			array( 'key' => 'demo', 'id' => 101, 'name' => 'Harbor Tote', 'quantity' => 1, 'prices' => $price ),
		),
		'coupons' => array(),
		'totals'  => array( 'total_price' => '2500', 'total_discount' => '0', 'currency_code' => $currency, 'currency_minor_unit' => 2 ),
	);
}

/**
 * POST /wc/store/v1/checkout.
 *
 * @param WP_REST_Request $request The request.
 * @return WP_REST_Response|WP_Error
 */
function wc_standin_store_checkout( WP_REST_Request $request ) {
	if ( ! wp_verify_nonce( (string) $request->get_header( 'Nonce' ), 'wc_store_api' ) ) {
		return new WP_Error( 'woocommerce_rest_invalid_nonce', 'Nonce is invalid.', array( 'status' => 401 ) );
	}
	$billing = $request->get_param( 'billing_address' );
	if ( ! is_array( $billing ) || ! is_email( $billing['email'] ?? '' ) ) {
		return new WP_Error( 'rest_invalid_param', 'Invalid parameter(s): billing_address', array( 'status' => 400 ) );
	}
	$extra  = $request->get_param( 'additional_fields' );
	$extra  = is_array( $extra ) ? $extra : array();
	$fields = wc_standin_additional_fields();
	foreach ( $extra as $id => $value ) {
		if ( isset( $fields[ $id ] ) && 'checkbox' === $fields[ $id ]['type'] && ! is_bool( $value ) ) {
			return new WP_Error( 'rest_invalid_param', 'Invalid parameter(s): additional_fields', array( 'status' => 400 ) );
		}
	}
	$order = new WC_Order();
	foreach ( array( 'first_name', 'last_name', 'email', 'phone' ) as $key ) {
		$order->{"set_billing_{$key}"}( wc_clean( (string) ( $billing[ $key ] ?? '' ) ) );
	}
	$order->set_customer_id( get_current_user_id() );
	$order->set_total( wc_standin_cart_total() );
	$order->set_customer_ip_address( WC_Geolocation::get_ip_address() );
	$order->set_customer_user_agent( wc_get_user_agent() );
	foreach ( $fields as $id => $field ) {
		if ( 'contact' === $field['location'] && array_key_exists( $id, $extra ) ) {
			$order->update_meta_data( '_wc_other/' . $id, $extra[ $id ] );
		}
	}
	do_action( 'woocommerce_store_api_checkout_update_order_from_request', $order, $request );
	$order->set_status( 'processing' );
	$order->save();
	do_action( 'woocommerce_store_api_checkout_order_processed', $order );
	return rest_ensure_response(
		array(
			'order_id'       => $order->get_id(),
			'status'         => $order->get_status(),
			'payment_result' => array(
				'payment_status'  => 'success',
				'payment_details' => array(),
				'redirect_url'    => wc_get_endpoint_url( 'order-received', (string) $order->get_id(), wc_get_checkout_url() ),
			),
		)
	);
}

// Package::init() fires woocommerce_blocks_loaded while plugins load.
add_action(
	'plugins_loaded',
	static function () {
		do_action( 'woocommerce_blocks_loaded' );
	}
);

add_action(
	'init',
	static function () {
		register_block_type( 'woocommerce/checkout', array( 'render_callback' => 'wc_standin_checkout_block' ) );
	}
);

add_action(
	'rest_api_init',
	static function () {
		register_rest_route(
			'wc/store/v1',
			'/cart',
			array(
				'methods'             => 'GET',
				'callback'            => static function () {
					return rest_ensure_response( wc_standin_store_cart() );
				},
				'permission_callback' => '__return_true',
			)
		);
		register_rest_route(
			'wc/store/v1',
			'/checkout',
			array(
				'methods'             => 'POST',
				'callback'            => 'wc_standin_store_checkout',
				'permission_callback' => '__return_true',
			)
		);
	}
);
