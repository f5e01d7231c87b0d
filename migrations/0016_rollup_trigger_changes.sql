-- Issue 14 (cost): the update trigger of 0011 moved every kind's contribution whenever any watched
-- column changed, so an active cart's new total (the commonest report) wrote its unchanged
-- 'created' row twice (-1, +1). Now each kind is moved only when a column it reads changed, and the
-- trigger runs only when one did: an active cart's item change writes no rollup row. The rows the
-- rollups hold are the same (src/db/rollups.test.ts); see docs/design/cost.md.
DROP TRIGGER carts_days_update;--> statement-breakpoint
CREATE TRIGGER carts_days_update AFTER UPDATE ON carts WHEN
  (OLD.store_id IS NOT NEW.store_id OR OLD.status IS NOT NEW.status OR OLD.created_at IS NOT NEW.created_at)
  OR ((OLD.abandoned_at IS NOT NULL OR NEW.abandoned_at IS NOT NULL) AND (OLD.store_id IS NOT NEW.store_id OR OLD.abandoned_at IS NOT NEW.abandoned_at OR OLD.currency IS NOT NEW.currency OR OLD.status IS NOT NEW.status OR OLD.total IS NOT NEW.total OR OLD.channels IS NOT NEW.channels OR OLD.clicked_at IS NOT NEW.clicked_at OR OLD.restored_at IS NOT NEW.restored_at OR OLD.recovered_at IS NOT NEW.recovered_at))
  OR ((OLD.converted_at IS NOT NULL OR NEW.converted_at IS NOT NULL) AND (OLD.store_id IS NOT NEW.store_id OR OLD.converted_at IS NOT NEW.converted_at))
  OR ((OLD.recovered_at IS NOT NULL OR NEW.recovered_at IS NOT NULL) AND (OLD.store_id IS NOT NEW.store_id OR OLD.recovered_at IS NOT NEW.recovered_at OR OLD.recovered_channel IS NOT NEW.recovered_channel OR OLD.recovered_step IS NOT NEW.recovered_step OR OLD.revenue_currency IS NOT NEW.revenue_currency OR OLD.currency IS NOT NEW.currency OR OLD.recovered_revenue IS NOT NEW.recovered_revenue))
BEGIN
INSERT INTO cart_days (store_id, kind, day, d1, d2, d3, n, value, at_risk, messaged, clicked,
  restored, recovered)
SELECT OLD.store_id, 'created', OLD.created_at / 86400000, OLD.status, '', '', -1, 0, 0, 0, 0, 0, 0
  WHERE OLD.store_id IS NOT NEW.store_id OR OLD.status IS NOT NEW.status OR OLD.created_at IS NOT NEW.created_at
UNION ALL SELECT OLD.store_id, 'abandoned', OLD.abandoned_at / 86400000, OLD.currency, '', '', -1,
    -(CASE WHEN OLD.status IN ('abandoned', 'restored') THEN OLD.total ELSE 0 END), -(OLD.status IN ('abandoned', 'restored')),
    -(OLD.channels != 0), -(OLD.clicked_at IS NOT NULL), -(OLD.restored_at IS NOT NULL),
    -(OLD.recovered_at IS NOT NULL)
  WHERE OLD.abandoned_at IS NOT NULL AND (OLD.store_id IS NOT NEW.store_id OR OLD.abandoned_at IS NOT NEW.abandoned_at OR OLD.currency IS NOT NEW.currency OR OLD.status IS NOT NEW.status OR OLD.total IS NOT NEW.total OR OLD.channels IS NOT NEW.channels OR OLD.clicked_at IS NOT NEW.clicked_at OR OLD.restored_at IS NOT NEW.restored_at OR OLD.recovered_at IS NOT NEW.recovered_at)
UNION ALL SELECT OLD.store_id, 'converted', OLD.converted_at / 86400000, '', '', '', -1, 0, 0, 0, 0, 0, 0
  WHERE OLD.converted_at IS NOT NULL AND (OLD.store_id IS NOT NEW.store_id OR OLD.converted_at IS NOT NEW.converted_at)
