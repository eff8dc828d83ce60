-- Case-insensitive search compares descriptions folded by KeyCatalog.Fold, computed in .NET so that both dialects fold
-- every script alike (SQLite's lower() folds ASCII only). The migrator fills the column for existing keys right after
-- this script (Migrator.DataSteps); every catalog write keeps it.
ALTER TABLE key_catalog ADD COLUMN description_folded TEXT NULL;
