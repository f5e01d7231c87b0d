<?php
/**
 * The only outbound HTTP in this plugin: requests to the merchant's own Cartback URL.
 *
 * @package Cartback
 */

defined( 'ABSPATH' ) || exit;

/**
 * Calls Cartback's API and turns every failure into a sentence an admin can act on.
 */
final class Cartback_Client {

	/**
	 * Sends one JSON request to the Cartback URL.
	 *
	 * @param string     $method HTTP method.
	 * @param string     $path   Path under the Cartback URL, starting with '/'.
	 * @param array|null $body   JSON body, or null for none.
	 * @param bool       $auth   Whether to send the plugin's API token.
	 * @param string     $base   Cartback URL to use instead of the saved one (connect, before saving).
	 * @return array|WP_Error The decoded answer with its status as `status`, or a WP_Error whose
	 *                        message says what happened.
	 */
	public static function request( $method, $path, $body = null, $auth = true, $base = '' ) {
		$base = '' !== $base ? $base : Cartback_Options::base_url();
		if ( '' === $base ) {
			return new WP_Error( 'cartback_no_url', __( 'Enter your Cartback URL first (it starts with https://).', 'cartback' ) );
		}
		$headers = array( 'Accept' => 'application/json' );
		if ( null !== $body ) {
			$headers['Content-Type'] = 'application/json';
		}
		if ( $auth ) {
			$token = (string) get_option( Cartback_Options::API_TOKEN, '' );
			if ( '' === $token ) {
				return new WP_Error( 'cartback_not_connected', __( 'This store is not connected to Cartback yet. Paste a connect code below.', 'cartback' ) );
			}
			$headers['Authorization'] = 'Bearer ' . $token;
		}
		$response = wp_remote_request(
			$base . $path,
			array(
				'method'      => $method,
				'headers'     => $headers,
				'body'        => null === $body ? null : wp_json_encode( $body ),
				'timeout'     => 15,
				// A redirect could lead anywhere; Cartback never redirects its API.
				'redirection' => 0,
			)
		);
		return self::answer( $response, $base );
	}

	/**
	 * Reads a wp_remote_* response.
	 *
	 * @param array|WP_Error $response What wp_remote_request returned.
	 * @param string         $base     The Cartback URL (for messages).
	 * @return array|WP_Error
	 */
	private static function answer( $response, $base ) {
		if ( is_wp_error( $response ) ) {
			/* translators: 1: the Cartback URL, 2: the network error. */
			return new WP_Error( 'cartback_unreachable', sprintf( __( 'Could not reach Cartback at %1$s: %2$s. Check the URL and that this server can make outgoing HTTPS requests.', 'cartback' ), $base, $response->get_error_message() ) );
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$raw    = (string) wp_remote_retrieve_body( $response );
		$data   = '' === $raw ? array() : json_decode( $raw, true );
		if ( ! is_array( $data ) ) {
			/* translators: 1: the Cartback URL, 2: HTTP status code. */
			return new WP_Error( 'cartback_not_cartback', sprintf( __( '%1$s answered %2$d with something that is not Cartback. Check the Cartback URL.', 'cartback' ), $base, $status ) );
		}
		if ( $status >= 200 && $status < 300 ) {
			$data['status'] = $status;
			return $data;
		}
		$said = isset( $data['error']['message'] ) && is_string( $data['error']['message'] ) ? $data['error']['message'] : '';
		return new WP_Error( 'cartback_http_' . $status, self::refusal( $status, $said ), array( 'status' => $status ) );
	}

	/**
	 * Plain words for a refusal.
	 *
	 * @param int    $status HTTP status.
	 * @param string $said   Cartback's own message, if any.
	 * @return string
	 */
	private static function refusal( $status, $said ) {
		if ( 401 === $status || 403 === $status ) {
			return __( 'Cartback no longer accepts this site\'s token (it was revoked or the store was reconnected elsewhere). Issue a new connect code in the Cartback dashboard and connect again.', 'cartback' );
		}
		if ( 429 === $status ) {
			return __( 'Too many attempts. Wait a minute and try again.', 'cartback' );
		}
		if ( $status >= 500 ) {
			/* translators: %d: HTTP status code. */
			return sprintf( __( 'Cartback had a problem (HTTP %d). Try again in a few minutes.', 'cartback' ), $status );
		}
		/* translators: 1: HTTP status code, 2: Cartback's message. */
		return sprintf( __( 'Cartback refused the request (HTTP %1$d): %2$s', 'cartback' ), $status, '' !== $said ? $said : __( 'no reason given', 'cartback' ) );
	}
}
