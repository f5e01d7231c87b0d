-- WordPress connect (issue 13): one-time connect codes (hashed) and the plugin connection of a
-- store. See docs/design/wordpress-connect.md.
CREATE TABLE `connect_codes` (
	`code_hash` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
CREATE INDEX `connect_codes_store` ON `connect_codes` (`store_id`);--> statement-breakpoint
CREATE TABLE `store_connections` (
	`store_id` text PRIMARY KEY NOT NULL,
	`site_url` text NOT NULL,
	`rest_root` text NOT NULL,
	`plugin_version` text NOT NULL,
	`currency` text NOT NULL,
	`token_id` text NOT NULL,
	`wc_key_id` integer,
	`connected_at` integer NOT NULL
);
