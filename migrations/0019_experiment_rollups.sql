CREATE TABLE `arm_days` (
	`store_id` text NOT NULL,
	`period` text NOT NULL,
	`arm` text NOT NULL,
	`day` integer NOT NULL,
	`currency` text NOT NULL,
	`reach` text NOT NULL,
	`carts` integer DEFAULT 0 NOT NULL,
	`recovered` integer DEFAULT 0 NOT NULL,
	`revenue` integer DEFAULT 0 NOT NULL,
	`squares` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`store_id`, `period`, `arm`, `day`, `currency`, `reach`)
);
--> statement-breakpoint
CREATE TABLE `assignments` (
	`store_id` text NOT NULL,
	`cart_id` text NOT NULL,
	`experiment` text NOT NULL,
	`variant` text NOT NULL,
	`assigned_at` integer NOT NULL,
	PRIMARY KEY(`store_id`, `cart_id`, `experiment`)
);
--> statement-breakpoint
CREATE INDEX `assignments_experiment` ON `assignments` (`store_id`,`experiment`,`variant`);--> statement-breakpoint
CREATE TABLE `variant_days` (
	`store_id` text NOT NULL,
	`experiment` text NOT NULL,
	`variant` text NOT NULL,
	`day` integer NOT NULL,
	`currency` text NOT NULL,
	`assigned` integer DEFAULT 0 NOT NULL,
	`sends` integer DEFAULT 0 NOT NULL,
	`delivered` integer DEFAULT 0 NOT NULL,
	`clicked` integer DEFAULT 0 NOT NULL,
	`recovered` integer DEFAULT 0 NOT NULL,
	`revenue` integer DEFAULT 0 NOT NULL,
	`squares` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`store_id`, `experiment`, `variant`, `day`, `currency`)
);
--> statement-breakpoint
ALTER TABLE `carts` ADD `experiment_reach` text;
--> statement-breakpoint
-- Issue 15: the holdout's and the step experiments' figures as rollups, kept by triggers the way
-- cart_days is (0011, 0016): each row's contribution added on insert, moved on an update of a
-- column it reads, taken back on delete, so the figures always equal a count over the rows
-- (src/db/experiments.test.ts proves it). Written by hand: drizzle-kit does not write triggers.
-- The tables are described on `armDays`, `variantDays` and `assignments` in src/db/schema.ts.
-- A variant's outcome joins an assignment and its cart, so both sides have triggers and each
-- adds the pair when the other is there (the queue does not order the rows).
CREATE TRIGGER carts_arms_insert AFTER INSERT ON carts WHEN NEW.experiment_arm IS NOT NULL BEGIN
INSERT INTO arm_days (store_id, period, arm, day, currency, reach, carts, recovered, revenue,
  squares)
SELECT NEW.store_id, NEW.experiment_period, NEW.experiment_arm, NEW.abandoned_at / 86400000,
  COALESCE(NEW.revenue_currency, NEW.currency), COALESCE(NEW.experiment_reach, CASE WHEN NEW.email IS NOT NULL AND NEW.phone IS NOT NULL THEN 'both'
    WHEN NEW.email IS NOT NULL THEN 'email' WHEN NEW.phone IS NOT NULL THEN 'phone' ELSE 'none' END),
  1, (NEW.recovered_at IS NOT NULL),
  (CASE WHEN NEW.recovered_at IS NOT NULL THEN NEW.recovered_revenue ELSE 0 END),
  (CASE WHEN NEW.recovered_at IS NOT NULL THEN CAST(NEW.recovered_revenue AS REAL) * NEW.recovered_revenue ELSE 0 END)
