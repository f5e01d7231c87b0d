<?php
/**
 * Webhooks, as far as the Cartback plugin uses them. Follows WooCommerce 11.0's WC_Webhook
 * (includes/class-wc-webhook.php), WC_Webhook_Data_Store (includes/data-stores/
 * class-wc-webhook-data-store.php) and wc-webhook-functions.php: rows in WooCommerce's own
 * `{$wpdb->prefix}wc_webhooks` table (columns as WC_Install::get_schema() creates them),
 * `api_version` stored as its number (wp_api_v3 → 3), the active webhooks enqueued on `init`
 * (`wc_load_webhooks( 'active' )`), topic order.created on `woocommerce_new_order` and
 * order.updated on `woocommerce_update_order`, the v3 payload (here WC_Order::get_rest_data()),
 * the X-WC-Webhook-* headers with a base64 HMAC-SHA256 signature, `wp_safe_remote_request`,
 * failure counting (reset by a 2xx–302, disabled past `woocommerce_max_webhook_delivery_failures`)
 * and `deliver_ping()` (the `webhook_id=N` form post WooCommerce's REST controller sends after
 * creating a webhook, and the data store sends when an active webhook's URL changes).
 *
 * Not WooCommerce: real WooCommerce delivers through Action Scheduler
 * (`woocommerce_deliver_webhook_async`); this stand-in delivers at `shutdown` of the request
 * that fired the hook. No delivery log (wc_get_logger), no caches, topics other than
 * order.created / order.updated are refused, as an unknown method is.
 *
 * @package Cartback\Tests
 */

defined( 'ABSPATH' ) || exit;

/**
 * A webhook.
 */
class WC_Webhook {

	/**
	 * Topics this stand-in delivers, and the hooks WooCommerce ties them to (wc_get_webhook_topic_hooks).
	 */
	const TOPIC_HOOKS = array(
		'order.created' => array( 'woocommerce_new_order' ),
		'order.updated' => array( 'woocommerce_update_order' ),
	);

	/**
	 * Row id (0 until saved).
	 *
	 * @var int
	 */
	protected $id = 0;

	/**
	 * Props by WooCommerce's names and defaults.
	 *
	 * @var array
	 */
	protected $data = array(
		'status'           => 'disabled',
		'delivery_url'     => '',
		'secret'           => '',
		'name'             => '',
		'topic'            => '',
		'failure_count'    => 0,
		'user_id'          => 0,
		'api_version'      => 3,
		'pending_delivery' => false,
		'date_created'     => null,
	);

	/**
	 * Args already processed in this request (WC_Webhook::is_already_processed).
	 *
	 * @var array
	 */
	protected $processed = array();

