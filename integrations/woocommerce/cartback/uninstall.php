<?php
/**
 * Deleting the plugin from WordPress: what Disconnect does, then every option.
 *
 * Cartback is told (so it forgets the WooCommerce keys and revokes this site's token) when it
 * answers; this site's webhooks, the REST keys WooCommerce made for Cartback and the options go
 * either way, so nothing keeps sending orders or holding access after the plugin is gone.
 *
 * @package Cartback
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

require_once __DIR__ . '/includes/class-cartback-options.php';
require_once __DIR__ . '/includes/class-cartback-client.php';
require_once __DIR__ . '/includes/class-cartback-webhooks.php';
require_once __DIR__ . '/includes/class-cartback-connect.php';

if ( Cartback_Options::connected() ) {
	Cartback_Connect::disconnect();
} else {
	Cartback_Webhooks::remove();
	Cartback_Connect::revoke_keys();
}
Cartback_Options::delete_all();
