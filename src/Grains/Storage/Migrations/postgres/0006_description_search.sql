-- Admin search matches a substring of the description (lower(description) LIKE '%...%'). Without an index that scans
-- the tenant's keys until a page is full, which at 100,000 keys in one tenant took hundreds of milliseconds. A trigram
-- index finds the matching rows directly. pg_trgm ships with PostgreSQL and is a trusted extension: a database owner
-- may create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX ix_key_catalog_description_trigrams ON key_catalog USING gin (lower(description) gin_trgm_ops);
