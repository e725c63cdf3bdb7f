-- What the three nodes of examples/cluster share: the defaults of ../../config, one NATS, one
-- Redis and one MariaDB (accounts and tokens are cluster-wide, so a player may log in or
-- resume on any node). Each node's file includes this one and adds what is its own.
include "../../config"

cluster = {"nats://127.0.0.1:4222"}
cluster_heartbeat_ms = 500
cluster_dead_after_ms = 2000

cache = "redis"
redis_host = "127.0.0.1"
redis_port = 6379

db = "mysql"
mysql_host = "127.0.0.1"
mysql_port = 3306
mysql_user = "stratus"
mysql_password = "$STRATUS_MYSQL_PASSWORD"
mysql_database = "stratus"