	/**
	 * Loads a webhook by id (an unknown id leaves id 0, as WooCommerce does), or starts one.
	 *
	 * @param int|WC_Webhook $data Id or webhook.
	 */
	public function __construct( $data = 0 ) {
		global $wpdb;
		$id = $data instanceof WC_Webhook ? $data->get_id() : absint( $data );
		if ( $id <= 0 ) {
			return;
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery
		$row = $wpdb->get_row( $wpdb->prepare( "SELECT * FROM {$wpdb->prefix}wc_webhooks WHERE webhook_id = %d", $id ), ARRAY_A );
		if ( ! $row ) {
			return;
		}
		$this->id   = (int) $row['webhook_id'];
		$this->data = array(
			'status'           => $row['status'],
			'delivery_url'     => $row['delivery_url'],
			'secret'           => $row['secret'],
			'name'             => $row['name'],
			'topic'            => $row['topic'],
			'failure_count'    => (int) $row['failure_count'],
			'user_id'          => (int) $row['user_id'],
			'api_version'      => (int) $row['api_version'],
			'pending_delivery' => (bool) $row['pending_delivery'],
			'date_created'     => $row['date_created_gmt'],
		);
	}

	/**
	 * Calls the stand-in does not cover fail loudly.
	 *
	 * @param string $name Method.
	 * @param array  $args Arguments.
	 * @throws BadMethodCallException Always.
	 */
	public function __call( $name, $args ) {
		throw new BadMethodCallException( 'WC_Webhook stand-in has no ' . $name ); // phpcs:ignore
	}

	/** @return int */
	public function get_id() {
		return $this->id;
	}

	/** @return string */
	public function get_name() {
		return $this->data['name'];
	}

	/** @param string $name Name. */
	public function set_name( $name ) {
		$this->data['name'] = (string) $name;
	}

	/** @return string active, paused or disabled. */
	public function get_status() {
		return $this->data['status'];
	}

	/** @param string $status active, paused or disabled (anything else becomes disabled, as wc_is_webhook_valid_status). */
	public function set_status( $status ) {
		$this->data['status'] = in_array( $status, array( 'active', 'paused', 'disabled' ), true ) ? $status : 'disabled';
	}

	/** @return string */
	public function get_delivery_url() {
		return $this->data['delivery_url'];
	}

	/** @param string $url URL. */
	public function set_delivery_url( $url ) {
		$this->data['delivery_url'] = esc_url_raw( $url, array( 'http', 'https' ) );
	}

	/** @return string */
	public function get_secret() {
		return $this->data['secret'];
	}

	/** @param string $secret Secret. */
	public function set_secret( $secret ) {
		$this->data['secret'] = (string) $secret;
	}

	/** @return string e.g. order.created */
	public function get_topic() {
		return $this->data['topic'];
	}

	/**
	 * @param string $topic e.g. order.created.
	 * @throws InvalidArgumentException For a topic this stand-in does not deliver.
	 */
	public function set_topic( $topic ) {
		if ( ! isset( self::TOPIC_HOOKS[ $topic ] ) ) {
			throw new InvalidArgumentException( 'WC_Webhook stand-in delivers only ' . implode( ', ', array_keys( self::TOPIC_HOOKS ) ) ); // phpcs:ignore
		}
		$this->data['topic'] = $topic;
	}

	/** @return string e.g. order */
	public function get_resource() {
		return explode( '.', $this->data['topic'] )[0];
	}

	/** @return string e.g. created */
	public function get_event() {
		$parts = explode( '.', $this->data['topic'] );
		return isset( $parts[1] ) ? $parts[1] : '';
	}

	/** @return string[] */
	public function get_hooks() {
		return isset( self::TOPIC_HOOKS[ $this->data['topic'] ] ) ? self::TOPIC_HOOKS[ $this->data['topic'] ] : array();
	}

	/** @return int */
	public function get_user_id() {
		return $this->data['user_id'];
	}

	/** @param int $id User id. */
	public function set_user_id( $id ) {
		$this->data['user_id'] = (int) $id;
	}

	/** @return string wp_api_v1…v3 (or legacy_v3 for -1), as WooCommerce returns it. */
	public function get_api_version() {
		$n = $this->data['api_version'];
		return 0 < $n ? 'wp_api_v' . $n : 'legacy_v3';
	}

	/** @param string|int $version wp_api_v3, 3 or legacy_v3. */
	public function set_api_version( $version ) {
		$this->data['api_version'] = 'legacy_v3' === $version ? -1 : (int) str_replace( 'wp_api_v', '', (string) $version );
	}

	/** @return int Consecutive failed deliveries. */
	public function get_failure_count() {
		return $this->data['failure_count'];
	}

	/** @param int $count Count. */
	public function set_failure_count( $count ) {
		$this->data['failure_count'] = (int) $count;
	}

	/** @return bool */
	public function get_pending_delivery() {
		return $this->data['pending_delivery'];
	}

	/** @param bool $pending Pending. */
	public function set_pending_delivery( $pending ) {
		$this->data['pending_delivery'] = (bool) $pending;
	}

	/**
	 * Inserts or updates the row (the data store's create/update); an active webhook whose URL
	 * changed is pinged, as WC_Webhook_Data_Store::update does.
	 *
	 * @return int The id.
	 */
	public function save() {
		global $wpdb;
		$row = array(
			'status'            => $this->data['status'],
			'name'              => $this->data['name'],
			'user_id'           => $this->data['user_id'],
			'delivery_url'      => $this->data['delivery_url'],
			'secret'            => $this->data['secret'],
			'topic'             => $this->data['topic'],
			'date_modified'     => current_time( 'mysql' ),
			'date_modified_gmt' => current_time( 'mysql', true ),
			'api_version'       => $this->data['api_version'],
			'failure_count'     => $this->data['failure_count'],
			'pending_delivery'  => $this->data['pending_delivery'] ? 1 : 0,
		);
		// phpcs:disable WordPress.DB.DirectDatabaseQuery
		if ( 0 === $this->id ) {
			// WooCommerce creates every webhook pending its first delivery (the ping).
			$row['pending_delivery'] = 1;
			$row['date_created']     = $row['date_modified'];
			$row['date_created_gmt'] = $row['date_modified_gmt'];
			$wpdb->insert( $wpdb->prefix . 'wc_webhooks', $row );
			$this->id                       = (int) $wpdb->insert_id;
			$this->data['pending_delivery'] = true;
			do_action( 'woocommerce_new_webhook', $this->id, $this );
			return $this->id;
		}
		$before = $wpdb->get_var( $wpdb->prepare( "SELECT delivery_url FROM {$wpdb->prefix}wc_webhooks WHERE webhook_id = %d", $this->id ) );
		$wpdb->update( $wpdb->prefix . 'wc_webhooks', $row, array( 'webhook_id' => $this->id ) );
		// phpcs:enable
		if ( 'active' === $this->get_status() && ( $before !== $this->data['delivery_url'] || $this->get_pending_delivery() ) ) {
			$this->deliver_ping();
		}
		do_action( 'woocommerce_webhook_updated', $this->id );
		return $this->id;
	}

	/**
	 * Deletes the row (WC_Data::delete → the data store's delete).
	 *
	 * @param bool $force_delete Unused for webhooks, as in WooCommerce (they have no trash).
	 * @return bool
	 */
	public function delete( $force_delete = false ) {
		global $wpdb;
		if ( 0 === $this->id ) {
			return false;
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery
		$wpdb->delete( $wpdb->prefix . 'wc_webhooks', array( 'webhook_id' => $this->id ), array( '%d' ) );
		do_action( 'woocommerce_webhook_deleted', $this->id, $this );
		$this->id = 0;
		return true;
	}

	/**
	 * Hooks the webhook to its topic's actions (WC_Webhook::enqueue).
	 */
	public function enqueue() {
		if ( '' === $this->get_delivery_url() ) {
			return;
		}
		foreach ( $this->get_hooks() as $hook ) {
			add_action( $hook, array( $this, 'process' ) );
		}
	}

	/**
	 * Checks the webhook should deliver for this order, then schedules the delivery.
	 *
	 * @param mixed $arg The hook's first argument (the order id).
	 * @return mixed
	 */
	public function process( $arg ) {
		$order = 'order' === $this->get_resource() ? wc_get_order( absint( $arg ) ) : false;
		$ok    = 'active' === $this->get_status() && $order && ! in_array( $order->get_status(), array( 'checkout-draft', 'auto-draft', 'new' ), true )
			&& ! in_array( $arg, $this->processed, true );
		if ( ! apply_filters( 'woocommerce_webhook_should_deliver', $ok, $this, $arg ) ) {
			return $arg;
		}
		$this->processed[] = $arg;
		do_action( 'woocommerce_webhook_process_delivery', $this, $arg );
		return $arg;
	}

	/**
	 * The v3 payload (WooCommerce asks its REST API for /wc/v3/orders/<id>).
	 *
	 * @param mixed $arg Order id.
	 * @return array
	 */
	public function build_payload( $arg ) {
		$order   = wc_get_order( absint( $arg ) );
		$payload = $order ? $order->get_rest_data() : array( 'id' => $arg );
		return apply_filters( 'woocommerce_webhook_payload', $payload, $this->get_resource(), $arg, $this->id );
	}

	/**
	 * base64 of HMAC-SHA256 of the body with the secret (WC_Webhook::generate_signature).
	 *
	 * @param string $payload The body as sent.
	 * @return string
	 */
	public function generate_signature( $payload ) {
		$algo = apply_filters( 'woocommerce_webhook_hash_algorithm', 'sha256', $payload, $this->id );
		return base64_encode( hash_hmac( $algo, $payload, wp_specialchars_decode( $this->get_secret(), ENT_QUOTES ), true ) ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions
	}

	/**
	 * Delivers one payload with wp_safe_remote_request and counts the outcome.
	 *
	 * @param mixed $arg Order id.
	 */
	public function deliver( $arg ) {
		$args     = apply_filters(
			'woocommerce_webhook_http_args',
			array(
				'method'      => 'POST',
				'timeout'     => MINUTE_IN_SECONDS,
				'redirection' => 0,
				'httpversion' => '1.0',
				'blocking'    => true,
				'user-agent'  => sprintf( 'WooCommerce/%s Hookshot (WordPress/%s)', WC_VERSION, $GLOBALS['wp_version'] ),
				'body'        => trim( wp_json_encode( $this->build_payload( $arg ) ) ),
				'headers'     => array( 'Content-Type' => 'application/json' ),
				'cookies'     => array(),
			),
			$arg,
			$this->id
		);
		$delivery = wp_hash( $this->id . strtotime( 'now' ) );
		$args['headers']['X-WC-Webhook-Source']      = home_url( '/' );
		$args['headers']['X-WC-Webhook-Topic']       = $this->get_topic();
		$args['headers']['X-WC-Webhook-Resource']    = $this->get_resource();
		$args['headers']['X-WC-Webhook-Event']       = $this->get_event();
		$args['headers']['X-WC-Webhook-Signature']   = $this->generate_signature( $args['body'] );
		$args['headers']['X-WC-Webhook-ID']          = $this->id;
		$args['headers']['X-WC-Webhook-Delivery-ID'] = $delivery;
		$response = wp_safe_remote_request( $this->get_delivery_url(), $args );
		$code     = is_wp_error( $response ) ? 0 : (int) wp_remote_retrieve_response_code( $response );
		// WooCommerce counts 200–302 as delivered.
		if ( $code >= 200 && $code < 303 ) {
			$this->set_failure_count( 0 );
		} elseif ( $this->get_failure_count() > apply_filters( 'woocommerce_max_webhook_delivery_failures', 5 ) ) {
			$this->set_status( 'disabled' );
			do_action( 'woocommerce_webhook_disabled_due_delivery_failures', $this->id );
		} else {
			$this->set_failure_count( $this->get_failure_count() + 1 );
		}
		if ( 0 !== $this->id ) {
			$this->save();
		}
		do_action( 'woocommerce_webhook_delivery', $args, $response, 0, $arg, $this->id );
	}

	/**
	 * The ping: `webhook_id=N`, form-encoded, with wp_safe_remote_post; only a 200 counts.
	 *
	 * @return true|WP_Error
	 */
	public function deliver_ping() {
		$args     = apply_filters(
			'woocommerce_webhook_http_args',
			array(
				'user-agent' => sprintf( 'WooCommerce/%s Hookshot (WordPress/%s)', WC_VERSION, $GLOBALS['wp_version'] ),
				'body'       => 'webhook_id=' . $this->id,
			),
			null,
			$this->id
		);
		$response = wp_safe_remote_post( $this->get_delivery_url(), $args );
		if ( is_wp_error( $response ) ) {
			return new WP_Error( 'error', sprintf( 'Error: Delivery URL cannot be reached: %s', $response->get_error_message() ) );
		}
		$code = (int) wp_remote_retrieve_response_code( $response );
		if ( 200 !== $code ) {
			return new WP_Error( 'error', sprintf( 'Error: Delivery URL returned response code: %s', absint( $code ) ) );
		}
		$this->set_pending_delivery( false );
		$this->save();
		return true;
	}
}

/**
 * wc_get_webhook(): the webhook, or null.
 *
 * @param int|WC_Webhook $id Id.
 * @return WC_Webhook|null
 */
function wc_get_webhook( $id ) {
	$webhook = new WC_Webhook( $id );
	return 0 !== $webhook->get_id() ? $webhook : null;
}

/**
 * wc_load_webhooks(): enqueues the webhooks with this status.
 *
 * @param string $status active, paused or disabled.
 * @return bool Whether any was loaded.
 */
function wc_load_webhooks( $status = '' ) {
	global $wpdb;
	// phpcs:ignore WordPress.DB.DirectDatabaseQuery
	$ids = $wpdb->get_col( $wpdb->prepare( "SELECT webhook_id FROM {$wpdb->prefix}wc_webhooks WHERE status = %s OR %s = ''", $status, $status ) );
	foreach ( $ids as $id ) {
		( new WC_Webhook( (int) $id ) )->enqueue();
	}
	return ! empty( $ids );
}

// wc_webhook_process_delivery(): WooCommerce queues an async action; the stand-in delivers at
// the end of this request instead.
add_action(
	'woocommerce_webhook_process_delivery',
	static function ( $webhook, $arg ) {
		add_action(
			'shutdown',
			static function () use ( $webhook, $arg ) {
				$webhook->deliver( $arg );
			}
		);
	},
	10,
	2
);

// WooCommerce::load_webhooks() on init (after the tables exist).
add_action(
	'init',
	static function () {
		global $wpdb;
		if ( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->prefix . 'wc_webhooks' ) ) ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery
			wc_load_webhooks( 'active' );
		}
	}
);
