<?php
/**
 * Removes the plugin's options when the plugin is deleted from WordPress.
 *
 * Webhooks and REST keys are removed by Disconnect, which needs Cartback to answer; deleting
 * the plugin only forgets what this site stored.
 *
 * @package Cartback
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

require_once __DIR__ . '/includes/class-cartback-options.php';

Cartback_Options::delete_all();