UNION ALL SELECT OLD.store_id, 'recovered', OLD.recovered_at / 86400000, COALESCE(OLD.recovered_channel, ''),
    COALESCE(OLD.recovered_step, ''), COALESCE(OLD.revenue_currency, OLD.currency), -1,
    -OLD.recovered_revenue, 0, 0, 0, 0, 0
  WHERE OLD.recovered_at IS NOT NULL AND (OLD.store_id IS NOT NEW.store_id OR OLD.recovered_at IS NOT NEW.recovered_at OR OLD.recovered_channel IS NOT NEW.recovered_channel OR OLD.recovered_step IS NOT NEW.recovered_step OR OLD.revenue_currency IS NOT NEW.revenue_currency OR OLD.currency IS NOT NEW.currency OR OLD.recovered_revenue IS NOT NEW.recovered_revenue)
ON CONFLICT (store_id, kind, day, d1, d2, d3) DO UPDATE SET n = n + excluded.n,
  value = value + excluded.value, at_risk = at_risk + excluded.at_risk,
  messaged = messaged + excluded.messaged, clicked = clicked + excluded.clicked,
  restored = restored + excluded.restored, recovered = recovered + excluded.recovered;
INSERT INTO cart_days (store_id, kind, day, d1, d2, d3, n, value, at_risk, messaged, clicked,
  restored, recovered)
SELECT NEW.store_id, 'created', NEW.created_at / 86400000, NEW.status, '', '', 1, 0, 0, 0, 0, 0, 0
  WHERE OLD.store_id IS NOT NEW.store_id OR OLD.status IS NOT NEW.status OR OLD.created_at IS NOT NEW.created_at
UNION ALL SELECT NEW.store_id, 'abandoned', NEW.abandoned_at / 86400000, NEW.currency, '', '', 1,
    (CASE WHEN NEW.status IN ('abandoned', 'restored') THEN NEW.total ELSE 0 END), (NEW.status IN ('abandoned', 'restored')),
    (NEW.channels != 0), (NEW.clicked_at IS NOT NULL), (NEW.restored_at IS NOT NULL),
    (NEW.recovered_at IS NOT NULL)
  WHERE NEW.abandoned_at IS NOT NULL AND (OLD.store_id IS NOT NEW.store_id OR OLD.abandoned_at IS NOT NEW.abandoned_at OR OLD.currency IS NOT NEW.currency OR OLD.status IS NOT NEW.status OR OLD.total IS NOT NEW.total OR OLD.channels IS NOT NEW.channels OR OLD.clicked_at IS NOT NEW.clicked_at OR OLD.restored_at IS NOT NEW.restored_at OR OLD.recovered_at IS NOT NEW.recovered_at)
UNION ALL SELECT NEW.store_id, 'converted', NEW.converted_at / 86400000, '', '', '', 1, 0, 0, 0, 0, 0, 0
  WHERE NEW.converted_at IS NOT NULL AND (OLD.store_id IS NOT NEW.store_id OR OLD.converted_at IS NOT NEW.converted_at)
UNION ALL SELECT NEW.store_id, 'recovered', NEW.recovered_at / 86400000, COALESCE(NEW.recovered_channel, ''),
    COALESCE(NEW.recovered_step, ''), COALESCE(NEW.revenue_currency, NEW.currency), 1,
    NEW.recovered_revenue, 0, 0, 0, 0, 0
  WHERE NEW.recovered_at IS NOT NULL AND (OLD.store_id IS NOT NEW.store_id OR OLD.recovered_at IS NOT NEW.recovered_at OR OLD.recovered_channel IS NOT NEW.recovered_channel OR OLD.recovered_step IS NOT NEW.recovered_step OR OLD.revenue_currency IS NOT NEW.revenue_currency OR OLD.currency IS NOT NEW.currency OR OLD.recovered_revenue IS NOT NEW.recovered_revenue)
ON CONFLICT (store_id, kind, day, d1, d2, d3) DO UPDATE SET n = n + excluded.n,
  value = value + excluded.value, at_risk = at_risk + excluded.at_risk,
  messaged = messaged + excluded.messaged, clicked = clicked + excluded.clicked,
  restored = restored + excluded.restored, recovered = recovered + excluded.recovered;
END;
