ALTER TABLE `carts` ADD `channels` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `carts` ADD `clicked_at` integer;--> statement-breakpoint
ALTER TABLE `carts` ADD `step_id` text;--> statement-breakpoint
ALTER TABLE `carts` ADD `steps_done` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `carts` ADD `steps_total` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Backfill from the messages already sent; step progress follows with each cart's next report.
UPDATE `carts` SET
  `channels` = COALESCE((SELECT MAX(m.channel = 'email' AND m.status != 'failed')
      | (MAX(m.channel = 'sms' AND m.status != 'failed') * 2)
    FROM `messages` m WHERE m.store_id = carts.store_id AND m.cart_id = carts.cart_id), 0),
  `clicked_at` = (SELECT MIN(m.clicked_at) FROM `messages` m
    WHERE m.store_id = carts.store_id AND m.cart_id = carts.cart_id);
