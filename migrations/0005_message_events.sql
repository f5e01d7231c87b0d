ALTER TABLE `messages` ADD `delivered_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `opened_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `clicked_at` integer;