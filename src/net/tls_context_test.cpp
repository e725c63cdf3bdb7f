#include "net/tls_context.hpp"

#include <gtest/gtest.h>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>
#include <boost/asio/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "net/test_support.hpp"

namespace stratus::net {
namespace {

using namespace test;
using namespace std::chrono_literals;
namespace ssl = boost::asio::ssl;
namespace fs = std::filesystem;

/// Writes a fresh self-signed P-256 certificate (CN=cn, serial) and its key as PEM files.
void write_pair(const fs::path& cert, const fs::path& key, const char* cn, long serial) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
  ASSERT_TRUE(pkey && x);
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 86400);
  X509_set_pubkey(x.get(), pkey.get());
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(x.get(), name);
  ASSERT_GT(X509_sign(x.get(), pkey.get(), EVP_sha256()), 0);
  FILE* f = std::fopen(cert.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_X509(f, x.get());
  std::fclose(f);
  f = std::fopen(key.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_PrivateKey(f, pkey.get(), nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

/// A temporary folder with the pairs "a" and "b", and live.crt/live.key (a copy of "a").
struct cert_dir {
  cert_dir() {
    dir = fs::temp_directory_path() /
          ("stratus_tls_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(dir);
    write_pair(dir / "a.crt", dir / "a.key", "stratus-a", 1001);
    write_pair(dir / "b.crt", dir / "b.key", "stratus-b", 2002);
    use("a");
  }
  ~cert_dir() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  void use(const std::string& name) {
    fs::copy_file(dir / (name + ".crt"), dir / "live.crt", fs::copy_options::overwrite_existing);
    fs::copy_file(dir / (name + ".key"), dir / "live.key", fs::copy_options::overwrite_existing);
  }
  tls_files live() const { return {(dir / "live.crt").string(), (dir / "live.key").string()}; }

  static inline int counter = 0;
  fs::path dir;
};

/// A blocking wss:// client (no certificate check; the tests compare serials instead).
struct wss_client {
  asio::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  websocket::stream<ssl::stream<tcp::socket>> ws{ioc, ctx};

  boost::system::error_code open(std::uint16_t port) {
    connect_with_timeout(boost::beast::get_lowest_layer(ws), port);
    boost::system::error_code ec;
    ws.next_layer().handshake(ssl::stream_base::client, ec);
    if (ec) return ec;
    ws.handshake("127.0.0.1", "/", ec);
    ws.binary(true);
    return ec;
  }
  /// The serial number of the certificate the server presented.
  long serial() {
    X509* cert = SSL_get1_peer_certificate(ws.next_layer().native_handle());
    if (cert == nullptr) return -1;
    long s = ASN1_INTEGER_get(X509_get0_serialNumber(cert));
    X509_free(cert);
    return s;
  }
  std::string echo(const std::string& payload) {
    ws.write(asio::buffer(payload));
    boost::beast::flat_buffer buffer;
    boost::system::error_code ec;
    ws.read(buffer, ec);
    return ec ? "error: " + ec.message() : boost::beast::buffers_to_string(buffer.data());
  }
};

ws_options tls_options(const cert_dir& certs) {
  ws_options o;
  o.listen.tls = certs.live();
  return o;
}

TEST(tls_context, loads_a_pair_and_names_its_subject) {
  cert_dir certs;
  tls_load_result r = load_tls_context(certs.live());
  ASSERT_TRUE(r.context) << r.error;
  EXPECT_NE(r.description.find("CN=stratus-a"), std::string::npos) << r.description;
  EXPECT_NE(r.description.find("serial 03E9"), std::string::npos) << r.description;  // 1001
}

TEST(tls_context, a_key_of_another_pair_or_a_missing_file_is_an_error) {
  cert_dir certs;
  tls_load_result mismatched =
      load_tls_context({(certs.dir / "a.crt").string(), (certs.dir / "b.key").string()});
  EXPECT_FALSE(mismatched.context);
  EXPECT_NE(mismatched.error.find("b.key"), std::string::npos) << mismatched.error;
  tls_load_result missing =
      load_tls_context({(certs.dir / "nope.crt").string(), (certs.dir / "a.key").string()});
  EXPECT_FALSE(missing.context);
  EXPECT_NE(missing.error.find("nope.crt"), std::string::npos) << missing.error;
}

TEST(tls_context, a_listener_refuses_to_start_with_a_bad_pair) {
  cert_dir certs;
  ws_options o;
  o.listen.tls = {(certs.dir / "a.crt").string(), (certs.dir / "b.key").string()};
  EXPECT_THROW(test_server server(o), std::runtime_error);
}

TEST(tls_listener, echoes_over_wss_including_large_messages) {
  cert_dir certs;
  test_server server(tls_options(certs));
  wss_client c;
  ASSERT_FALSE(c.open(server.port()));
  EXPECT_EQ(c.serial(), 1001);
  EXPECT_EQ(c.echo("hello"), "hello");
  const std::string big(60000, 'x');  // several TLS records each way
  EXPECT_EQ(c.echo(big), big);
  EXPECT_EQ(server.stats().open.load(), 1);
}

TEST(tls_listener, plain_websocket_clients_are_refused_and_counted) {
  cert_dir certs;
  test_server server(tls_options(certs));
  ws_client plain;
  EXPECT_TRUE(plain.open(server.port()));  // the server closes instead of answering
  for (int i = 0; i < 100 && server.stats().refused_tls.load() == 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server.stats().refused_tls.load(), 1u);
  EXPECT_EQ(server.stats().open.load(), 0);
  wss_client good;
  EXPECT_FALSE(good.open(server.port()));
  EXPECT_EQ(good.echo("still"), "still");
}

TEST(tls_listener, the_tls_handshake_counts_against_the_handshake_timeout) {
  cert_dir certs;
  ws_options o = tls_options(certs);
  o.listen.handshake_timeout = 200ms;
  test_server server(o);
  asio::io_context ioc;
  tcp::socket silent(ioc);
  connect_with_timeout(silent, server.port());
  const auto started = std::chrono::steady_clock::now();
  char byte = 0;
  boost::system::error_code ec;
  silent.read_some(asio::buffer(&byte, 1), ec);
  EXPECT_EQ(ec, asio::error::eof) << ec.message();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST(tls_listener, limits_apply_to_tls_connections) {
  cert_dir certs;
  ws_options o = tls_options(certs);
  o.listen.max_connections = 1;
  test_server server(o);
  wss_client a, b;
  ASSERT_FALSE(a.open(server.port()));
  // Beyond the limit a TLS connection is closed before its handshake (which would cost the
  // TLS buffers): no 503, the socket just closes.
  const auto refused = b.open(server.port());
  EXPECT_TRUE(refused);
  EXPECT_NE(refused, websocket::error::upgrade_declined);
  EXPECT_EQ(server.stats().refused_full.load(), 1u);
}

TEST(tls_listener, a_connection_in_its_handshake_holds_its_place_until_the_timeout) {
  cert_dir certs;
  ws_options o = tls_options(certs);
  o.listen.max_connections = 1;
  o.listen.handshake_timeout = 300ms;
  test_server server(o);
  asio::io_context ioc;
  asio::ip::tcp::socket silent(ioc);
  silent.connect({asio::ip::make_address("127.0.0.1"), server.port()});  // never says hello
  const auto until = std::chrono::steady_clock::now() + 2s;
  while (server.stats().open.load() != 1 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(server.stats().open.load(), 1);
  wss_client refused;
  EXPECT_TRUE(refused.open(server.port()));
  EXPECT_EQ(server.stats().refused_full.load(), 1u);
  // The silent one is dropped at the handshake timeout and its place is free again.
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(server.stats().open.load(), 0);
  wss_client later;
  EXPECT_FALSE(later.open(server.port()));
}

TEST(tls_listener, reload_serves_the_new_pair_to_new_connections_only) {
  cert_dir certs;
  ws_options o = tls_options(certs);
  o.listen.host = "127.0.0.1";
  o.listen.port = 0;
  // The worker first: a pending accept holds a socket bound to it (see test_server).
  asio::io_context worker(1), accept(1);
  auto guard = asio::make_work_guard(worker);
  ws_listener listener(accept, {&worker}, o, [&](const connection_ptr& conn) {
    static close_recorder closes;
    conn->set_handler(std::make_shared<echo_handler>(closes));
  });
  listener.start();
  std::thread accept_thread([&] { accept.run(); }), worker_thread([&] { worker.run(); });

  wss_client before;
  ASSERT_FALSE(before.open(listener.port()));
  EXPECT_EQ(before.serial(), 1001);

  // A broken pair: the old one stays.
  fs::copy_file(certs.dir / "b.crt", certs.dir / "live.crt", fs::copy_options::overwrite_existing);
  tls_load_result broken = listener.reload_tls();
  EXPECT_FALSE(broken.context);
  EXPECT_FALSE(broken.error.empty());
  wss_client still_a;
  ASSERT_FALSE(still_a.open(listener.port()));
  EXPECT_EQ(still_a.serial(), 1001);

  certs.use("b");
  tls_load_result loaded = listener.reload_tls();
  ASSERT_TRUE(loaded.context) << loaded.error;
  wss_client after;
  ASSERT_FALSE(after.open(listener.port()));
  EXPECT_EQ(after.serial(), 2002);
  EXPECT_EQ(after.echo("new"), "new");
  EXPECT_EQ(before.echo("old"), "old");  // untouched by the reload

  accept.stop();
  worker.stop();
  accept_thread.join();
  worker_thread.join();
}

}  // namespace
}  // namespace stratus::net
