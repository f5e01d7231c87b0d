<?php
/**
 * Orders, as far as the Cartback plugin and the stand-in's checkouts use them. Follows
 * WooCommerce 11.0's WC_Order CRUD: getters and setters, `update_meta_data()` / `get_meta()`,
 * `save()` (which fires `woocommerce_new_order` with ( $id, $order ) on the first save and
 * `woocommerce_update_order` with ( $id, $order ) on later ones, as the order data stores do),
 * `wc_get_order()` and `wc_get_orders()` (the `billing_email`, `customer`, `limit` and `return`
 * arguments). Stored as posts of type `shop_order` with post meta (WooCommerce's CPT data store
 * keeps billing fields as `_billing_*` meta too); no items, taxes, totals maths or notes.
 *
 * @package Cartback\Tests
 */

defined( 'ABSPATH' ) || exit;

/**
 * An order.
 */
class WC_Order {

	/**
	 * Post id (0 until saved).
	 *
	 * @var int
	 */
	protected $id = 0;

	/**
	 * Core data by WooCommerce's prop names.
	 *
	 * @var array
	 */
	protected $data = array(
		'status'              => 'pending',
		'currency'            => '',
		'total'               => '0',
		'customer_id'         => 0,
		'customer_ip_address' => '',
		'customer_user_agent' => '',
		'date_created'        => null,
		'billing'             => array(
			'first_name' => '',
			'last_name'  => '',
			'email'      => '',
			'phone'      => '',
		),
	);

	/**
	 * Meta: key → value (one value per key, as update_meta_data keeps it).
	 *
	 * @var array
	 */
	protected $meta = array();

	/**
	 * Loads an order by id, or starts a new one.
	 *
	 * @param int $id Order id.
	 */
	public function __construct( $id = 0 ) {
		$id = (int) $id;
		if ( $id <= 0 ) {
			$this->data['currency'] = get_woocommerce_currency();
			return;
		}
		$post = get_post( $id );
		if ( ! $post || 'shop_order' !== $post->post_type ) {
			throw new Exception( 'Invalid order.' );
		}
		$this->id                   = $id;
		$this->data['status']       = preg_replace( '/^wc-/', '', $post->post_status );
		$this->data['date_created'] = $post->post_date_gmt;
		foreach ( get_post_meta( $id ) as $key => $values ) {
			$value = maybe_unserialize( $values[0] );
			if ( 0 === strpos( $key, '_billing_' ) ) {
				$this->data['billing'][ substr( $key, 9 ) ] = $value;
			} elseif ( in_array( substr( $key, 1 ), array( 'order_currency', 'order_total', 'customer_user', 'customer_ip_address', 'customer_user_agent' ), true ) ) {
				$prop                = array(
					'_order_currency'       => 'currency',
					'_order_total'          => 'total',
					'_customer_user'        => 'customer_id',
					'_customer_ip_address'  => 'customer_ip_address',
					'_customer_user_agent'  => 'customer_user_agent',
				)[ $key ];
				$this->data[ $prop ] = $value;
			} else {
				$this->meta[ $key ] = $value;
			}
		}
	}

	/** @return int */
	public function get_id() {
		return $this->id;
	}

	/** @return string */
	public function get_status() {
		return $this->data['status'];
	}

	/** @param string $status e.g. processing. */
	public function set_status( $status ) {
		$this->data['status'] = preg_replace( '/^wc-/', '', (string) $status );
	}

	/** @return string */
	public function get_currency() {
		return $this->data['currency'];
	}

	/** @param string $currency ISO code. */
	public function set_currency( $currency ) {
		$this->data['currency'] = strtoupper( (string) $currency );
	}

	/** @return string The total as WooCommerce keeps it, a decimal string. */
	public function get_total() {
		return wc_format_decimal( $this->data['total'], 2 );
	}

	/** @param string|float $total The total. */
	public function set_total( $total ) {
		$this->data['total'] = wc_format_decimal( $total, 2 );
	}

	/** @return int */
	public function get_customer_id() {
		return (int) $this->data['customer_id'];
	}

	/** @param int $id User id. */
	public function set_customer_id( $id ) {
		$this->data['customer_id'] = (int) $id;
	}

	/** @return string */
	public function get_customer_ip_address() {
		return $this->data['customer_ip_address'];
	}

	/** @param string $ip IP. */
	public function set_customer_ip_address( $ip ) {
		$this->data['customer_ip_address'] = (string) $ip;
	}

	/** @return string */
	public function get_customer_user_agent() {
		return $this->data['customer_user_agent'];
	}

	/** @param string $ua User agent. */
	public function set_customer_user_agent( $ua ) {
		$this->data['customer_user_agent'] = (string) $ua;
	}

	/** @return WC_DateTime|null */
	public function get_date_created() {
		return $this->data['date_created'] ? new WC_DateTime( $this->data['date_created'], new DateTimeZone( 'UTC' ) ) : null;
	}

	/**
	 * get_billing_first_name(), set_billing_phone() and the other billing accessors.
	 *
	 * @param string $name Method.
	 * @param array  $args Arguments.
	 * @return mixed
	 */
	public function __call( $name, $args ) {
		if ( preg_match( '/^(get|set)_billing_(first_name|last_name|email|phone)$/', $name, $m ) ) {
			if ( 'get' === $m[1] ) {
				return $this->data['billing'][ $m[2] ];
			}
			$this->data['billing'][ $m[2] ] = (string) $args[0];
			return null;
		}
		throw new BadMethodCallException( 'WC_Order stand-in has no ' . $name ); // A call the stand-in does not cover must fail loudly.
	}

