<?php
/**
 * The two WooCommerce tables the Cartback plugin's code touches, created on activation as
 * WooCommerce 11.0's WC_Install::create_tables() creates them (dbDelta of
 * WC_Install::get_schema(), same columns, types and keys): `{$wpdb->prefix}woocommerce_api_keys`
 * (REST keys, written by WC_Auth) and `{$wpdb->prefix}wc_webhooks` (WC_Webhook_Data_Store).
 * WooCommerce's other tables are not created.
 *
 * @package Cartback\Tests
 */

defined( 'ABSPATH' ) || exit;

/**
 * WC_Install, for these two tables only.
 */
class WC_Install {

	/**
	 * Creates or updates the tables with dbDelta.
	 */
	public static function create_tables() {
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		$collate = $wpdb->has_cap( 'collation' ) ? $wpdb->get_charset_collate() : '';
		dbDelta(
			"CREATE TABLE {$wpdb->prefix}woocommerce_api_keys (
  key_id BIGINT UNSIGNED NOT NULL auto_increment,
  user_id BIGINT UNSIGNED NOT NULL,
  description varchar(200) NULL,
  permissions varchar(10) NOT NULL,
  consumer_key char(64) NOT NULL,
  consumer_secret char(43) NOT NULL,
  nonces longtext NULL,
  truncated_key char(7) NOT NULL,
  last_access datetime NULL default null,
  PRIMARY KEY  (key_id),
  KEY consumer_key (consumer_key),
  KEY consumer_secret (consumer_secret)
) $collate;
CREATE TABLE {$wpdb->prefix}wc_webhooks (
  webhook_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  status varchar(200) NOT NULL,
  name text NOT NULL,
  user_id BIGINT UNSIGNED NOT NULL,
  delivery_url text NOT NULL,
  secret text NOT NULL,
  topic varchar(200) NOT NULL,
  date_created datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  date_created_gmt datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  date_modified datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  date_modified_gmt datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  api_version smallint(4) NOT NULL,
  failure_count smallint(10) NOT NULL DEFAULT '0',
  pending_delivery tinyint(1) NOT NULL DEFAULT '0',
  PRIMARY KEY  (webhook_id),
  KEY user_id (user_id)
) $collate;"
		);
	}
}

register_activation_hook( WC_STANDIN_DIR . '/woocommerce.php', array( 'WC_Install', 'create_tables' ) );
