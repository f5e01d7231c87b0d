CREATE TABLE `cart_days` (
	`store_id` text NOT NULL,
	`kind` text NOT NULL,
	`day` integer NOT NULL,
	`d1` text DEFAULT '' NOT NULL,
	`d2` text DEFAULT '' NOT NULL,
	`d3` text DEFAULT '' NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	`value` integer DEFAULT 0 NOT NULL,
	`at_risk` integer DEFAULT 0 NOT NULL,
	`messaged` integer DEFAULT 0 NOT NULL,
	`clicked` integer DEFAULT 0 NOT NULL,
	`restored` integer DEFAULT 0 NOT NULL,
	`recovered` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`store_id`, `kind`, `day`, `d1`, `d2`, `d3`)
);

--> statement-breakpoint
-- The rollups follow every write to carts: a row's contribution is added on insert, moved on an
-- update of any column they read, taken back on delete. Written by hand (drizzle-kit does not
-- generate triggers); the four kinds are described on `cartDays` in src/db/schema.ts.
CREATE TRIGGER carts_days_insert AFTER INSERT ON carts BEGIN
INSERT INTO cart_days (store_id, kind, day, d1, d2, d3, n, value, at_risk, messaged, clicked,
  restored, recovered)
SELECT NEW.store_id, 'created', NEW.created_at / 86400000, NEW.status, '', '', 1, 0, 0, 0, 0, 0, 0
UNION ALL SELECT NEW.store_id, 'abandoned', NEW.abandoned_at / 86400000, NEW.currency, '', '', 1,
    (CASE WHEN NEW.status IN ('abandoned', 'restored') THEN NEW.total ELSE 0 END), (NEW.status IN ('abandoned', 'restored')),
    (NEW.channels != 0), (NEW.clicked_at IS NOT NULL), (NEW.restored_at IS NOT NULL),
    (NEW.recovered_at IS NOT NULL)
  WHERE NEW.abandoned_at IS NOT NULL
UNION ALL SELECT NEW.store_id, 'converted', NEW.converted_at / 86400000, '', '', '', 1, 0, 0, 0, 0, 0, 0
  WHERE NEW.converted_at IS NOT NULL
UNION ALL SELECT NEW.store_id, 'recovered', NEW.recovered_at / 86400000, COALESCE(NEW.recovered_channel, ''),
    COALESCE(NEW.recovered_step, ''), COALESCE(NEW.revenue_currency, NEW.currency), 1,
    NEW.recovered_revenue, 0, 0, 0, 0, 0
  WHERE NEW.recovered_at IS NOT NULL
ON CONFLICT (store_id, kind, day, d1, d2, d3) DO UPDATE SET n = n + excluded.n,
  value = value + excluded.value, at_risk = at_risk + excluded.at_risk,
  messaged = messaged + excluded.messaged, clicked = clicked + excluded.clicked,
  restored = restored + excluded.restored, recovered = recovered + excluded.recovered;
END;
--> statement-breakpoint
CREATE TRIGGER carts_days_update AFTER UPDATE ON carts WHEN
  OLD.store_id IS NOT NEW.store_id OR OLD.status IS NOT NEW.status OR OLD.currency IS NOT
  NEW.currency OR OLD.total IS NOT NEW.total OR OLD.channels IS NOT NEW.channels OR OLD.created_at
  IS NOT NEW.created_at OR OLD.abandoned_at IS NOT NEW.abandoned_at OR OLD.restored_at IS NOT
  NEW.restored_at OR OLD.recovered_at IS NOT NEW.recovered_at OR OLD.converted_at IS NOT
  NEW.converted_at OR OLD.clicked_at IS NOT NEW.clicked_at OR OLD.recovered_revenue IS NOT
  NEW.recovered_revenue OR OLD.revenue_currency IS NOT NEW.revenue_currency OR OLD.recovered_step
  IS NOT NEW.recovered_step OR OLD.recovered_channel IS NOT NEW.recovered_channel
BEGIN
INSERT INTO cart_days (store_id, kind, day, d1, d2, d3, n, value, at_risk, messaged, clicked,
  restored, recovered)
SELECT OLD.store_id, 'created', OLD.created_at / 86400000, OLD.status, '', '', -1, 0, 0, 0, 0, 0, 0
UNION ALL SELECT OLD.store_id, 'abandoned', OLD.abandoned_at / 86400000, OLD.currency, '', '', -1,
    -(CASE WHEN OLD.status IN ('abandoned', 'restored') THEN OLD.total ELSE 0 END), -(OLD.status IN ('abandoned', 'restored')),
    -(OLD.channels != 0), -(OLD.clicked_at IS NOT NULL), -(OLD.restored_at IS NOT NULL),
    -(OLD.recovered_at IS NOT NULL)
  WHERE OLD.abandoned_at IS NOT NULL
UNION ALL SELECT OLD.store_id, 'converted', OLD.converted_at / 86400000, '', '', '', -1, 0, 0, 0, 0, 0, 0
  WHERE OLD.converted_at IS NOT NULL
UNION ALL SELECT OLD.store_id, 'recovered', OLD.recovered_at / 86400000, COALESCE(OLD.recovered_channel, ''),
    COALESCE(OLD.recovered_step, ''), COALESCE(OLD.revenue_currency, OLD.currency), -1,
    -OLD.recovered_revenue, 0, 0, 0, 0, 0
  WHERE OLD.recovered_at IS NOT NULL
