CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`cart_id` text NOT NULL,
	`step_id` text NOT NULL,
	`channel` text NOT NULL,
	`to` text NOT NULL,
	`status` text NOT NULL,
	`subject` text,
	`preheader` text,
	`text` text NOT NULL,
	`html` text,
	`provider` text NOT NULL,
	`provider_id` text,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `messages_store_created` ON `messages` (`store_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `messages_store_cart` ON `messages` (`store_id`,`cart_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `messages_provider` ON `messages` (`provider`,`provider_id`);--> statement-breakpoint
CREATE TABLE `short_links` (
	`code` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`cart_id` text NOT NULL,
	`token` text NOT NULL,
	`expires_at` integer NOT NULL
);
