DROP INDEX `carts_store_created`;--> statement-breakpoint
DROP INDEX `carts_store_updated`;--> statement-breakpoint
DROP INDEX `carts_store_status_updated`;--> statement-breakpoint
DROP INDEX `carts_updated`;--> statement-breakpoint
DROP INDEX `carts_store_abandoned`;--> statement-breakpoint
DROP INDEX `carts_store_recovered`;--> statement-breakpoint
DROP INDEX `carts_store_email`;--> statement-breakpoint
DROP INDEX `carts_store_phone`;--> statement-breakpoint
DROP INDEX `carts_store_order`;--> statement-breakpoint
CREATE INDEX `carts_status_updated` ON `carts` (`status`,`updated_at`,`store_id`,`cart_id`,`channels`);--> statement-breakpoint
CREATE INDEX `carts_store_status_created` ON `carts` (`store_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `carts_store_converted` ON `carts` (`store_id`,`converted_at`) WHERE converted_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `carts_store_updated` ON `carts` (`store_id`,`updated_at`,`cart_id`,`channels`);--> statement-breakpoint
CREATE INDEX `carts_store_status_updated` ON `carts` (`store_id`,`status`,`updated_at`,`cart_id`,`channels`);--> statement-breakpoint
CREATE INDEX `carts_updated` ON `carts` (`updated_at`,`store_id`,`cart_id`,`channels`);--> statement-breakpoint
CREATE INDEX `carts_store_abandoned` ON `carts` (`store_id`,`abandoned_at`,`status`,`currency`,`total`,`channels`,`clicked_at`,`restored_at`,`recovered_at`) WHERE abandoned_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `carts_store_recovered` ON `carts` (`store_id`,`recovered_at`,`recovered_channel`,`recovered_step`,`revenue_currency`,`currency`,`recovered_revenue`) WHERE recovered_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `carts_store_email` ON `carts` (`store_id`,`email`) WHERE email IS NOT NULL;--> statement-breakpoint
CREATE INDEX `carts_store_phone` ON `carts` (`store_id`,`phone`) WHERE phone IS NOT NULL;--> statement-breakpoint
CREATE INDEX `carts_store_order` ON `carts` (`store_id`,`order_id`) WHERE order_id IS NOT NULL;