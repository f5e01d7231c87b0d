<?php
/**
 * Plugin Name:          Cartback for WooCommerce
 * Description:          Connects a WooCommerce store to its Cartback: storefront script, order webhooks, cart ids on orders, SMS consent at checkout and privacy tools.
 * Version:              0.1.0
 * Requires at least:    6.1
 * Requires PHP:         7.4
 * Requires Plugins:     woocommerce
 * WC requires at least: 9.0
 * WC tested up to:      11.0
 * License:              GPL-2.0-or-later
 * License URI:          https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:          cartback
 * Domain Path:          /languages
 *
 * @package Cartback
 */

defined( 'ABSPATH' ) || exit;

define( 'CARTBACK_VERSION', '0.1.0' );
define( 'CARTBACK_FILE', __FILE__ );

require_once __DIR__ . '/includes/class-cartback-options.php';
require_once __DIR__ . '/includes/class-cartback-client.php';
require_once __DIR__ . '/includes/class-cartback-webhooks.php';
require_once __DIR__ . '/includes/class-cartback-connect.php';
require_once __DIR__ . '/includes/class-cartback-storefront.php';
require_once __DIR__ . '/includes/class-cartback-checkout.php';
require_once __DIR__ . '/includes/class-cartback-privacy.php';
require_once __DIR__ . '/includes/class-cartback-admin.php';

// WooCommerce reads these declarations before it initialises; they name the main file.
add_action(
	'before_woocommerce_init',
	static function () {
		if ( class_exists( \Automattic\WooCommerce\Utilities\FeaturesUtil::class ) ) {
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', CARTBACK_FILE, true );
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'cart_checkout_blocks', CARTBACK_FILE, true );
		}
	}
);

add_action(
	'init',
	static function () {
		load_plugin_textdomain( 'cartback', false, dirname( plugin_basename( CARTBACK_FILE ) ) . '/languages' );
	}
);

Cartback_Webhooks::register();
Cartback_Storefront::register();
Cartback_Checkout::register();
Cartback_Privacy::register();
if ( is_admin() ) {
	Cartback_Admin::register();
}
