-- Accounts of the demo game (SQLite flavour; the MySQL twin is 0001_accounts.mysql.sql).
-- Naming rule: NNNN_name.sql runs on every engine, NNNN_name.<engine>.sql only on that engine.
-- SQLite needs "INTEGER PRIMARY KEY AUTOINCREMENT" where MySQL needs "BIGINT AUTO_INCREMENT",
-- so this table cannot be written once for both. SQLite's INTEGER is 64-bit.
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account VARCHAR(64) NOT NULL UNIQUE,
  password_hash VARCHAR(255) NOT NULL,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