ON CONFLICT (store_id, kind, day, d1, d2, d3) DO UPDATE SET n = n + excluded.n,
  value = value + excluded.value, at_risk = at_risk + excluded.at_risk,
  messaged = messaged + excluded.messaged, clicked = clicked + excluded.clicked,
  restored = restored + excluded.restored, recovered = recovered + excluded.recovered;
INSERT INTO cart_days (store_id, kind, day, d1, d2, d3, n, value, at_risk, messaged, clicked,
  restored, recovered)
SELECT NEW.store_id, 'created', NEW.created_at / 86400000, NEW.status, '', '', 1, 0, 0, 0, 0, 0, 0
UNION ALL SELECT NEW.store_id, 'abandoned', NEW.abandoned_at / 86400000, NEW.currency, '', '', 1,
    (CASE WHEN NEW.status IN ('abandoned', 'restored') THEN NEW.total ELSE 0 END), (NEW.status IN ('abandoned', 'restored')),
    (NEW.channels != 0), (NEW.clicked_at IS NOT NULL), (NEW.restored_at IS NOT NULL),
    (NEW.recovered_at IS NOT NULL)
  WHERE NEW.abandoned_at IS NOT NULL
UNION ALL SELECT NEW.store_id, 'converted', NEW.converted_at / 86400000, '', '', '', 1, 0, 0, 0, 0, 0, 0
  WHERE NEW.converted_at IS NOT NULL
UNION ALL SELECT NEW.store_id, 'recovered', NEW.recovered_at / 86400000, COALESCE(NEW.recovered_channel, ''),
    COALESCE(NEW.recovered_step, ''), COALESCE(NEW.revenue_currency, NEW.currency), 1,
    NEW.recovered_revenue, 0, 0, 0, 0, 0
  WHERE NEW.recovered_at IS NOT NULL
ON CONFLICT (store_id, kind, day, d1, d2, d3) DO UPDATE SET n = n + excluded.n,
  value = value + excluded.value, at_risk = at_risk + excluded.at_risk,
  messaged = messaged + excluded.messaged, clicked = clicked + excluded.clicked,
  restored = restored + excluded.restored, recovered = recovered + excluded.recovered;
END;
--> statement-breakpoint
CREATE TRIGGER carts_days_delete AFTER DELETE ON carts BEGIN
INSERT INTO cart_days (store_id, kind, day, d1, d2, d3, n, value, at_risk, messaged, clicked,
  restored, recovered)
SELECT OLD.store_id, 'created', OLD.created_at / 86400000, OLD.status, '', '', -1, 0, 0, 0, 0, 0, 0
UNION ALL SELECT OLD.store_id, 'abandoned', OLD.abandoned_at / 86400000, OLD.currency, '', '', -1,
    -(CASE WHEN OLD.status IN ('abandoned', 'restored') THEN OLD.total ELSE 0 END), -(OLD.status IN ('abandoned', 'restored')),
    -(OLD.channels != 0), -(OLD.clicked_at IS NOT NULL), -(OLD.restored_at IS NOT NULL),
    -(OLD.recovered_at IS NOT NULL)
  WHERE OLD.abandoned_at IS NOT NULL
UNION ALL SELECT OLD.store_id, 'converted', OLD.converted_at / 86400000, '', '', '', -1, 0, 0, 0, 0, 0, 0
  WHERE OLD.converted_at IS NOT NULL
UNION ALL SELECT OLD.store_id, 'recovered', OLD.recovered_at / 86400000, COALESCE(OLD.recovered_channel, ''),
    COALESCE(OLD.recovered_step, ''), COALESCE(OLD.revenue_currency, OLD.currency), -1,
    -OLD.recovered_revenue, 0, 0, 0, 0, 0
  WHERE OLD.recovered_at IS NOT NULL
ON CONFLICT (store_id, kind, day, d1, d2, d3) DO UPDATE SET n = n + excluded.n,
  value = value + excluded.value, at_risk = at_risk + excluded.at_risk,
  messaged = messaged + excluded.messaged, clicked = clicked + excluded.clicked,
  restored = restored + excluded.restored, recovered = recovered + excluded.recovered;
END;
--> statement-breakpoint
-- What is already there.
INSERT INTO cart_days (store_id, kind, day, d1, d2, d3, n, value, at_risk, messaged, clicked,
  restored, recovered)
SELECT store_id, 'created', created_at / 86400000, status, '', '', COUNT(*), 0, 0, 0, 0, 0, 0
  FROM carts GROUP BY 1, 3, 4
UNION ALL SELECT store_id, 'abandoned', abandoned_at / 86400000, currency, '', '', COUNT(*),
    SUM(CASE WHEN status IN ('abandoned', 'restored') THEN total ELSE 0 END),
    SUM(status IN ('abandoned', 'restored')), SUM(channels != 0), SUM(clicked_at IS NOT NULL),
    SUM(restored_at IS NOT NULL), SUM(recovered_at IS NOT NULL)
  FROM carts WHERE abandoned_at IS NOT NULL GROUP BY 1, 3, 4
UNION ALL SELECT store_id, 'converted', converted_at / 86400000, '', '', '', COUNT(*), 0, 0, 0, 0, 0, 0
  FROM carts WHERE converted_at IS NOT NULL GROUP BY 1, 3
UNION ALL SELECT store_id, 'recovered', recovered_at / 86400000, COALESCE(recovered_channel, ''),
    COALESCE(recovered_step, ''), COALESCE(revenue_currency, currency), COUNT(*),
    SUM(recovered_revenue), 0, 0, 0, 0, 0
  FROM carts WHERE recovered_at IS NOT NULL GROUP BY 1, 3, 4, 5, 6;
