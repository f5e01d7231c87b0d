<?php
/**
 * The order's cart id and the SMS consent field, on the classic and the Blocks checkout.
 *
 * @package Cartback
 */

defined( 'ABSPATH' ) || exit;

/**
 * Writes `_cartback_cart` and `_cartback_sms_consent` on the order as it is created.
 */
final class Cartback_Checkout {

	const COOKIE        = 'cartback_cart';
	const CART_META     = '_cartback_cart';
	const CONSENT_META  = '_cartback_sms_consent';
	const CLASSIC_FIELD = 'cartback_sms_consent';
	const BLOCKS_FIELD  = 'cartback/sms-consent';

	/**
	 * Hooks both checkouts.
	 */
	public static function register() {
		add_filter( 'woocommerce_checkout_fields', array( __CLASS__, 'classic_fields' ) );
		add_action( 'woocommerce_checkout_create_order', array( __CLASS__, 'classic_save' ), 10, 2 );
		add_action( 'woocommerce_init', array( __CLASS__, 'blocks_field' ) );
		add_action( 'woocommerce_store_api_checkout_update_order_from_request', array( __CLASS__, 'blocks_save' ), 10, 2 );
	}

	/**
	 * The store's disclosure text from Cartback ('' when there is none: then no field is shown).
	 *
	 * @return string
	 */
	public static function consent_text() {
		return trim( (string) get_option( Cartback_Options::CONSENT_TEXT, '' ) );
	}

	/**
	 * Classic checkout: an unchecked checkbox right under the billing phone.
	 *
	 * @param array $fields WooCommerce's checkout fields by group.
	 * @return array
	 */
	public static function classic_fields( $fields ) {
		$text = self::consent_text();
		if ( '' === $text || ! isset( $fields['billing'] ) ) {
			return $fields;
		}
		$phone = isset( $fields['billing']['billing_phone']['priority'] ) ? (int) $fields['billing']['billing_phone']['priority'] : 100;
		$fields['billing'][ self::CLASSIC_FIELD ] = array(
			'type'     => 'checkbox',
			'label'    => esc_html( $text ),
			'required' => false,
			'default'  => 0,
			'class'    => array( 'form-row-wide' ),
			'priority' => $phone + 1,
		);
		return $fields;
	}

	/**
	 * Classic checkout: the cart id and the consent evidence onto the new order.
	 *
	 * @param WC_Order $order The order being created.
	 * @param array    $data  The posted checkout data (checkbox fields are 1 or 0).
	 */
	public static function classic_save( $order, $data ) {
		self::tag_order( $order );
		if ( '' !== self::consent_text() ) {
			self::save_consent( $order, ! empty( $data[ self::CLASSIC_FIELD ] ) );
		}
	}

	/**
	 * Blocks checkout: registers the checkbox with the Additional Checkout Fields API
	 * (WooCommerce 8.9+); checkboxes there are optional and unchecked by default.
	 */
	public static function blocks_field() {
		$text = self::consent_text();
		if ( '' === $text || ! function_exists( 'woocommerce_register_additional_checkout_field' ) ) {
			return;
		}
		woocommerce_register_additional_checkout_field(
			array(
				'id'            => self::BLOCKS_FIELD,
				'label'         => $text,
				'optionalLabel' => $text,
				'location'      => 'contact',
				'type'          => 'checkbox',
			)
		);
	}

	/**
	 * Blocks (Store API) checkout: the cart id and the consent evidence onto the order.
	 *
	 * @param WC_Order        $order   The order being placed.
	 * @param WP_REST_Request $request The Store API checkout request.
	 */
	public static function blocks_save( $order, $request ) {
		self::tag_order( $order );
		if ( '' === self::consent_text() ) {
			return;
		}
		$fields = $request->get_param( 'additional_fields' );
		$value  = is_array( $fields ) && isset( $fields[ self::BLOCKS_FIELD ] ) ? $fields[ self::BLOCKS_FIELD ] : false;
		self::save_consent( $order, true === $value || 1 === $value || '1' === $value || 'true' === $value );
	}

	/**
	 * Copies the storefront script's cart id cookie to `_cartback_cart` (the same shape the
	 * script writes: 16 to 64 URL-safe characters; anything else is ignored).
	 *
	 * @param WC_Order $order The order.
	 */
	public static function tag_order( $order ) {
		if ( ! isset( $_COOKIE[ self::COOKIE ] ) ) {
			return;
		}
		$id = sanitize_text_field( wp_unslash( $_COOKIE[ self::COOKIE ] ) );
		if ( preg_match( '/^[A-Za-z0-9_-]{16,64}$/', $id ) ) {
			$order->update_meta_data( self::CART_META, $id );
		}
	}

	/**
	 * Saves the consent evidence as JSON (CONTRACT-13): what the shopper saw, whether they ticked
	 * it, when, from where and for which phone.
	 *
	 * @param WC_Order $order   The order.
	 * @param bool     $granted Whether the box was ticked.
	 */
	public static function save_consent( $order, $granted ) {
		$ip   = $order->get_customer_ip_address();
		$ua   = $order->get_customer_user_agent();
		$page = isset( $_SERVER['HTTP_REFERER'] ) ? esc_url_raw( wp_unslash( $_SERVER['HTTP_REFERER'] ) ) : '';
		$evidence = array(
			'granted'   => (bool) $granted,
			'text'      => self::consent_text(),
			'at'        => gmdate( 'Y-m-d\TH:i:s\Z' ),
			'ip'        => '' !== (string) $ip ? (string) $ip : null,
			'userAgent' => '' !== (string) $ua ? (string) $ua : null,
			'page'      => '' !== $page ? $page : null,
			'phone'     => '' !== (string) $order->get_billing_phone() ? (string) $order->get_billing_phone() : null,
		);
		$order->update_meta_data( self::CONSENT_META, wp_json_encode( $evidence ) );
	}
}
