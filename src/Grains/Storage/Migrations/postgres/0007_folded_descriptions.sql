-- Case-insensitive search compares descriptions folded by KeyCatalog.Fold, computed in .NET so that both dialects fold
-- every script alike (lower() follows the database's locale, which may fold ASCII only). The migrator fills the column
-- for existing keys right after this script (Migrator.DataSteps); every catalog write keeps it. The trigram index moves
-- to the folded column, which searches now read.
ALTER TABLE key_catalog ADD COLUMN description_folded TEXT NULL;
DROP INDEX ix_key_catalog_description_trigrams;
CREATE INDEX ix_key_catalog_description_folded_trigrams ON key_catalog USING gin (description_folded gin_trgm_ops) WITH (fastupdate = off);
