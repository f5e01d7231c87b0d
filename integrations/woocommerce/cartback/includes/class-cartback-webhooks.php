<?php
/**
 * Creates and removes the store's order webhooks with WooCommerce's own WC_Webhook.
 *
 * @package Cartback
 */

defined( 'ABSPATH' ) || exit;

/**
 * The Order created and Order updated webhooks (REST API v3, signed with the store's secret).
 */
final class Cartback_Webhooks {

	const TOPICS = array( 'order.created', 'order.updated' );

	/**
	 * What WooCommerce posts to Cartback, under the Cartback URL: the order webhooks and the
	 * app authorization's key callback.
	 */
	const PATHS = array( '/webhooks/woocommerce/', '/v1/connect/wc-auth/' );

	/**
	 * WooCommerce posts webhooks and the app authorization's keys with wp_safe_remote_*, which
	 * WordPress sends only to ports 80, 443 and 8080 and never to a loopback or private address
	 * of another host. A Cartback on another port or on this machine (a local Cartback, the near
	 * end of a tunnel) is still the URL the merchant typed: let those posts through to it, and
	 * nothing else.
	 */
	public static function register() {
		add_filter( 'http_allowed_safe_ports', array( __CLASS__, 'allow_port' ), 10, 3 );
		add_filter( 'http_request_host_is_external', array( __CLASS__, 'allow_host' ), 10, 3 );
	}

	/**
	 * Adds the Cartback URL's port for a post to Cartback.
	 *
	 * @param int[]  $ports The allowed ports.
	 * @param string $host  The host asked for.
	 * @param string $url   The URL asked for.
	 * @return int[]
	 */
	public static function allow_port( $ports, $host, $url ) {
		$port = self::to_cartback( $url ) ? wp_parse_url( $url, PHP_URL_PORT ) : null;
		if ( $port && is_array( $ports ) ) {
			$ports[] = (int) $port;
		}
		return $ports;
	}

	/**
	 * Treats the Cartback host as reachable for a post to Cartback.
	 *
	 * @param bool   $external Whether WordPress already allows it.
	 * @param string $host     The host asked for.
	 * @param string $url      The URL asked for.
	 * @return bool
	 */
	public static function allow_host( $external, $host, $url ) {
		return $external || self::to_cartback( $url );
	}

