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
	 * How long an export's next step (which address, which Cartback cursor) waits for WordPress
	 * to ask for the next page.
	 */
	const PAGE_TTL = HOUR_IN_SECONDS;

	/**
	 * Exports one page of a person's Cartback data. WordPress calls it with page 1, 2, … until
	 * `done`. The person is asked for by email, then by each billing phone WooCommerce holds for that
	 * email (see people()); Cartback answers 50 carts a page with a `nextCursor`. Where the next page
	 * starts (which address, which cursor) is kept in a transient keyed by the email's hash and the
	 * page number.
	 *
	 * @param string $email The requester's email address.
	 * @param int    $page  Page number, from 1.
	 * @return array { data: array, done: bool }
	 */
	public static function export( $email, $page = 1 ) {
		$page   = max( 1, (int) $page );
		$people = self::people( $email );
		$step   = 1 === $page ? array( 'person' => 0, 'cursor' => null ) : get_transient( self::page_key( 'export', $email, $page ) );
		if ( ! is_array( $step ) || ! isset( $people[ (int) $step['person'] ] ) ) {
			wp_send_json_error( __( 'This Cartback export took too long between pages. Run the export again.', 'cartback' ) );
		}
		delete_transient( self::page_key( 'export', $email, $page ) );
		$person = (int) $step['person'];
		$body   = $people[ $person ];
		if ( is_string( $step['cursor'] ) && '' !== $step['cursor'] ) {
			$body['cursor'] = $step['cursor'];
		}
		$answer = self::call( 'export', $body );
		if ( is_wp_error( $answer ) ) {
			// A thrown-away export would look like "no data"; WordPress shows this message instead.
			wp_send_json_error( $answer->get_error_message() );
		}
		$data = self::export_items( $answer, $page );
		if ( isset( $answer['nextCursor'] ) && is_string( $answer['nextCursor'] ) && '' !== $answer['nextCursor'] ) {
			$next = array( 'person' => $person, 'cursor' => $answer['nextCursor'] );
		} elseif ( isset( $people[ $person + 1 ] ) ) {
			$next = array( 'person' => $person + 1, 'cursor' => null );
		} else {
			return array( 'data' => $data, 'done' => true );
		}
		set_transient( self::page_key( 'export', $email, $page + 1 ), $next, self::PAGE_TTL );
		return array( 'data' => $data, 'done' => false );
	}

	/**
	 * WordPress's export items for one Cartback answer; item ids carry the page, so items of two
	 * pages are never merged into one.
	 *
	 * @param array $answer Cartback's export answer.
	 * @param int   $page   The page number.
	 * @return array
	 */
	private static function export_items( array $answer, $page ) {
		$groups = array(
			'carts'        => __( 'Cartback: carts', 'cartback' ),
			'messages'     => __( 'Cartback: messages', 'cartback' ),
			'conversation' => __( 'Cartback: text conversation', 'cartback' ),
			'consent'      => __( 'Cartback: consent evidence', 'cartback' ),
		);
		$data   = array();
		foreach ( $groups as $key => $label ) {
			$rows = isset( $answer[ $key ] ) && is_array( $answer[ $key ] ) ? $answer[ $key ] : array();
			foreach ( array_values( $rows ) as $i => $row ) {
				$data[] = array(
					'group_id'    => 'cartback-' . $key,
					'group_label' => $label,
					'item_id'     => 'cartback-' . $key . '-' . $page . '-' . $i,
					'data'        => self::pairs( is_array( $row ) ? $row : array( 'value' => $row ) ),
				);
			}
		}
		if ( 1 === $page && isset( $answer['kept']['consent'] ) && is_string( $answer['kept']['consent'] ) ) {
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
		return $data;
	}

	/**
	 * Erases one page of a person's Cartback data; consent evidence is kept, as the law asks.
	 * Cartback erases at most 50 carts a call and says `done`; the person is erased by email, then
	 * by each billing phone WooCommerce holds for that email (see people()). The address a page
	 * starts with is kept in a transient keyed by the email's hash and the page number.
	 *
	 * @param string $email The requester's email address.
	 * @param int    $page  Page number, from 1.
	 * @return array { items_removed: bool, items_retained: bool, messages: string[], done: bool }
	 */
	public static function erase( $email, $page = 1 ) {
		$page    = max( 1, (int) $page );
		$people  = self::people( $email );
		$start   = 1 === $page ? 0 : get_transient( self::page_key( 'erase', $email, $page ) );
		$start   = false === $start ? 0 : (int) $start;
		$removed = false;
		$kept    = 0;
		$reason  = '';
		delete_transient( self::page_key( 'erase', $email, $page ) );
		for ( $i = $start; $i < count( $people ); $i++ ) {
			$answer = self::call( 'erase', $people[ $i ] );
			if ( is_wp_error( $answer ) ) {
				return array(
					'items_removed'  => $removed,
					'items_retained' => true,
					'messages'       => array( $answer->get_error_message() ),
					'done'           => true,
				);
			}
			$erased   = isset( $answer['erased'] ) && is_array( $answer['erased'] ) ? array_sum( array_map( 'intval', $answer['erased'] ) ) : 0;
			$removed  = $removed || $erased > 0;
			if ( empty( $answer['done'] ) ) {
				// More carts of this address: the next page starts with it again.
				set_transient( self::page_key( 'erase', $email, $page + 1 ), $i, self::PAGE_TTL );
				return array(
					'items_removed'  => $removed,
					'items_retained' => false,
					'messages'       => array(),
					'done'           => false,
				);
			}
			$kept  += isset( $answer['kept']['consent'] ) ? (int) $answer['kept']['consent'] : 0;
			$reason = isset( $answer['kept']['reason'] ) ? (string) $answer['kept']['reason'] : $reason;
		}
		$message = array();
		if ( $kept > 0 ) {
			/* translators: 1: number of records, 2: why they are kept. */
			$message[] = sprintf( __( 'Cartback kept %1$d consent record(s): %2$s', 'cartback' ), $kept, $reason );
		}
		return array(
			'items_removed'  => $removed,
			'items_retained' => $kept > 0,
			'messages'       => $message,
			'done'           => true,
		);
	}

	/**
	 * The addresses one privacy request covers, as Cartback request bodies: the email, then each
	 * distinct billing phone WooCommerce holds for it (the customer account with that email, and
	 * its latest 20 orders by billing email). WordPress asks by email, but a shopper's texts are
	 * filed under their phone in Cartback, and a cart may carry the phone alone.
	 *
	 * @param string $email The requester's email address.
	 * @return array[]
	 */
	private static function people( $email ) {
		$email  = sanitize_email( $email );
		$phones = array();
		$user   = get_user_by( 'email', $email );
		if ( $user && class_exists( 'WC_Customer' ) ) {
			$phones[] = ( new WC_Customer( $user->ID ) )->get_billing_phone();
		}
		if ( function_exists( 'wc_get_orders' ) ) {
			$orders = wc_get_orders(
				array(
					'billing_email' => $email,
					'limit'         => 20,
					'return'        => 'objects',
				)
			);
			foreach ( is_array( $orders ) ? $orders : array() as $order ) {
				$phones[] = $order->get_billing_phone();
			}
		}
		$people = array( array( 'email' => $email ) );
		$seen   = array();
		foreach ( $phones as $phone ) {
			$phone = sanitize_text_field( (string) $phone );
			// Distinct by digits: "(415) 555-2671" and "415-555-2671" are one number.
			$digits = preg_replace( '/\D+/', '', $phone );
			if ( '' === $digits || isset( $seen[ $digits ] ) ) {
				continue;
			}
			$seen[ $digits ] = true;
			$people[]        = array( 'phone' => $phone );
		}
		return $people;
	}

	/**
	 * The transient that holds where a request's page starts: per email (hashed) and page.
	 *
	 * @param string $what  'export' or 'erase'.
	 * @param string $email The email address.
	 * @param int    $page  The page number.
	 * @return string
	 */
	private static function page_key( $what, $email, $page ) {
		return 'cartback_' . $what . '_' . md5( strtolower( sanitize_email( $email ) ) ) . '_' . (int) $page;
	}

	/**
	 * Calls a privacy endpoint for one address.
	 *
	 * @param string $what 'export' or 'erase'.
	 * @param array  $body { email } or { phone }, and an export's cursor.
	 * @return array|WP_Error
	 */
	private static function call( $what, array $body ) {
		if ( ! Cartback_Options::connected() ) {
			return new WP_Error( 'cartback_not_connected', __( 'Cartback is not connected, so its data could not be reached. Connect the plugin and run the request again.', 'cartback' ) );
		}
		$store  = rawurlencode( (string) get_option( Cartback_Options::STORE_ID, '' ) );
		$answer = Cartback_Client::request( 'POST', '/api/v1/stores/' . $store . '/privacy/' . $what, $body );
		if ( isset( $body['phone'] ) && is_wp_error( $answer ) && 'cartback_http_400' === $answer->get_error_code() ) {
			// A billing phone Cartback cannot read as a number holds nothing there: nothing to do.
			return array(
				'done'       => true,
				'nextCursor' => null,
			);
		}
		return $answer;
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
