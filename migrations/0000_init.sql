CREATE TABLE `cart_tombstones` (
	`store_id` text NOT NULL,
	`cart_id` text NOT NULL,
	`revision` integer NOT NULL,
	`erased_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	PRIMARY KEY(`store_id`, `cart_id`)
);
--> statement-breakpoint
CREATE TABLE `carts` (
	`store_id` text NOT NULL,
	`cart_id` text NOT NULL,
	`revision` integer NOT NULL,
	`status` text NOT NULL,
	`currency` text NOT NULL,
	`total` integer NOT NULL,
	`item_count` integer NOT NULL,
	`email` text,
	`phone` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_activity_at` integer NOT NULL,
	`abandoned_at` integer,
	`restored_at` integer,
	`recovered_at` integer,
	`converted_at` integer,
	`lost_at` integer,
	`order_id` text,
	`recovered_revenue` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`store_id`, `cart_id`)
);
--> statement-breakpoint
CREATE INDEX `carts_store_updated` ON `carts` (`store_id`,`updated_at`,`cart_id`);--> statement-breakpoint
CREATE INDEX `carts_store_status_updated` ON `carts` (`store_id`,`status`,`updated_at`,`cart_id`);--> statement-breakpoint
CREATE INDEX `carts_store_created` ON `carts` (`store_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `carts_store_abandoned` ON `carts` (`store_id`,`abandoned_at`);--> statement-breakpoint
CREATE INDEX `carts_store_recovered` ON `carts` (`store_id`,`recovered_at`);--> statement-breakpoint
CREATE INDEX `carts_store_email` ON `carts` (`store_id`,`email`);--> statement-breakpoint
CREATE INDEX `carts_store_phone` ON `carts` (`store_id`,`phone`);--> statement-breakpoint
CREATE INDEX `carts_store_order` ON `carts` (`store_id`,`order_id`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`store_id` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`cart_id` text NOT NULL,
	`last_activity_at` integer NOT NULL,
	PRIMARY KEY(`store_id`, `kind`, `value`)
);
--> statement-breakpoint
CREATE INDEX `contacts_store_cart` ON `contacts` (`store_id`,`cart_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`store_id` text NOT NULL,
	`order_id` text NOT NULL,
	`cart_id` text,
	`status` text NOT NULL,
	`paid` integer NOT NULL,
	`total` integer NOT NULL,
	`refunded` integer DEFAULT 0 NOT NULL,
	`currency` text NOT NULL,
	`source` text NOT NULL,
	`placed_at` integer NOT NULL,
	`revision` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`store_id`, `order_id`)
);
--> statement-breakpoint
CREATE INDEX `orders_store_cart` ON `orders` (`store_id`,`cart_id`);--> statement-breakpoint
CREATE INDEX `orders_store_placed` ON `orders` (`store_id`,`placed_at`);--> statement-breakpoint
CREATE TABLE `stores` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`currency` text NOT NULL,
	`publishable_key` text NOT NULL,
	`allowed_origins` text NOT NULL,
	`woocommerce_webhook_secret` text NOT NULL,
	`restore_url_template` text,
	`settings` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stores_publishable_key_unique` ON `stores` (`publishable_key`);