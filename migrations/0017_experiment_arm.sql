ALTER TABLE `carts` ADD `experiment_arm` text;--> statement-breakpoint
ALTER TABLE `carts` ADD `experiment_period` text;