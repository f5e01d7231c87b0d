CREATE TABLE `experiments` (
	`store_id` text NOT NULL,
	`id` text NOT NULL,
	`kind` text NOT NULL,
	`step_id` text,
	`percent` integer,
	`variants` text,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`kept` text,
	PRIMARY KEY(`store_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `experiments_store_started` ON `experiments` (`store_id`,`started_at`);--> statement-breakpoint
ALTER TABLE `carts` ADD `recovered_variant` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `variant` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `experiment` text;--> statement-breakpoint
CREATE INDEX `messages_experiment` ON `messages` (`store_id`,`experiment`,`variant`);--> statement-breakpoint
INSERT INTO `experiments` (`store_id`, `id`, `kind`, `percent`, `started_at`)
SELECT `id`, json_extract(`settings`, '$.holdout.period'), 'holdout',
  json_extract(`settings`, '$.holdout.percent'),
  CAST(strftime('%s', json_extract(`settings`, '$.holdout.startedAt')) AS INTEGER) * 1000
FROM `stores` WHERE json_extract(`settings`, '$.holdout.period') IS NOT NULL;
--> statement-breakpoint
-- Earlier periods, known only from their carts: listed as ended, their share not recorded.
INSERT INTO `experiments` (`store_id`, `id`, `kind`, `percent`, `started_at`, `ended_at`)
SELECT `store_id`, `experiment_period`, 'holdout', NULL, MIN(`abandoned_at`), MAX(`abandoned_at`)
FROM `carts` WHERE `experiment_period` IS NOT NULL AND `abandoned_at` IS NOT NULL
GROUP BY `store_id`, `experiment_period`
ON CONFLICT DO NOTHING;