	/**
	 * @param string $key   Meta key.
	 * @param mixed  $value Value.
	 */
	public function update_meta_data( $key, $value ) {
		$this->meta[ $key ] = $value;
	}

	/**
	 * @param string $key    Meta key ('' for all meta).
	 * @param bool   $single One value.
	 * @return mixed '' when absent, as WooCommerce answers.
	 */
	public function get_meta( $key = '', $single = true ) {
		if ( '' === $key ) {
			return $this->meta;
		}
		return array_key_exists( $key, $this->meta ) ? $this->meta[ $key ] : ( $single ? '' : array() );
	}

	/** @param string $key Meta key. */
	public function delete_meta_data( $key ) {
		unset( $this->meta[ $key ] );
	}

	/**
	 * Saves, then fires woocommerce_new_order or woocommerce_update_order.
	 *
	 * @return int The id.
	 */
	public function save() {
		$new    = 0 === $this->id;
		$fields = array(
			'post_type'   => 'shop_order',
			'post_status' => 'wc-' . $this->data['status'],
			'post_title'  => 'Order',
		);
		if ( $new ) {
			$this->id                   = wp_insert_post( $fields, true );
			$this->data['date_created'] = get_post( $this->id )->post_date_gmt;
		} else {
			wp_update_post( array_merge( $fields, array( 'ID' => $this->id ) ) );
		}
		$props = array(
			'_order_currency'      => $this->data['currency'],
			'_order_total'         => $this->data['total'],
			'_customer_user'       => $this->data['customer_id'],
			'_customer_ip_address' => $this->data['customer_ip_address'],
			'_customer_user_agent' => $this->data['customer_user_agent'],
		);
		foreach ( $this->data['billing'] as $field => $value ) {
			$props[ '_billing_' . $field ] = $value;
		}
		foreach ( array_merge( $props, $this->meta ) as $key => $value ) {
			update_post_meta( $this->id, $key, $value );
		}
		do_action( $new ? 'woocommerce_new_order' : 'woocommerce_update_order', $this->id, $this );
		return $this->id;
	}

	/**
	 * The order as WooCommerce's REST API v3 (and so a v3 webhook) shows it: the fields Cartback
	 * reads, with WooCommerce's names and types.
	 *
	 * @return array
	 */
	public function get_rest_data() {
		$meta = array();
		$n    = 0;
		foreach ( $this->meta as $key => $value ) {
			$meta[] = array( 'id' => ++$n, 'key' => $key, 'value' => $value );
		}
		$created = $this->get_date_created();
		return array(
			'id'                   => $this->id,
			'status'               => $this->data['status'],
			'currency'             => $this->data['currency'],
			'total'                => $this->get_total(),
			'customer_id'          => $this->get_customer_id(),
			'customer_ip_address'  => $this->data['customer_ip_address'],
			'customer_user_agent'  => $this->data['customer_user_agent'],
			'date_created_gmt'     => $created ? $created->format( 'Y-m-d\TH:i:s' ) : null,
			'billing'              => $this->data['billing'],
			'meta_data'            => $meta,
		);
	}
}

/**
 * WC_DateTime: a DateTime that WooCommerce returns from order dates.
 */
class WC_DateTime extends DateTime {}

/**
 * wc_format_decimal(): a number as a decimal string with the given places.
 *
 * @param mixed $number Number.
 * @param int   $dp     Decimal places.
 * @return string
 */
function wc_format_decimal( $number, $dp = 2 ) {
	return number_format( (float) $number, (int) $dp, '.', '' );
}

/**
 * wc_get_order(): an order, or false.
 *
 * @param int|WC_Order $order Id or order.
 * @return WC_Order|false
 */
function wc_get_order( $order ) {
	if ( $order instanceof WC_Order ) {
		return $order;
	}
	try {
		return new WC_Order( (int) $order );
	} catch ( Exception $e ) {
		return false;
	}
}

/**
 * wc_get_orders(): orders by billing email or customer, newest first.
 *
 * @param array $args billing_email, customer, limit (-1 for all), return ('objects' or 'ids').
 * @return array
 */
function wc_get_orders( $args ) {
	$meta = array();
	if ( isset( $args['billing_email'] ) ) {
		$meta[] = array( 'key' => '_billing_email', 'value' => $args['billing_email'] );
	}
	if ( isset( $args['customer'] ) ) {
		$meta[] = is_numeric( $args['customer'] )
			? array( 'key' => '_customer_user', 'value' => (int) $args['customer'] )
			: array( 'key' => '_billing_email', 'value' => $args['customer'] );
	}
	$ids = get_posts(
		array(
			'post_type'      => 'shop_order',
			'post_status'    => 'any',
			'posts_per_page' => isset( $args['limit'] ) ? (int) $args['limit'] : (int) get_option( 'posts_per_page' ),
			'orderby'        => 'date',
			'order'          => 'DESC',
			'fields'         => 'ids',
			'meta_query'     => $meta, // phpcs:ignore WordPress.DB.SlowDBQuery
		)
	);
	return isset( $args['return'] ) && 'ids' === $args['return'] ? $ids : array_map( 'wc_get_order', $ids );
}

add_action(
	'init',
	static function () {
		// The statuses WooCommerce registers (wc_register_order_status), so 'any' finds them.
		foreach ( array( 'pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed' ) as $status ) {
			register_post_status( 'wc-' . $status, array( 'public' => false, 'exclude_from_search' => false, 'show_in_admin_all_list' => true ) );
		}
		register_post_type( 'shop_order', array( 'public' => false, 'label' => 'Orders' ) );
	}
);
