CREATE TABLE `suppressions` (
	`store_id` text NOT NULL,
	`channel` text NOT NULL,
	`address` text NOT NULL,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`store_id`, `channel`, `address`)
);
