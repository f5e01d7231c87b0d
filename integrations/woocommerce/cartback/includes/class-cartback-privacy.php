<?php
/**
 * WordPress's privacy tools: export and erase a shopper's Cartback data, and policy text.
 *
 * @package Cartback
 */

defined( 'ABSPATH' ) || exit;

/**
 * A personal-data exporter and eraser backed by Cartback's privacy endpoints (CONTRACT-13).
 */
final class Cartback_Privacy {

	/**
	 * Hooks the exporter, the eraser and the policy text.
	 */
	public static function register() {
		add_filter( 'wp_privacy_personal_data_exporters', array( __CLASS__, 'exporters' ) );
		add_filter( 'wp_privacy_personal_data_erasers', array( __CLASS__, 'erasers' ) );
		add_action( 'admin_init', array( __CLASS__, 'policy' ) );
	}

	/**
	 * Registers the exporter.
	 *
	 * @param array $exporters Registered exporters.
	 * @return array
	 */
	public static function exporters( $exporters ) {
		$exporters['cartback'] = array(
			'exporter_friendly_name' => __( 'Cartback (abandoned carts, messages, SMS consent)', 'cartback' ),
			'callback'               => array( __CLASS__, 'export' ),
		);
		return $exporters;
	}

	/**
	 * Registers the eraser.
	 *
	 * @param array $erasers Registered erasers.
	 * @return array
	 */
	public static function erasers( $erasers ) {
		$erasers['cartback'] = array(
			'eraser_friendly_name' => __( 'Cartback (abandoned carts, messages, conversation)', 'cartback' ),
			'callback'             => array( __CLASS__, 'erase' ),
		);
		return $erasers;
	}

	/**
	 * Exports one person's Cartback data, one page for all of it.
	 *
	 * @param string $email The requester's email address.
	 * @param int    $page  Page number (Cartback answers in one page).
	 * @return array { data: array, done: bool }
	 */
	public static function export( $email, $page = 1 ) {
		unset( $page );
		$answer = self::call( 'export', $email );
		if ( is_wp_error( $answer ) ) {
			// A thrown-away export would look like "no data"; WordPress shows this message instead.
			wp_send_json_error( $answer->get_error_message() );
		}
		$groups = array(
			'carts'        => __( 'Cartback: carts', 'cartback' ),
			'messages'     => __( 'Cartback: messages', 'cartback' ),
			'conversation' => __( 'Cartback: text conversation', 'cartback' ),
			'consent'      => __( 'Cartback: consent evidence', 'cartback' ),
		);
		$data = array();
		foreach ( $groups as $key => $label ) {
			$rows = isset( $answer[ $key ] ) && is_array( $answer[ $key ] ) ? $answer[ $key ] : array();
			foreach ( array_values( $rows ) as $i => $row ) {
				$data[] = array(
					'group_id'    => 'cartback-' . $key,
					'group_label' => $label,
					'item_id'     => 'cartback-' . $key . '-' . $i,
					'data'        => self::pairs( is_array( $row ) ? $row : array( 'value' => $row ) ),
				);
			}
		}
		if ( isset( $answer['kept']['consent'] ) && is_string( $answer['kept']['consent'] ) ) {
			$data[] = array(
				'group_id'    => 'cartback-kept',
				'group_label' => __( 'Cartback: kept after erasure', 'cartback' ),
				'item_id'     => 'cartback-kept',
				'data'        => array(
					array(
						'name'  => __( 'Consent evidence', 'cartback' ),
						'value' => $answer['kept']['consent'],
					),
				),
			);
		}
		return array(
			'data' => $data,
			'done' => true,
		);
	}

	/**
	 * Erases one person's Cartback data; consent evidence is kept, as the law asks.
	 *
	 * @param string $email The requester's email address.
	 * @param int    $page  Page number (Cartback erases in one call).
	 * @return array { items_removed: bool, items_retained: bool, messages: string[], done: bool }
	 */
	public static function erase( $email, $page = 1 ) {
		unset( $page );
		$answer = self::call( 'erase', $email );
		if ( is_wp_error( $answer ) ) {
			return array(
				'items_removed'  => false,
				'items_retained' => true,
				'messages'       => array( $answer->get_error_message() ),
				'done'           => true,
			);
		}
		$erased  = isset( $answer['erased'] ) && is_array( $answer['erased'] ) ? array_sum( array_map( 'intval', $answer['erased'] ) ) : 0;
		$kept    = isset( $answer['kept']['consent'] ) ? (int) $answer['kept']['consent'] : 0;
		$message = array();
		if ( $kept > 0 ) {
			$reason = isset( $answer['kept']['reason'] ) ? (string) $answer['kept']['reason'] : '';
			/* translators: 1: number of records, 2: why they are kept. */
			$message[] = sprintf( __( 'Cartback kept %1$d consent record(s): %2$s', 'cartback' ), $kept, $reason );
		}
		return array(
			'items_removed'  => $erased > 0,
			'items_retained' => $kept > 0,
			'messages'       => $message,
			'done'           => true,
		);
	}

	/**
	 * Calls a privacy endpoint for one email address.
	 *
	 * @param string $what  'export' or 'erase'.
	 * @param string $email The email address.
	 * @return array|WP_Error
	 */
	private static function call( $what, $email ) {
		if ( ! Cartback_Options::connected() ) {
			return new WP_Error( 'cartback_not_connected', __( 'Cartback is not connected, so its data could not be reached. Connect the plugin and run the request again.', 'cartback' ) );
		}
		$store = rawurlencode( (string) get_option( Cartback_Options::STORE_ID, '' ) );
		return Cartback_Client::request( 'POST', '/api/v1/stores/' . $store . '/privacy/' . $what, array( 'email' => sanitize_email( $email ) ) );
	}

	/**
	 * Flattens one record into WordPress's name/value pairs.
	 *
	 * @param array $row A record from Cartback.
	 * @return array
	 */
	private static function pairs( array $row ) {
		$pairs = array();
		foreach ( $row as $name => $value ) {
			$pairs[] = array(
				'name'  => (string) $name,
				'value' => is_scalar( $value ) || null === $value ? (string) $value : wp_json_encode( $value ),
			);
		}
		return $pairs;
	}

	/**
	 * Suggests text for the site's privacy policy.
	 */
	public static function policy() {
		if ( ! function_exists( 'wp_add_privacy_policy_content' ) ) {
			return;
		}
		$text  = '<p>' . esc_html__( 'This store uses Cartback to remind shoppers of carts they left. While you shop, a script records your cart and the contact details you type at checkout (email, phone, name), and the page, time, IP address and browser when you tick the SMS consent box.', 'cartback' ) . '</p>';
		$text .= '<p>' . esc_html__( 'Cartback uses them to send you reminders by email or, with your consent, by text message, and to link your order to your cart. Reply STOP to any text or use the unsubscribe link in any email to stop them.', 'cartback' ) . '</p>';
		$text .= '<p>' . esc_html__( 'When you ask for your data to be erased, your carts, messages and conversation are deleted; the record of your SMS consent is kept as proof of consent, as the law requires.', 'cartback' ) . '</p>';
		wp_add_privacy_policy_content( 'Cartback', wp_kses_post( $text ) );
	}
}
