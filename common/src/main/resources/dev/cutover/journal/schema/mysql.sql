-- Cutover failed-write journal schema for MYSQL, table prefix 'cutover_'.
-- The same statements JdbcFailedWriteJournal.createSchemaIfMissing() runs; generated, do not edit.
-- For another prefix, replace 'cutover_' throughout.

CREATE TABLE IF NOT EXISTS `cutover_failed_writes` (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  repository VARCHAR(200) NOT NULL,
  method VARCHAR(200) NOT NULL,
  entity_key VARCHAR(512),
  target VARCHAR(16) NOT NULL,
  reason VARCHAR(32) NOT NULL,
  detail VARCHAR(1000) NOT NULL,
  at DATETIME(3) NOT NULL,
  resolved_at DATETIME(3),
  INDEX `cutover_failed_writes_pending` (resolved_at, id),
  INDEX `cutover_failed_writes_key` (entity_key(191), repository(64), target)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS `cutover_gaps` (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  repository VARCHAR(200) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  from_at DATETIME(3) NOT NULL,
  to_at DATETIME(3) NOT NULL,
  detail VARCHAR(1000) NOT NULL,
  closed_at DATETIME(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
