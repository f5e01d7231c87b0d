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
		return $ids;
	}

	/**
	 * Deletes the webhooks this plugin created (and only those).
	 */
	public static function remove() {
		$ids = get_option( Cartback_Options::WEBHOOK_IDS, array() );
		if ( is_array( $ids ) && function_exists( 'wc_get_webhook' ) ) {
			foreach ( $ids as $id ) {
				$webhook = wc_get_webhook( (int) $id );
				if ( $webhook ) {
					$webhook->delete( true );
				}
			}
		}
		update_option( Cartback_Options::WEBHOOK_IDS, array(), false );
	}
}
