-- Cutover flag store schema for MYSQL, table prefix 'cutover_'.
-- The same statements JdbcFlagStore.createSchemaIfMissing() runs; generated, do not edit.
-- For another prefix, replace 'cutover_' throughout.

CREATE TABLE IF NOT EXISTS `cutover_flags` (
  flag_key VARCHAR(128) NOT NULL PRIMARY KEY,
  version BIGINT NOT NULL,
  body MEDIUMTEXT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  updated_by VARCHAR(200) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS `cutover_revision` (
  id INTEGER NOT NULL PRIMARY KEY,
  revision BIGINT NOT NULL,
  CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS `cutover_audit` (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  flag_key VARCHAR(128) NOT NULL,
  version BIGINT NOT NULL,
  actor VARCHAR(200) NOT NULL,
  reason VARCHAR(2000) NOT NULL,
  before_body MEDIUMTEXT,
  after_body MEDIUMTEXT,
  at_ms BIGINT NOT NULL,
  revision BIGINT NOT NULL UNIQUE,
  INDEX `cutover_audit_by_key` (flag_key, revision)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS `cutover_instances` (
  service VARCHAR(128) NOT NULL,
  instance VARCHAR(128) NOT NULL,
  revision BIGINT NOT NULL,
  stages MEDIUMTEXT NOT NULL,
  state VARCHAR(16) NOT NULL,
  source VARCHAR(16) NOT NULL,
  sent_at BIGINT NOT NULL,
  interval_ms BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (service, instance)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO `cutover_revision` (id, revision) VALUES (1, 0);
