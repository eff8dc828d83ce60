-- A key's scopes and allowed client ranges, space-separated; NULL is unrestricted, as every earlier key is.
ALTER TABLE key_catalog ADD COLUMN scopes TEXT NULL;
ALTER TABLE key_catalog ADD COLUMN allowed_cidrs TEXT NULL;
