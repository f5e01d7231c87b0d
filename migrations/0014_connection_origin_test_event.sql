ALTER TABLE `store_connections` ADD `added_origin` text;--> statement-breakpoint
ALTER TABLE `store_connections` ADD `last_test_event_at` integer;--> statement-breakpoint
-- Hand-added: the test event's time moves from its reserved tombstone row (cart id `test:event`)
-- to the connection. A store without a connection loses it: a test event needs one from now on.
-- `added_origin` stays null for connections made before: which origin they added is not known,
-- so none is taken back (the merchant's own origins are never removed by mistake).
UPDATE `store_connections` SET `last_test_event_at` = (
  SELECT `erased_at` FROM `cart_tombstones`
  WHERE `cart_tombstones`.`store_id` = `store_connections`.`store_id` AND `cart_id` = 'test:event'
);--> statement-breakpoint
DELETE FROM `cart_tombstones` WHERE `cart_id` = 'test:event';
