ALTER TABLE `carts` ADD `abandon_due_at` integer;--> statement-breakpoint
-- Rows written before this column stored the deadline itself as abandoned_at (no rollup trigger
-- watches abandon_due_at, so this rewrites no rollup).
UPDATE `carts` SET `abandon_due_at` = `abandoned_at` WHERE `abandoned_at` IS NOT NULL;