WHERE NEW.experiment_arm IS NOT NULL AND NEW.experiment_period IS NOT NULL AND NEW.abandoned_at IS NOT NULL
ON CONFLICT (store_id, period, arm, day, currency, reach) DO UPDATE SET carts = carts + excluded.carts,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
END;
--> statement-breakpoint
CREATE TRIGGER carts_arms_update AFTER UPDATE ON carts WHEN
  (OLD.experiment_arm IS NOT NULL OR NEW.experiment_arm IS NOT NULL)
  AND (OLD.store_id IS NOT NEW.store_id OR OLD.experiment_period IS NOT NEW.experiment_period OR OLD.experiment_arm IS NOT NEW.experiment_arm OR OLD.abandoned_at IS NOT NEW.abandoned_at OR OLD.recovered_at IS NOT NEW.recovered_at OR OLD.recovered_revenue IS NOT NEW.recovered_revenue OR OLD.revenue_currency IS NOT NEW.revenue_currency OR OLD.currency IS NOT NEW.currency OR OLD.experiment_reach IS NOT NEW.experiment_reach OR OLD.email IS NOT NEW.email OR OLD.phone IS NOT NEW.phone)
BEGIN
INSERT INTO arm_days (store_id, period, arm, day, currency, reach, carts, recovered, revenue,
  squares)
SELECT OLD.store_id, OLD.experiment_period, OLD.experiment_arm, OLD.abandoned_at / 86400000,
  COALESCE(OLD.revenue_currency, OLD.currency), COALESCE(OLD.experiment_reach, CASE WHEN OLD.email IS NOT NULL AND OLD.phone IS NOT NULL THEN 'both'
    WHEN OLD.email IS NOT NULL THEN 'email' WHEN OLD.phone IS NOT NULL THEN 'phone' ELSE 'none' END),
  -1, -(OLD.recovered_at IS NOT NULL),
  -(CASE WHEN OLD.recovered_at IS NOT NULL THEN OLD.recovered_revenue ELSE 0 END),
  -(CASE WHEN OLD.recovered_at IS NOT NULL THEN CAST(OLD.recovered_revenue AS REAL) * OLD.recovered_revenue ELSE 0 END)
WHERE OLD.experiment_arm IS NOT NULL AND OLD.experiment_period IS NOT NULL AND OLD.abandoned_at IS NOT NULL
ON CONFLICT (store_id, period, arm, day, currency, reach) DO UPDATE SET carts = carts + excluded.carts,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
INSERT INTO arm_days (store_id, period, arm, day, currency, reach, carts, recovered, revenue,
  squares)
SELECT NEW.store_id, NEW.experiment_period, NEW.experiment_arm, NEW.abandoned_at / 86400000,
  COALESCE(NEW.revenue_currency, NEW.currency), COALESCE(NEW.experiment_reach, CASE WHEN NEW.email IS NOT NULL AND NEW.phone IS NOT NULL THEN 'both'
    WHEN NEW.email IS NOT NULL THEN 'email' WHEN NEW.phone IS NOT NULL THEN 'phone' ELSE 'none' END),
  1, (NEW.recovered_at IS NOT NULL),
  (CASE WHEN NEW.recovered_at IS NOT NULL THEN NEW.recovered_revenue ELSE 0 END),
  (CASE WHEN NEW.recovered_at IS NOT NULL THEN CAST(NEW.recovered_revenue AS REAL) * NEW.recovered_revenue ELSE 0 END)
WHERE NEW.experiment_arm IS NOT NULL AND NEW.experiment_period IS NOT NULL AND NEW.abandoned_at IS NOT NULL
ON CONFLICT (store_id, period, arm, day, currency, reach) DO UPDATE SET carts = carts + excluded.carts,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
END;
--> statement-breakpoint
CREATE TRIGGER carts_arms_delete AFTER DELETE ON carts WHEN OLD.experiment_arm IS NOT NULL BEGIN
INSERT INTO arm_days (store_id, period, arm, day, currency, reach, carts, recovered, revenue,
  squares)
