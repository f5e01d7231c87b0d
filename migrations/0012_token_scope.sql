-- Scoped API tokens (issue 11). Tokens created before this keep working as every store,
-- read-only: see docs/design/api-tokens.md.
ALTER TABLE `api_tokens` ADD `store_id` text;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `access` text DEFAULT 'read' NOT NULL;
