<?php
/**
 * Plugin Name: WooCommerce (Cartback test stand-in)
 * Description: NOT WooCommerce. A small stand-in for the parts of WooCommerce the Cartback plugin
 *              uses, so that plugin can run in a real WordPress where WooCommerce cannot be
 *              installed (no WordPress.org here). Written from WooCommerce 11.0's source and
 *              documented hooks; each file says which classes, functions and hooks it follows.
 * Version:     11.0.0
 *
 * What it is not: no products, cart, payments, taxes or emails; orders are posts of type
 * shop_order with post meta; screens are plain HTML, not WooCommerce's. What Cartback's plugin
 * calls keeps WooCommerce's names, signatures, hook order and documented behaviour.
 *
 * @package Cartback\Tests
 */

defined( 'ABSPATH' ) || exit;

// WooCommerce defines its version as a constant (woocommerce.php → WC_VERSION).
define( 'WC_VERSION', '11.0.0' );
define( 'WC_STANDIN_DIR', __DIR__ );

require_once __DIR__ . '/includes/core.php';