SELECT OLD.store_id, OLD.experiment_period, OLD.experiment_arm, OLD.abandoned_at / 86400000,
  COALESCE(OLD.revenue_currency, OLD.currency), COALESCE(OLD.experiment_reach, CASE WHEN OLD.email IS NOT NULL AND OLD.phone IS NOT NULL THEN 'both'
    WHEN OLD.email IS NOT NULL THEN 'email' WHEN OLD.phone IS NOT NULL THEN 'phone' ELSE 'none' END),
  -1, -(OLD.recovered_at IS NOT NULL),
  -(CASE WHEN OLD.recovered_at IS NOT NULL THEN OLD.recovered_revenue ELSE 0 END),
  -(CASE WHEN OLD.recovered_at IS NOT NULL THEN CAST(OLD.recovered_revenue AS REAL) * OLD.recovered_revenue ELSE 0 END)
WHERE OLD.experiment_arm IS NOT NULL AND OLD.experiment_period IS NOT NULL AND OLD.abandoned_at IS NOT NULL
ON CONFLICT (store_id, period, arm, day, currency, reach) DO UPDATE SET carts = carts + excluded.carts,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
END;
--> statement-breakpoint
CREATE TRIGGER carts_variants_insert AFTER INSERT ON carts WHEN NEW.recovered_at IS NOT NULL BEGIN
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT a.store_id, a.experiment, a.variant, a.assigned_at / 86400000,
  COALESCE(NEW.revenue_currency, NEW.currency), 0, 0, 0, 0, 1, NEW.recovered_revenue,
  CAST(NEW.recovered_revenue AS REAL) * NEW.recovered_revenue
FROM assignments a WHERE a.store_id = NEW.store_id AND a.cart_id = NEW.cart_id
  AND NEW.recovered_at IS NOT NULL AND a.assigned_at >= NEW.abandoned_at
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
END;
--> statement-breakpoint
CREATE TRIGGER carts_variants_update AFTER UPDATE ON carts WHEN
  (OLD.recovered_at IS NOT NULL OR NEW.recovered_at IS NOT NULL) AND (OLD.store_id IS NOT NEW.store_id OR OLD.cart_id IS NOT NEW.cart_id OR OLD.abandoned_at IS NOT NEW.abandoned_at OR OLD.recovered_at IS NOT NEW.recovered_at OR OLD.recovered_revenue IS NOT NEW.recovered_revenue OR OLD.revenue_currency IS NOT NEW.revenue_currency OR OLD.currency IS NOT NEW.currency)
BEGIN
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT a.store_id, a.experiment, a.variant, a.assigned_at / 86400000,
  COALESCE(OLD.revenue_currency, OLD.currency), 0, 0, 0, 0, -1, -OLD.recovered_revenue,
  -CAST(OLD.recovered_revenue AS REAL) * OLD.recovered_revenue
FROM assignments a WHERE a.store_id = OLD.store_id AND a.cart_id = OLD.cart_id
  AND OLD.recovered_at IS NOT NULL AND a.assigned_at >= OLD.abandoned_at
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT a.store_id, a.experiment, a.variant, a.assigned_at / 86400000,
  COALESCE(NEW.revenue_currency, NEW.currency), 0, 0, 0, 0, 1, NEW.recovered_revenue,
  CAST(NEW.recovered_revenue AS REAL) * NEW.recovered_revenue
FROM assignments a WHERE a.store_id = NEW.store_id AND a.cart_id = NEW.cart_id
  AND NEW.recovered_at IS NOT NULL AND a.assigned_at >= NEW.abandoned_at
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
END;
--> statement-breakpoint
CREATE TRIGGER carts_variants_delete AFTER DELETE ON carts WHEN OLD.recovered_at IS NOT NULL BEGIN
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT a.store_id, a.experiment, a.variant, a.assigned_at / 86400000,
  COALESCE(OLD.revenue_currency, OLD.currency), 0, 0, 0, 0, -1, -OLD.recovered_revenue,
  -CAST(OLD.recovered_revenue AS REAL) * OLD.recovered_revenue
