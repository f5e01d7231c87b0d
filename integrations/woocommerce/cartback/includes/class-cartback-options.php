<?php
/**
 * The options this plugin keeps, and the one host it may contact.
 *
 * @package Cartback
 */

defined( 'ABSPATH' ) || exit;

/**
 * Option names (CONTRACT-13 "The plugin") and the Cartback URL every request is built from.
 */
final class Cartback_Options {

	const URL            = 'cartback_url';
	const STORE_ID       = 'cartback_store_id';
	const STORE_NAME     = 'cartback_store_name';
	const PUBLISHABLE    = 'cartback_publishable_key';
	const WEBHOOK_SECRET = 'cartback_webhook_secret';
	const API_TOKEN      = 'cartback_api_token';
	const CONSENT_TEXT   = 'cartback_consent_text';
	const WEBHOOK_IDS    = 'cartback_webhook_ids';
	const SCRIPT_URL     = 'cartback_script_url';
	const WC_AUTH_APP    = 'cartback_wc_auth_app';

	/**
	 * Every option this plugin writes (uninstall and disconnect remove them).
	 *
	 * @return string[]
	 */
	public static function all() {
		return array(
			self::URL,
			self::STORE_ID,
			self::STORE_NAME,
			self::PUBLISHABLE,
			self::WEBHOOK_SECRET,
			self::API_TOKEN,
			self::CONSENT_TEXT,
			self::WEBHOOK_IDS,
			self::SCRIPT_URL,
			self::WC_AUTH_APP,
		);
	}

	/**
	 * Deletes every option (uninstall).
	 */
	public static function delete_all() {
		foreach ( self::all() as $name ) {
			delete_option( $name );
		}
	}

	/**
	 * The merchant's Cartback URL without a trailing slash, or '' when not set.
	 *
	 * @return string
	 */
	public static function base_url() {
		return self::normalize_url( (string) get_option( self::URL, '' ) );
	}

	/**
	 * A Cartback URL as typed by the merchant, reduced to scheme://host[:port][/path] with no
	 * trailing slash; '' when it is not an https URL (http only for localhost, for development).
	 *
	 * @param string $url What the merchant typed.
	 * @return string
	 */
	public static function normalize_url( $url ) {
		$url   = trim( $url );
		$parts = wp_parse_url( $url );
		if ( ! is_array( $parts ) || empty( $parts['scheme'] ) || empty( $parts['host'] ) ) {
			return '';
		}
		$scheme = strtolower( $parts['scheme'] );
		$host   = strtolower( $parts['host'] );
		$local  = in_array( $host, array( 'localhost', '127.0.0.1', '[::1]' ), true );
		if ( 'https' !== $scheme && ! ( 'http' === $scheme && $local ) ) {
			return '';
		}
		if ( isset( $parts['user'] ) || isset( $parts['query'] ) || isset( $parts['fragment'] ) ) {
			return '';
		}
		$port = isset( $parts['port'] ) ? ':' . (int) $parts['port'] : '';
		$path = isset( $parts['path'] ) ? rtrim( $parts['path'], '/' ) : '';
		return $scheme . '://' . $host . $port . $path;
	}

	/**
	 * Whether a URL Cartback handed us is on the Cartback URL (same scheme, host and port), so
	 * nothing this plugin (or WooCommerce on its behalf) contacts is anywhere else.
	 *
	 * @param string      $url  A URL from a Cartback answer.
	 * @param string|null $base The Cartback URL to hold it to; the saved one by default.
	 * @return bool
	 */
	public static function is_on_cartback( $url, $base = null ) {
		$base = null === $base ? self::base_url() : self::normalize_url( (string) $base );
		if ( '' === $base || ! is_string( $url ) ) {
			return false;
		}
		return 0 === strpos( $url, $base . '/' );
	}

	/**
	 * Whether the store is connected (it has a store id and a plugin token).
	 *
	 * @return bool
	 */
	public static function connected() {
		return '' !== (string) get_option( self::STORE_ID, '' ) && '' !== (string) get_option( self::API_TOKEN, '' );
	}
}
