CREATE TABLE `webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`url` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`events` text NOT NULL,
	`include_contact` integer DEFAULT 0 NOT NULL,
	`secret_box` text NOT NULL,
	`previous_box` text,
	`previous_until` integer,
	`status` text DEFAULT 'enabled' NOT NULL,
	`disabled_reason` text,
	`disabled_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_endpoints_store` ON `webhook_endpoints` (`store_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `stores` ADD `webhook_events` text;