FROM assignments a WHERE a.store_id = OLD.store_id AND a.cart_id = OLD.cart_id
  AND OLD.recovered_at IS NOT NULL AND a.assigned_at >= OLD.abandoned_at
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
END;
--> statement-breakpoint
CREATE TRIGGER assignments_variants_insert AFTER INSERT ON assignments BEGIN
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT NEW.store_id, NEW.experiment, NEW.variant, NEW.assigned_at / 86400000, '', 1, 0, 0, 0, 0, 0, 0
WHERE 1
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT NEW.store_id, NEW.experiment, NEW.variant, NEW.assigned_at / 86400000,
  COALESCE(c.revenue_currency, c.currency), 0, 0, 0, 0, 1, c.recovered_revenue,
  CAST(c.recovered_revenue AS REAL) * c.recovered_revenue
FROM carts c WHERE c.store_id = NEW.store_id AND c.cart_id = NEW.cart_id
  AND c.recovered_at IS NOT NULL AND NEW.assigned_at >= c.abandoned_at
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
END;
--> statement-breakpoint
CREATE TRIGGER assignments_variants_update AFTER UPDATE ON assignments WHEN OLD.store_id IS NOT NEW.store_id OR OLD.cart_id IS NOT NEW.cart_id OR OLD.experiment IS NOT NEW.experiment OR OLD.variant IS NOT NEW.variant OR OLD.assigned_at IS NOT NEW.assigned_at
BEGIN
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT OLD.store_id, OLD.experiment, OLD.variant, OLD.assigned_at / 86400000, '', -1, 0, 0, 0, 0, 0, 0
WHERE 1
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT OLD.store_id, OLD.experiment, OLD.variant, OLD.assigned_at / 86400000,
  COALESCE(c.revenue_currency, c.currency), 0, 0, 0, 0, -1, -c.recovered_revenue,
  -CAST(c.recovered_revenue AS REAL) * c.recovered_revenue
FROM carts c WHERE c.store_id = OLD.store_id AND c.cart_id = OLD.cart_id
  AND c.recovered_at IS NOT NULL AND OLD.assigned_at >= c.abandoned_at
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT NEW.store_id, NEW.experiment, NEW.variant, NEW.assigned_at / 86400000, '', 1, 0, 0, 0, 0, 0, 0
WHERE 1
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT NEW.store_id, NEW.experiment, NEW.variant, NEW.assigned_at / 86400000,
  COALESCE(c.revenue_currency, c.currency), 0, 0, 0, 0, 1, c.recovered_revenue,
  CAST(c.recovered_revenue AS REAL) * c.recovered_revenue
FROM carts c WHERE c.store_id = NEW.store_id AND c.cart_id = NEW.cart_id
  AND c.recovered_at IS NOT NULL AND NEW.assigned_at >= c.abandoned_at
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
END;
--> statement-breakpoint
CREATE TRIGGER assignments_variants_delete AFTER DELETE ON assignments BEGIN
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT OLD.store_id, OLD.experiment, OLD.variant, OLD.assigned_at / 86400000, '', -1, 0, 0, 0, 0, 0, 0
WHERE 1
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT OLD.store_id, OLD.experiment, OLD.variant, OLD.assigned_at / 86400000,
  COALESCE(c.revenue_currency, c.currency), 0, 0, 0, 0, -1, -c.recovered_revenue,
  -CAST(c.recovered_revenue AS REAL) * c.recovered_revenue
FROM carts c WHERE c.store_id = OLD.store_id AND c.cart_id = OLD.cart_id
  AND c.recovered_at IS NOT NULL AND OLD.assigned_at >= c.abandoned_at
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
END;
--> statement-breakpoint
CREATE TRIGGER messages_variants_insert AFTER INSERT ON messages WHEN NEW.experiment IS NOT NULL BEGIN
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT NEW.store_id, NEW.experiment, NEW.variant, NEW.created_at / 86400000, '', 0,
  (NEW.status != 'failed'), (NEW.delivered_at IS NOT NULL), (NEW.clicked_at IS NOT NULL), 0, 0, 0
