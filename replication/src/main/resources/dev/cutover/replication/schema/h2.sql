-- Cutover JdbcVersionedTarget table for H2, named 'versioned_entities'.
-- The same statements JdbcVersionedTarget.createTableIfMissing() runs (default JSON payload column);
-- kept equal to it by a test. For another table name, replace 'versioned_entities' throughout.

CREATE TABLE IF NOT EXISTS "versioned_entities" (
  entity_key VARCHAR(1024) NOT NULL PRIMARY KEY,
  bucket SMALLINT NOT NULL,
  version BIGINT NOT NULL,
  deleted BOOLEAN NOT NULL,
  payload CLOB,
  applied_at TIMESTAMP(3) WITH TIME ZONE NOT NULL
);

CREATE INDEX IF NOT EXISTS "versioned_entities_segments" ON "versioned_entities" (bucket, entity_key);
