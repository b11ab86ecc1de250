-- Cutover JdbcVersionedTarget table for MYSQL, named 'versioned_entities'.
-- The same statements JdbcVersionedTarget.createTableIfMissing() runs (default JSON payload column);
-- kept equal to it by a test. For another table name, replace 'versioned_entities' throughout.

CREATE TABLE IF NOT EXISTS `versioned_entities` (
  entity_key VARBINARY(3072) NOT NULL PRIMARY KEY,
  bucket SMALLINT NOT NULL,
  version BIGINT NOT NULL,
  deleted BOOLEAN NOT NULL,
  payload JSON,
  applied_at DATETIME(3) NOT NULL,
  INDEX `versioned_entities_segments` (bucket)
) ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
