"""The fixtures other integration tests rely on: real redis-server, mariadbd and stratus."""


def test_redis_fixture_requires_auth_and_restarts_empty(redis_server):
    redis = redis_server(password="pw")
    assert redis.call("SET", "a", "1") == "OK"
    assert redis.call("GET", "a") == "1"
    redis.kill()
    redis.start()  # same port, no persistence
    assert redis.call("GET", "a") is None


def test_mariadb_fixture_serves_its_user_over_tcp_and_survives_restart(mariadb_server):
    db = mariadb_server.create_database()
    mariadb_server.query("CREATE TABLE t (id INT PRIMARY KEY, name TEXT)", db)
    mariadb_server.query("INSERT INTO t VALUES (1, 'x')", db)
    assert mariadb_server.query("SELECT id, name FROM t", db) == [["1", "x"]]
    mariadb_server.kill()
    mariadb_server.start()
    assert mariadb_server.query("SELECT name FROM t", db) == [["x"]]


def test_stratus_fixture_starts_and_stops_cleanly(stratus_server):
    server = stratus_server(wait_port=False, log_level="debug")
    assert "stratus started" in server.log_text()
    assert server.stop() == 0
    assert "stratus stopped" in server.log_text()
