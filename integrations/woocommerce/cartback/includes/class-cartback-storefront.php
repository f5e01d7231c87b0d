<?php
/**
 * The storefront script, enqueued the WordPress way on every front-end page.
 *
 * @package Cartback
 */

defined( 'ABSPATH' ) || exit;

/**
 * Enqueues Cartback's script (async, in the footer) with its data attributes. wp_enqueue_scripts
 * runs for block and classic themes alike, so no theme file is edited.
 */
final class Cartback_Storefront {

	const HANDLE = 'cartback';

	/**
	 * Hooks the enqueue and the tag attributes.
	 */
	public static function register() {
		add_action( 'wp_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
		add_filter( 'script_loader_tag', array( __CLASS__, 'tag' ), 10, 2 );
	}

	/**
	 * Enqueues the script when the store is connected.
	 */
	public static function enqueue() {
		$src = (string) get_option( Cartback_Options::SCRIPT_URL, '' );
		if ( '' === $src || '' === (string) get_option( Cartback_Options::PUBLISHABLE, '' ) || ! Cartback_Options::is_on_cartback( $src ) ) {
			return;
		}
		// The script versions itself (its own cache busting), so no ?ver= is added.
		wp_enqueue_script(
			self::HANDLE,
			$src,
			array(),
			null, // phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion
			array(
				'in_footer' => true,
				'strategy'  => 'async',
			)
		);
	}

	/**
	 * Adds the data attributes (and `async` on WordPress before 6.3, which has no strategy).
	 *
	 * @param string $tag    The script tag WordPress built.
	 * @param string $handle The script handle.
	 * @return string
	 */
	public static function tag( $tag, $handle ) {
		if ( self::HANDLE !== $handle || false !== strpos( $tag, 'data-store=' ) ) {
			return $tag;
		}
		$attrs = sprintf(
			' data-store="%s" data-platform="woocommerce" data-consent-field="plugin"',
			esc_attr( (string) get_option( Cartback_Options::PUBLISHABLE, '' ) )
		);
		if ( function_exists( 'wc_get_checkout_url' ) ) {
			$attrs .= sprintf( ' data-checkout="%s"', esc_attr( wp_make_link_relative( wc_get_checkout_url() ) ) );
		}
		if ( ! preg_match( '/\sasync[\s=>]/', $tag ) ) {
			$attrs .= ' async';
		}
		return preg_replace( '/<script\b/', '<script' . $attrs, $tag, 1 );
	}
}
