-- Accounts of the demo game (MySQL/MariaDB flavour; the SQLite twin is 0001_accounts.sqlite.sql).
-- Naming rule: NNNN_name.sql runs on every engine, NNNN_name.<engine>.sql only on that engine.
CREATE TABLE accounts (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account VARCHAR(64) NOT NULL UNIQUE,
  password_hash VARCHAR(255) NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
