<?php
/**
 * The bootstrap, features and settings parts of the stand-in. Follows WooCommerce 11.0:
 * `WooCommerce` / `WC()`, the `before_woocommerce_init` and `woocommerce_init` actions (fired on
 * `init`, in that order, as `WooCommerce::init()` does), `FeaturesUtil::declare_compatibility()`,
 * `get_woocommerce_currency()` (option `woocommerce_currency`), `wc_get_checkout_url()` (the page
 * in option `woocommerce_checkout_page_id`) and the top-level "WooCommerce" admin menu (slug
 * `woocommerce`) other plugins add their screens under.
 *
 * @package Cartback\Tests
 */

namespace Automattic\WooCommerce\Utilities {
	/**
	 * WooCommerce's FeaturesUtil: plugins declare which features they are compatible with.
	 */
	class FeaturesUtil {
		/**
		 * Records a plugin's declaration, as FeaturesController::declare_compatibility does; like
		 * WooCommerce, a declaration outside `before_woocommerce_init` is refused.
		 *
		 * @param string $feature_id  e.g. custom_order_tables, cart_checkout_blocks.
		 * @param string $plugin_file The plugin's main file.
		 * @param bool   $positive_compatibility Compatible or not.
		 * @return bool
		 */
		public static function declare_compatibility( $feature_id, $plugin_file, $positive_compatibility = true ) {
			if ( ! doing_action( 'before_woocommerce_init' ) ) {
				wc_doing_it_wrong( __METHOD__, 'declare_compatibility should be called inside the before_woocommerce_init action.', '7.0' );
				return false;
			}
			$GLOBALS['wc_standin_features'][ $feature_id ][ plugin_basename( $plugin_file ) ] = (bool) $positive_compatibility;
			return true;
		}

		/**
		 * What was declared (a stand-in helper for the tests; not WooCommerce API).
		 *
		 * @return array
		 */
		public static function declarations() {
			return $GLOBALS['wc_standin_features'] ?? array();
		}
	}
}

namespace {
	defined( 'ABSPATH' ) || exit;

	/**
	 * The main class; `WC()` returns its one instance.
	 */
	final class WooCommerce {
		/**
		 * The version (WooCommerce::$version).
		 *
		 * @var string
		 */
		public $version = WC_VERSION;

		/**
		 * The instance.
		 *
		 * @var WooCommerce|null
		 */
		private static $instance = null;

		/**
		 * WooCommerce::instance().
		 *
		 * @return WooCommerce
		 */
		public static function instance() {
			if ( null === self::$instance ) {
				self::$instance = new self();
			}
			return self::$instance;
		}
	}

	/**
	 * WC().
	 *
	 * @return WooCommerce
	 */
	function WC() { // phpcs:ignore WordPress.NamingConventions.ValidFunctionName
		return WooCommerce::instance();
	}

	/**
	 * wc_doing_it_wrong(): _doing_it_wrong with WooCommerce's wording.
	 *
	 * @param string $function Function.
	 * @param string $message  Message.
	 * @param string $version  Version.
	 */
	function wc_doing_it_wrong( $function, $message, $version ) {
		_doing_it_wrong( $function, $message, $version ); // phpcs:ignore
	}

	/**
	 * get_woocommerce_currency(): the store's currency code.
	 *
	 * @return string
	 */
	function get_woocommerce_currency() {
		return apply_filters( 'woocommerce_currency', get_option( 'woocommerce_currency', 'USD' ) );
	}

	/**
	 * wc_get_page_id(): a WooCommerce page by name (option woocommerce_<page>_page_id).
	 *
	 * @param string $page e.g. checkout.
	 * @return int
	 */
	function wc_get_page_id( $page ) {
		return (int) apply_filters( 'woocommerce_get_' . $page . '_page_id', get_option( 'woocommerce_' . $page . '_page_id' ) );
	}

	/**
	 * wc_get_checkout_url().
	 *
	 * @return string
	 */
	function wc_get_checkout_url() {
		$id = wc_get_page_id( 'checkout' );
		return apply_filters( 'woocommerce_get_checkout_url', $id > 0 ? get_permalink( $id ) : home_url( '/' ) );
	}

	// WooCommerce::init_hooks(): before_woocommerce_init, then woocommerce_init, both on `init`.
	add_action(
		'init',
		static function () {
			do_action( 'before_woocommerce_init' );
			do_action( 'woocommerce_init' );
		},
		0
	);

	// The top-level menu WC_Admin_Menus::admin_menu() adds; other plugins add submenus to it.
	add_action(
		'admin_menu',
		static function () {
			add_menu_page( 'WooCommerce', 'WooCommerce', 'edit_others_shop_orders', 'woocommerce', '__return_null', 'dashicons-cart', 55 );
		},
		9
	);

	// WC_Install::create_roles(): the shop manager capabilities, given to administrators too.
	register_activation_hook(
		WC_STANDIN_DIR . '/woocommerce.php',
		static function () {
			$admin = get_role( 'administrator' );
			foreach ( array( 'manage_woocommerce', 'edit_others_shop_orders', 'view_woocommerce_reports' ) as $cap ) {
				$admin->add_cap( $cap );
			}
			update_option( 'woocommerce_currency', 'USD' );
			$checkout = wp_insert_post(
				array(
					'post_type'    => 'page',
					'post_status'  => 'publish',
					'post_title'   => 'Checkout',
					'post_name'    => 'checkout',
					'post_content' => '<!-- wp:shortcode -->[woocommerce_checkout]<!-- /wp:shortcode -->',
				)
			);
			update_option( 'woocommerce_checkout_page_id', $checkout );
		}
	);

	foreach ( glob( WC_STANDIN_DIR . '/includes/class-*.php' ) ?: array() as $wc_standin_file ) {
		require_once $wc_standin_file;
	}
}
