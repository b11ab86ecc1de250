-- Cutover JdbcVersionedTarget table for POSTGRESQL, named 'versioned_entities'.
-- The same statements JdbcVersionedTarget.createTableIfMissing() runs (default JSON payload column);
-- kept equal to it by a test. For another table name, replace 'versioned_entities' throughout.
-- The primary key (bucket, entity_key) is the only index: the target gives every lookup of a key
-- its bucket (CRC-32C of the key's UTF-8 bytes modulo 1024). A query of your own by entity_key
-- alone cannot use it: add bucket = <the key's bucket>, or an index on (entity_key) of your own.

CREATE TABLE IF NOT EXISTS "versioned_entities" (
  entity_key VARCHAR(1024) COLLATE "C" NOT NULL,
  bucket SMALLINT NOT NULL,
  version BIGINT NOT NULL,
  deleted BOOLEAN NOT NULL,
  payload JSONB,
  applied_at TIMESTAMP(3) WITH TIME ZONE NOT NULL,
  PRIMARY KEY (bucket, entity_key)
);
