-- Rotation links a key to its successor and back, so lists show both ends of a rotation.
ALTER TABLE key_catalog ADD COLUMN rotated_from TEXT NULL;
ALTER TABLE key_catalog ADD COLUMN rotated_to TEXT NULL;