WHERE NEW.experiment IS NOT NULL AND NEW.variant IS NOT NULL
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
END;
--> statement-breakpoint
CREATE TRIGGER messages_variants_update AFTER UPDATE ON messages WHEN
  (OLD.experiment IS NOT NULL OR NEW.experiment IS NOT NULL) AND (OLD.store_id IS NOT NEW.store_id OR OLD.experiment IS NOT NEW.experiment OR OLD.variant IS NOT NEW.variant OR OLD.created_at IS NOT NEW.created_at OR OLD.status IS NOT NEW.status OR OLD.delivered_at IS NOT NEW.delivered_at OR OLD.clicked_at IS NOT NEW.clicked_at)
BEGIN
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT OLD.store_id, OLD.experiment, OLD.variant, OLD.created_at / 86400000, '', 0,
  -(OLD.status != 'failed'), -(OLD.delivered_at IS NOT NULL), -(OLD.clicked_at IS NOT NULL), 0, 0, 0
WHERE OLD.experiment IS NOT NULL AND OLD.variant IS NOT NULL
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT NEW.store_id, NEW.experiment, NEW.variant, NEW.created_at / 86400000, '', 0,
  (NEW.status != 'failed'), (NEW.delivered_at IS NOT NULL), (NEW.clicked_at IS NOT NULL), 0, 0, 0
WHERE NEW.experiment IS NOT NULL AND NEW.variant IS NOT NULL
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
END;
--> statement-breakpoint
CREATE TRIGGER messages_variants_delete AFTER DELETE ON messages WHEN OLD.experiment IS NOT NULL BEGIN
INSERT INTO variant_days (store_id, experiment, variant, day, currency, assigned, sends, delivered,
  clicked, recovered, revenue, squares)
SELECT OLD.store_id, OLD.experiment, OLD.variant, OLD.created_at / 86400000, '', 0,
  -(OLD.status != 'failed'), -(OLD.delivered_at IS NOT NULL), -(OLD.clicked_at IS NOT NULL), 0, 0, 0
WHERE OLD.experiment IS NOT NULL AND OLD.variant IS NOT NULL
ON CONFLICT (store_id, experiment, variant, day, currency) DO UPDATE SET
  assigned = assigned + excluded.assigned, sends = sends + excluded.sends,
  delivered = delivered + excluded.delivered, clicked = clicked + excluded.clicked,
  recovered = recovered + excluded.recovered, revenue = revenue + excluded.revenue,
  squares = squares + excluded.squares;
END;
--> statement-breakpoint
-- What is already there: carts in a holdout arm (no cart was given a variant before this release).
INSERT INTO arm_days (store_id, period, arm, day, currency, reach, carts, recovered, revenue, squares)
SELECT store_id, experiment_period, experiment_arm, abandoned_at / 86400000,
  COALESCE(revenue_currency, currency), COALESCE(carts.experiment_reach, CASE WHEN carts.email IS NOT NULL AND carts.phone IS NOT NULL THEN 'both'
    WHEN carts.email IS NOT NULL THEN 'email' WHEN carts.phone IS NOT NULL THEN 'phone' ELSE 'none' END), COUNT(*),
  SUM(recovered_at IS NOT NULL),
  SUM(CASE WHEN recovered_at IS NOT NULL THEN recovered_revenue ELSE 0 END),
  TOTAL(CASE WHEN recovered_at IS NOT NULL THEN CAST(recovered_revenue AS REAL) * recovered_revenue ELSE 0 END)
FROM carts WHERE experiment_arm IS NOT NULL AND experiment_period IS NOT NULL AND abandoned_at IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6;
