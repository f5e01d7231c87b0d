<?php
/**
 * The settings screen under WooCommerce: connect, status, test event, disconnect.
 *
 * @package Cartback
 */

defined( 'ABSPATH' ) || exit;

/**
 * Every action posts to admin-post.php with its own nonce and needs manage_woocommerce; every
 * outcome comes back as an admin notice in plain words.
 */
final class Cartback_Admin {

	const PAGE = 'cartback';
	const CAP  = 'manage_woocommerce';

	/**
	 * Hooks the menu, the setting, the actions and the notices.
	 */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'menu' ) );
		add_action( 'admin_init', array( __CLASS__, 'settings' ) );
		add_action( 'admin_post_cartback_connect', array( __CLASS__, 'handle_connect' ) );
		add_action( 'admin_post_cartback_disconnect', array( __CLASS__, 'handle_disconnect' ) );
		add_action( 'admin_post_cartback_test_event', array( __CLASS__, 'handle_test_event' ) );
		add_action( 'admin_notices', array( __CLASS__, 'notices' ) );
	}

	/**
	 * WooCommerce → Cartback.
	 */
	public static function menu() {
		add_submenu_page( 'woocommerce', __( 'Cartback', 'cartback' ), __( 'Cartback', 'cartback' ), self::CAP, self::PAGE, array( __CLASS__, 'render' ) );
	}

	/**
	 * Registers the Cartback URL with the Settings API, so every write to it is sanitised.
	 */
	public static function settings() {
		register_setting(
			'cartback',
			Cartback_Options::URL,
			array(
				'type'              => 'string',
				'sanitize_callback' => array( 'Cartback_Options', 'normalize_url' ),
				'default'           => '',
			)
		);
	}

	/**
	 * The settings page URL.
	 *
	 * @param array $args Extra query arguments.
	 * @return string
	 */
	public static function page_url( array $args = array() ) {
		return add_query_arg( array_merge( array( 'page' => self::PAGE ), $args ), admin_url( 'admin.php' ) );
	}

	/**
	 * Connect: exchange the code, create the webhooks, then go to WooCommerce's app authorization.
	 */
	public static function handle_connect() {
		self::guard( 'cartback_connect' );
		$url  = isset( $_POST['cartback_url'] ) ? sanitize_text_field( wp_unslash( $_POST['cartback_url'] ) ) : '';
		$code = isset( $_POST['cartback_code'] ) ? sanitize_text_field( wp_unslash( $_POST['cartback_code'] ) ) : '';
		$auth = Cartback_Connect::connect( $url, trim( $code ) );
		if ( is_wp_error( $auth ) ) {
			self::done( 'error', $auth->get_error_message() );
		}
		$back = self::page_url( array( 'cartback_wc_auth' => 1 ) );
		self::notice( 'success', __( 'Connected: the script is on your storefront and the order webhooks are registered. Now approve Cartback on the next screen so it can create coupons.', 'cartback' ) );
		// The authorization screen is on this site (home_url), so a safe redirect allows it.
		wp_safe_redirect( Cartback_Connect::authorize_url( $auth, $back ) );
		exit;
	}

	/**
	 * Disconnect.
	 */
	public static function handle_disconnect() {
		self::guard( 'cartback_disconnect' );
		$result = Cartback_Connect::disconnect();
		if ( is_wp_error( $result ) ) {
			self::done( 'warning', $result->get_error_message() );
		}
		self::done( 'success', __( 'Disconnected: the script, the webhooks and Cartback\'s REST keys are removed from this site, and Cartback forgot the keys.', 'cartback' ) );
	}

	/**
	 * Send a test event.
	 */
	public static function handle_test_event() {
		self::guard( 'cartback_test_event' );
		$store  = rawurlencode( (string) get_option( Cartback_Options::STORE_ID, '' ) );
		$answer = Cartback_Client::request( 'POST', '/api/v1/stores/' . $store . '/test-event', array() );
		if ( is_wp_error( $answer ) ) {
			self::done( 'error', $answer->get_error_message() );
		}
		self::done( 'success', __( 'Cartback received the test event. It shows as the store\'s last event below.', 'cartback' ) );
	}

	/**
	 * Capability and nonce for one action; stops the request otherwise.
	 *
	 * @param string $action The action (and nonce) name.
	 */
	private static function guard( $action ) {
		if ( ! current_user_can( self::CAP ) ) {
			wp_die( esc_html__( 'You need the "Manage WooCommerce" capability to change Cartback\'s connection.', 'cartback' ), 403 );
		}
		check_admin_referer( $action );
	}

	/**
	 * Stores a notice for the current admin's next page.
	 *
	 * @param string $type    success, warning or error.
	 * @param string $message Plain words.
	 */
	private static function notice( $type, $message ) {
		set_transient( 'cartback_notice_' . get_current_user_id(), array( $type, $message ), 5 * MINUTE_IN_SECONDS );
	}

	/**
	 * Stores a notice and returns to the settings page.
	 *
	 * @param string $type    success, warning or error.
	 * @param string $message Plain words.
	 */
	private static function done( $type, $message ) {
		self::notice( $type, $message );
		wp_safe_redirect( self::page_url() );
		exit;
	}

	/**
	 * Prints the pending notice, and the outcome of WooCommerce's app authorization.
	 */
	public static function notices() {
		if ( ! current_user_can( self::CAP ) ) {
			return;
		}
		$key    = 'cartback_notice_' . get_current_user_id();
		$notice = get_transient( $key );
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- WooCommerce's return link carries no nonce; it only picks a message.
		if ( isset( $_GET['cartback_wc_auth'], $_GET['success'] ) ) {
			$notice = '1' === sanitize_text_field( wp_unslash( $_GET['success'] ) )
				? array( 'success', __( 'WooCommerce granted Cartback its REST keys: coupons for incentives will work.', 'cartback' ) )
				: array( 'warning', __( 'You did not approve Cartback on WooCommerce\'s screen, so it cannot create coupons. Everything else works; connect again to approve.', 'cartback' ) );
		}
		// phpcs:enable
		if ( ! is_array( $notice ) ) {
			return;
		}
		delete_transient( $key );
		printf( '<div class="notice notice-%1$s is-dismissible"><p>%2$s</p></div>', esc_attr( $notice[0] ), esc_html( $notice[1] ) );
	}

	/**
	 * The settings page.
	 */
	public static function render() {
		if ( ! current_user_can( self::CAP ) ) {
			return;
		}
		echo '<div class="wrap"><h1>' . esc_html__( 'Cartback', 'cartback' ) . '</h1>';
		if ( Cartback_Options::connected() ) {
			self::render_status();
		}
		self::render_connect();
		echo '</div>';
	}

	/**
	 * The connection status box, the test event and disconnect buttons, and the dashboard link.
	 */
	private static function render_status() {
		$store  = rawurlencode( (string) get_option( Cartback_Options::STORE_ID, '' ) );
		$status = Cartback_Client::request( 'GET', '/api/v1/stores/' . $store . '/connection' );
		echo '<div class="card"><h2>' . esc_html__( 'Connection', 'cartback' ) . '</h2>';
		if ( is_wp_error( $status ) ) {
			echo '<p>' . esc_html( $status->get_error_message() ) . '</p>';
		} else {
			$never = __( 'never yet', 'cartback' );
			$name  = isset( $status['store']['name'] ) ? (string) $status['store']['name'] : '';
			echo '<table class="widefat striped"><tbody>';
			printf( '<tr><th scope="row">%1$s</th><td>%2$s</td></tr>', esc_html__( 'Store', 'cartback' ), esc_html( $name ) );
			self::time_row( __( 'Last event received', 'cartback' ), isset( $status['lastEventAt'] ) ? $status['lastEventAt'] : null, $never );
			self::time_row( __( 'Last webhook delivered', 'cartback' ), isset( $status['lastWebhookAt'] ) ? $status['lastWebhookAt'] : null, $never );
			echo '</tbody></table>';
		}
		self::render_webhooks();
		echo '<p>';
		self::button( 'cartback_test_event', __( 'Send a test event', 'cartback' ), 'secondary' );
		self::button( 'cartback_disconnect', __( 'Disconnect', 'cartback' ), 'delete' );
		printf( ' <a class="button" href="%1$s" target="_blank" rel="noopener">%2$s</a>', esc_url( Cartback_Options::base_url() . '/login' ), esc_html__( 'Open the Cartback dashboard', 'cartback' ) );
		echo '</p></div>';
	}

	/**
	 * A row with a time from Cartback (ISO 8601), shown in the site's date and time format and
	 * how long ago, the exact time kept in the <time> element.
	 *
	 * @param string $label The row's label.
	 * @param mixed  $iso   The time, or null.
	 * @param string $never What to say when there is none.
	 */
	private static function time_row( $label, $iso, $never ) {
		$at = is_string( $iso ) ? strtotime( $iso ) : false;
		if ( false === $at ) {
			printf( '<tr><th scope="row">%1$s</th><td>%2$s</td></tr>', esc_html( $label ), esc_html( $never ) );
			return;
		}
		/* translators: 1: date and time, 2: how long ago, e.g. "5 mins". */
		$text = sprintf( __( '%1$s (%2$s ago)', 'cartback' ), wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $at ), human_time_diff( $at ) );
		printf( '<tr><th scope="row">%1$s</th><td><time datetime="%2$s">%3$s</time></td></tr>', esc_html( $label ), esc_attr( $iso ), esc_html( $text ) );
	}

	/**
	 * The order webhooks as WooCommerce reports them (its failure count and status), so a
	 * failing delivery shows here even when Cartback never hears of it.
	 */
	private static function render_webhooks() {
		$health = Cartback_Webhooks::health();
		$bad    = count( array_filter( $health, static fn( $h ) => ! $h['ok'] ) );
		echo '<h3>' . esc_html__( 'Order webhooks (from WooCommerce)', 'cartback' ) . '</h3>';
		if ( array() === $health ) {
			echo '<p class="cartback-webhooks-failing">' . esc_html__( 'No order webhooks: orders do not reach Cartback. Connect again to create them.', 'cartback' ) . '</p>';
			return;
		}
		printf(
			'<p class="%1$s">%2$s</p>',
			$bad ? 'cartback-webhooks-failing' : 'cartback-webhooks-ok',
			esc_html(
				$bad
					/* translators: %d: number of failing webhooks. */
					? sprintf( _n( '%d webhook is failing: orders may not reach Cartback.', '%d webhooks are failing: orders may not reach Cartback.', $bad, 'cartback' ), $bad )
					: __( 'Both webhooks are delivering.', 'cartback' )
			)
		);
		echo '<table class="widefat striped cartback-webhooks"><tbody>';
		foreach ( $health as $h ) {
			printf( '<tr><th scope="row"><code>%1$s</code></th><td>%2$s</td></tr>', esc_html( $h['topic'] ), esc_html( $h['says'] ) );
		}
		echo '</tbody></table>';
	}

	/**
	 * One action button in its own form.
	 *
	 * @param string $action The admin-post action (and nonce).
	 * @param string $label  The button text.
	 * @param string $type   secondary or delete.
	 */
	private static function button( $action, $label, $type ) {
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" style="display:inline-block;margin-right:8px">';
		echo '<input type="hidden" name="action" value="' . esc_attr( $action ) . '">';
		wp_nonce_field( $action );
		submit_button( $label, $type, 'submit', false );
		echo '</form>';
	}

	/**
	 * The connect form: Cartback URL and connect code.
	 */
	private static function render_connect() {
		$again = Cartback_Options::connected();
		echo '<div class="card"><h2>' . esc_html( $again ? __( 'Connect again', 'cartback' ) : __( 'Connect this store', 'cartback' ) ) . '</h2>';
		echo '<p>' . esc_html__( 'In the Cartback dashboard, open Settings, find this store and click "Connect WordPress". Paste the code here within 10 minutes.', 'cartback' ) . '</p>';
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		echo '<input type="hidden" name="action" value="cartback_connect">';
		wp_nonce_field( 'cartback_connect' );
		echo '<table class="form-table" role="presentation"><tbody>';
		printf(
			'<tr><th scope="row"><label for="cartback_url">%1$s</label></th><td><input type="url" class="regular-text" id="cartback_url" name="cartback_url" value="%2$s" placeholder="https://cartback.example.com" required></td></tr>',
			esc_html__( 'Cartback URL', 'cartback' ),
			esc_attr( Cartback_Options::base_url() )
		);
		printf(
			'<tr><th scope="row"><label for="cartback_code">%1$s</label></th><td><input type="text" class="regular-text" id="cartback_code" name="cartback_code" autocomplete="off" placeholder="cbc_…" required></td></tr>',
			esc_html__( 'Connect code', 'cartback' )
		);
		echo '</tbody></table>';
		submit_button( __( 'Connect', 'cartback' ) );
		echo '</form></div>';
	}
}