	/**
	 * Whether a URL is one of Cartback's endpoints WooCommerce posts to.
	 *
	 * @param string $url A URL.
	 * @return bool
	 */
	private static function to_cartback( $url ) {
		$base = Cartback_Options::base_url();
		if ( '' === $base || ! is_string( $url ) ) {
			return false;
		}
		foreach ( self::PATHS as $path ) {
			if ( 0 === strpos( $url, $base . $path ) ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Creates both webhooks, replacing any this plugin made before.
	 *
	 * @param string $delivery_url Cartback's webhook URL for this store.
	 * @param string $secret       The store's webhook secret.
	 * @return int[]|WP_Error The new webhook ids.
	 */
	public static function create( $delivery_url, $secret ) {
		if ( ! class_exists( 'WC_Webhook' ) ) {
			return new WP_Error( 'cartback_no_wc', __( 'WooCommerce is not active, so the order webhooks could not be created. Activate WooCommerce and connect again.', 'cartback' ) );
		}
		self::remove();
		$ids = array();
		foreach ( self::TOPICS as $topic ) {
			try {
				$webhook = new WC_Webhook();
				/* translators: %s: webhook topic, e.g. order.created. */
				$webhook->set_name( sprintf( __( 'Cartback: %s', 'cartback' ), $topic ) );
				$webhook->set_user_id( get_current_user_id() );
				$webhook->set_topic( $topic );
				$webhook->set_delivery_url( $delivery_url );
				$webhook->set_secret( $secret );
				$webhook->set_api_version( 'wp_api_v3' );
				$webhook->set_status( 'active' );
				$id = (int) $webhook->save();
			} catch ( Exception $e ) {
				$id = 0;
			}
			if ( $id <= 0 ) {
				update_option( Cartback_Options::WEBHOOK_IDS, $ids, false );
				self::remove();
				/* translators: %s: webhook topic. */
				return new WP_Error( 'cartback_webhook', sprintf( __( 'WooCommerce did not save the %s webhook. Check WooCommerce → Settings → Advanced → Webhooks, then connect again.', 'cartback' ), $topic ) );
			}
			$ids[] = $id;
		}
		update_option( Cartback_Options::WEBHOOK_IDS, $ids, false );
		// WooCommerce's REST API pings a webhook it creates; so does this, and a ping Cartback
		// does not answer means no order would reach it either.
		$ping = wc_get_webhook( $ids[0] )->deliver_ping();
		if ( is_wp_error( $ping ) ) {
			self::remove();
			/* translators: 1: the webhook URL, 2: WooCommerce's error. */
			return new WP_Error( 'cartback_ping', sprintf( __( 'WooCommerce could not deliver a test webhook to %1$s (%2$s), so no webhooks were kept. Check that this server can reach your Cartback URL.', 'cartback' ), $delivery_url, $ping->get_error_message() ) );
		}
		return $ids;
	}

	/**
	 * How WooCommerce says each of this plugin's webhooks is doing, in plain words.
	 *
	 * @return array<int, array{topic: string, ok: bool, says: string}> One entry per webhook.
	 */
	public static function health() {
		$ids = get_option( Cartback_Options::WEBHOOK_IDS, array() );
		$out = array();
		foreach ( is_array( $ids ) ? $ids : array() as $id ) {
			$webhook = function_exists( 'wc_get_webhook' ) ? wc_get_webhook( (int) $id ) : null;
			if ( ! $webhook ) {
				/* translators: %d: webhook id. */
				$out[] = array( 'topic' => '#' . (int) $id, 'ok' => false, 'says' => sprintf( __( 'Webhook %d is gone from WooCommerce. Connect again to create it.', 'cartback' ), (int) $id ) );
				continue;
			}
			$failures = (int) $webhook->get_failure_count();
			$status   = $webhook->get_status();
			if ( 'disabled' === $status ) {
				$says = __( 'WooCommerce turned it off after repeated failed deliveries. Check that Cartback is reachable, then connect again.', 'cartback' );
			} elseif ( 'active' !== $status ) {
				$says = __( 'Paused in WooCommerce → Settings → Advanced → Webhooks: orders are not sent.', 'cartback' );
			} elseif ( $failures > 0 ) {
				/* translators: %d: number of failed deliveries. */
				$says = sprintf( _n( 'The last delivery failed (%d in a row). WooCommerce turns a webhook off after repeated failures.', 'The last %d deliveries failed. WooCommerce turns the webhook off after repeated failures.', $failures, 'cartback' ), $failures );
			} else {
				$says = __( 'Delivering', 'cartback' );
			}
			$out[] = array( 'topic' => $webhook->get_topic(), 'ok' => 'active' === $status && 0 === $failures, 'says' => $says );
		}
		return $out;
	}

	/**
	 * Deletes the webhooks this plugin created (and only those).
	 */
	public static function remove() {
		global $wpdb;
		$ids = get_option( Cartback_Options::WEBHOOK_IDS, array() );
		foreach ( is_array( $ids ) ? $ids : array() as $id ) {
			$webhook = function_exists( 'wc_get_webhook' ) ? wc_get_webhook( (int) $id ) : null;
			if ( $webhook ) {
				$webhook->delete( true );
			} elseif ( ! function_exists( 'wc_get_webhook' ) ) {
				// WooCommerce is inactive (uninstall): its table is still there, and so are the rows.
				$wpdb->delete( $wpdb->prefix . 'wc_webhooks', array( 'webhook_id' => (int) $id ), array( '%d' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
			}
		}
		update_option( Cartback_Options::WEBHOOK_IDS, array(), false );
	}
}
