ALTER TABLE `carts` ADD `recovered_step` text;--> statement-breakpoint
ALTER TABLE `carts` ADD `recovered_channel` text;