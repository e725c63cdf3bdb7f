#include "net/static_files.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace stratus::net {
namespace {

namespace http = boost::beast::http;
namespace fs = std::filesystem;

/// A temporary folder tree: root/ (served) beside outside/ (must never be reachable).
class static_files_test : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("stratus-www-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "root/sub");
    fs::create_directories(base_ / "outside");
    write("root/index.html", "<h1>hi</h1>");
    write("root/app.js", "export const x = 1;");
    write("root/style.css", "body{}");
    write("root/sub/index.html", "sub");
    write("root/a b.txt", "spaced");
    write("root/.env", "SECRET=1");
    write("root/big.bin", std::string(2000, 'x'));
    write("outside/secret.txt", "secret");
    fs::create_symlink(base_ / "outside/secret.txt", base_ / "root/escape.txt");
    fs::create_symlink(base_ / "outside", base_ / "root/escape_dir");
    fs::create_symlink(base_ / "root/app.js", base_ / "root/alias.js");
    www_options o;
    o.root = (base_ / "root").string();
    o.max_file_size = 1000;
    o.generated["/server-info.json"] = {"application/json", R"({"protocol":"protobuf"})"};
    files_ = std::make_unique<static_files>(o);
  }
  void TearDown() override { fs::remove_all(base_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(base_ / name, std::ios::binary) << text;
  }

  /// Answers one request and parses the response back.
  http::response<http::string_body> get(const std::string& target,
                                        http::verb method = http::verb::get,
                                        const std::string& if_none_match = "") {
    static_files::request req{method, target, 11};
    if (!if_none_match.empty()) req.set(http::field::if_none_match, if_none_match);
    auto gen = files_->respond(req, true);
    std::string wire;
    boost::beast::error_code ec;
    while (!gen.is_done()) {
      auto buffers = gen.prepare(ec);
      EXPECT_FALSE(ec) << ec.message();
      if (ec) break;
      std::size_t n = 0;
      for (auto b : buffers) {
        wire.append(static_cast<const char*>(b.data()), b.size());
        n += b.size();
      }
      gen.consume(n);
    }
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    if (method == http::verb::head) parser.skip(true);
    parser.put(boost::asio::buffer(wire), ec);
    EXPECT_FALSE(ec) << ec.message() << "\n" << wire;
    EXPECT_TRUE(parser.is_done()) << wire;
    return parser.release();
  }

  fs::path base_;
  std::unique_ptr<static_files> files_;
};

TEST_F(static_files_test, serves_index_html_for_the_root_and_folders) {
  auto res = get("/");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.body(), "<h1>hi</h1>");
  EXPECT_EQ(res[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(res[http::field::cache_control], "no-cache");
  EXPECT_TRUE(res.keep_alive());
  EXPECT_EQ(get("/sub/").body(), "sub");
  auto moved = get("/sub?x=1");
  EXPECT_EQ(moved.result(), http::status::moved_permanently);
  EXPECT_EQ(moved[http::field::location], "/sub/");
  // Never a protocol-relative "//sub/" (another host) nor raw bytes from the request.
  EXPECT_EQ(get("//sub")[http::field::location], "/sub/");
  fs::create_directories(base_ / "root/a b");
  EXPECT_EQ(get("/a%20b")[http::field::location], "/a%20b/");
}

TEST_F(static_files_test, content_types_follow_the_extension) {
  EXPECT_EQ(get("/app.js")[http::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(get("/style.css")[http::field::content_type], "text/css; charset=utf-8");
  EXPECT_EQ(static_files::content_type_of("x.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(static_files::content_type_of("x.json"), "application/json");
  EXPECT_EQ(static_files::content_type_of("x.map"), "application/json");
  EXPECT_EQ(static_files::content_type_of("x.svg"), "image/svg+xml");
  EXPECT_EQ(static_files::content_type_of("x.png"), "image/png");
  EXPECT_EQ(static_files::content_type_of("x.ico"), "image/x-icon");
  EXPECT_EQ(static_files::content_type_of("x.wasm"), "application/wasm");
  EXPECT_EQ(static_files::content_type_of("x.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(static_files::content_type_of("x.d.ts"), "text/plain; charset=utf-8");
  EXPECT_EQ(static_files::content_type_of("x"), "application/octet-stream");
  EXPECT_EQ(static_files::content_type_of(".js"), "application/octet-stream");
}

TEST_F(static_files_test, percent_escapes_and_query_strings) {
  EXPECT_EQ(get("/a%20b.txt?v=2#frag").body(), "spaced");
  EXPECT_EQ(get("//app.js").result(), http::status::ok);
  EXPECT_EQ(get("/%zz").result(), http::status::bad_request);
  EXPECT_EQ(get("/app.js%").result(), http::status::bad_request);
  EXPECT_EQ(get("/app.js%0").result(), http::status::bad_request);
}

TEST_F(static_files_test, refuses_traversal_in_every_spelling) {
  for (const char* target :
       {"/../outside/secret.txt", "/sub/../../outside/secret.txt", "/%2e%2e/outside/secret.txt",
        "/..%2foutside%2fsecret.txt", "/%2E%2E%2Foutside/secret.txt", "/sub/%2e%2e/index.html",
        "/./index.html", "/app.js%00.html", "/..\\outside\\secret.txt", "http://x/index.html", "*",
        "etc/passwd"}) {
    EXPECT_EQ(get(target).result(), http::status::bad_request) << target;
  }
  EXPECT_FALSE(static_files::decode_target("/a/%2e%2e/b"));
  EXPECT_EQ(static_files::decode_target("/a//b/"), "a/b");
  EXPECT_EQ(static_files::decode_target("/"), "");
}

TEST_F(static_files_test, symlinks_may_not_lead_outside_the_root) {
  EXPECT_EQ(get("/escape.txt").result(), http::status::not_found);
  EXPECT_EQ(get("/escape_dir/secret.txt").result(), http::status::not_found);
  EXPECT_EQ(get("/escape_dir/").result(), http::status::not_found);
  EXPECT_EQ(get("/alias.js").body(), "export const x = 1;");  // inside: fine
}

TEST_F(static_files_test, hidden_files_stay_hidden_behind_symlinks_and_fifos_are_not_opened) {
  fs::create_symlink(base_ / "root/.env", base_ / "root/env.txt");
  EXPECT_EQ(get("/env.txt").result(), http::status::not_found);
  ASSERT_EQ(::mkfifo((base_ / "root/pipe.txt").c_str(), 0600), 0);
  EXPECT_EQ(get("/pipe.txt").result(), http::status::not_found);  // would block if opened
}

TEST_F(static_files_test, hidden_missing_and_large_files) {
  auto hidden = get("/.env");
  EXPECT_EQ(hidden.result(), http::status::not_found);
  EXPECT_EQ(hidden.body(), "not found\n");
  EXPECT_EQ(get("/sub/.env").result(), http::status::not_found);
  EXPECT_EQ(get("/nope.html").result(), http::status::not_found);
  EXPECT_EQ(get("/big.bin").result(), http::status::forbidden);
}

TEST_F(static_files_test, other_methods_get_405) {
  auto res = get("/", http::verb::post);
  EXPECT_EQ(res.result(), http::status::method_not_allowed);
  EXPECT_EQ(res[http::field::allow], "GET, HEAD");
  EXPECT_EQ(get("/", http::verb::delete_).result(), http::status::method_not_allowed);
}

TEST_F(static_files_test, head_sends_headers_only) {
  auto res = get("/app.js", http::verb::head);
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_length], "19");
  EXPECT_EQ(res.body(), "");
}

TEST_F(static_files_test, etag_and_last_modified_allow_304) {
  auto res = get("/app.js");
  std::string etag(res[http::field::etag]);
  ASSERT_FALSE(etag.empty());
  EXPECT_TRUE(res[http::field::last_modified].ends_with("GMT"));
  EXPECT_EQ(get("/app.js", http::verb::get, etag).result(), http::status::not_modified);
  EXPECT_EQ(get("/app.js", http::verb::get, "\"other\", W/" + etag).result(),
            http::status::not_modified);
  EXPECT_EQ(get("/app.js", http::verb::get, "\"other\"").result(), http::status::ok);
}

TEST_F(static_files_test, generated_files_come_first) {
  auto res = get("/server-info.json");
  EXPECT_EQ(res.body(), R"({"protocol":"protobuf"})");
  EXPECT_EQ(res[http::field::content_type], "application/json");
}

TEST(static_files, a_missing_root_is_a_startup_error) {
  www_options o;
  o.root = "/nonexistent/stratus-www";
  EXPECT_THROW(static_files{o}, std::runtime_error);
}

}  // namespace
}  // namespace stratus::net
