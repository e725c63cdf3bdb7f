// Typed sproto handlers in the driver, without a network: an agent on a stand-in connection,
// its sproto driver fed packets directly. Typed handlers answer with the same bytes as the
// dynamic (sproto::value) handlers they replace, errors included, and dispatching to them
// allocates nothing once the buffers are warm.
#include <gtest/gtest.h>

#include <coroutine>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "codec/sproto_wire.hpp"
#include "gate/sproto_driver.hpp"
#include "proto/c2s.hpp"
#include "sproto/gen/counting_new.hpp"
#include "sproto/pack.hpp"
#include "sproto/parser.hpp"

namespace stratus::gate {
namespace {

namespace c2s = proto::c2s;
using sproto::value;
using sproto::gen::no_body;

std::string proto_file(const char* name) {
  std::ifstream in(std::filesystem::path(__FILE__).parent_path() / "../../proto" / name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A connection that keeps the last packet sent (its buffer reused: no allocation).
class stand_in_connection final : public net::connection {
 public:
  std::uint64_t id() const noexcept override { return 7; }
  const char* transport() const noexcept override { return "test"; }
  const boost::asio::ip::tcp::endpoint& remote_endpoint() const noexcept override { return peer_; }
  executor_type get_executor() noexcept override { return io_.get_executor(); }
  void set_handler(std::shared_ptr<net::connection_handler>) override {}
  bool is_open() const noexcept override { return true; }
  bool send(std::span<const std::uint8_t> packet) override {
    last.assign(reinterpret_cast<const char*>(packet.data()), packet.size());
    ++sent;
    return true;
  }
  void close(std::uint16_t code, std::string_view) override { closed = code; }
  std::size_t queued_bytes() const noexcept override { return 0; }
  std::uint64_t bytes_in() const noexcept override { return 0; }
  std::uint64_t bytes_out() const noexcept override { return 0; }

  std::string last;
  int sent = 0;
  int closed = 0;

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::endpoint peer_;
};

// The typed handlers under test. signin answers ok with the userid as token (a view into the
// request: nothing copied); "refuse" is a BAD_REQUEST, "throw" throws.
runtime::task<reply<c2s::echo_response_view>> typed_echo(sproto_session&,
                                                         const c2s::echo_request_view& req) {
  c2s::echo_response_view resp;
  resp.data = req.data;
  co_return resp;
}
runtime::task<reply<c2s::signin_response_view>> typed_signin(sproto_session&,
                                                             const c2s::signin_request_view& req) {
  if (req.userid && *req.userid == "throw") throw std::runtime_error("boom");
  if (req.userid && *req.userid == "refuse")
    co_return handler_error{codec::error_code::bad_request, "no"};
  c2s::signin_response_view resp;
  resp.ok = true;
  if (req.userid) resp.token = *req.userid;
  co_return resp;
}
runtime::task<reply<no_body>> typed_ping(sproto_session&, const no_body&) {
  co_return no_body{};
}

// Waits (parked here until the test resumes it), then echoes: its request must still be whole.
std::coroutine_handle<> parked_echo;
struct park {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) noexcept { parked_echo = h; }
  void await_resume() const noexcept {}
};
runtime::task<reply<c2s::echo_response_view>> waiting_echo(sproto_session&,
                                                           const c2s::echo_request_view& req) {
  park wait;
  co_await wait;
  c2s::echo_response_view resp;
  resp.data = req.data;
  co_return resp;
}

// The same, on the dynamic API.
runtime::task<reply<value>> dynamic_echo(sproto_session&, const value& args) {
  value resp = value::make_object();
  if (const value* d = args.find("data")) resp["data"] = *d;
  co_return resp;
}
runtime::task<reply<value>> dynamic_signin(sproto_session&, const value& args) {
  const value* user = args.find("userid");
  if (user && user->as_bytes() == "throw") throw std::runtime_error("boom");
  if (user && user->as_bytes() == "refuse")
    co_return handler_error{codec::error_code::bad_request, "no"};
  value resp;
  resp["ok"] = true;
  if (user) resp["token"] = *user;
  co_return resp;
}
runtime::task<reply<value>> dynamic_ping(sproto_session&, const value&) {
  co_return value();
}

std::shared_ptr<sproto_app> bare_app() {
  auto app = std::make_shared<sproto_app>();
  app->c2s = *sproto::parse_schema(proto_file("proto.c2s.sproto"));
  app->s2c = *sproto::parse_schema(proto_file("proto.s2c.sproto"));
  app->pushes = *codec::sproto_push_framer::create(app->s2c);
  app->hub = std::make_shared<session_hub>(app->pushes, resume_limits{});
  app->heartbeat = std::chrono::milliseconds(0);
  return app;
}

std::shared_ptr<const sproto_app> typed_app() {
  auto app = bare_app();
  app->add<c2s::protocol::echo>(&typed_echo).add<c2s::protocol::signin>(&typed_signin);
  app->add<c2s::protocol::ping>(&typed_ping);
  return app;
}

std::shared_ptr<const sproto_app> dynamic_app() {
  auto app = bare_app();
  app->add("echo", &dynamic_echo).add("signin", &dynamic_signin).add("ping", &dynamic_ping);
  return app;
}

/// Runs a task to its end on this thread (the test handlers never wait).
struct eager {
  struct promise_type : runtime::detail::pooled_frame {
    eager get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
};
eager run_to_end(runtime::task<void> work) {
  co_await std::move(work);
}

/// One connection's agent and driver.
class connection_under_test {
 public:
  explicit connection_under_test(std::shared_ptr<const sproto_app> app)
      : conn_(std::make_shared<stand_in_connection>()),
        agent_(conn_, [this, app](agent& a) -> std::unique_ptr<protocol_driver> {
          auto d = std::make_unique<sproto_driver>(a, app);
          driver_ = d.get();
          return d;
        }) {}

  /// What one packet gets back: the error reply written at once, or the handler's reply.
  struct outcome {
    std::string reply;
    bool malformed = false;
    int sent = 0;
    bool operator==(const outcome&) const = default;
  };
  outcome feed(std::string_view packet) {
    outcome o;
    const int before = conn_->sent;
    conn_->last.clear();
    if (auto work = driver_->decode(packet, scratch_, o.malformed)) {
      run_to_end(std::move(*work));
      o.reply = conn_->last;
    } else {  // refused (the reply in scratch_), or answered already (sent)
      o.reply = scratch_.empty() ? conn_->last : scratch_;
      scratch_.clear();
    }
    o.sent = conn_->sent - before;
    return o;
  }
  /// The last packet sent on the connection, and how many were sent.
  const std::string& last_sent() const { return conn_->last; }
  int sent() const { return conn_->sent; }
  /// Same, keeping nothing (for counting allocations).
  void feed_only(std::string_view packet) {
    bool malformed = false;
    if (auto work = driver_->decode(packet, scratch_, malformed)) run_to_end(std::move(*work));
  }

 private:
  std::shared_ptr<stand_in_connection> conn_;
  sproto_driver* driver_ = nullptr;
  agent agent_;
  std::string scratch_;
};

/// Client requests, framed as on the wire.
class client {
 public:
  client() : host_(*sproto::host::create(*sproto::parse_schema(proto_file("proto.c2s.sproto")))) {}
  std::string request(std::string_view name, const value& args,
                      std::optional<std::int64_t> session) {
    std::string framed;
    codec::frame_sproto(*host_.request(name, args, session), framed);
    return framed;
  }
  /// A packet whose header is {type = tag, session} and whose body is `body` (unpacked).
  std::string raw(std::int64_t tag, std::int64_t session, std::string_view body) {
    std::string plain;
    host_.header()->encode(tag, session, std::nullopt, plain);
    plain.append(body);
    std::string framed;
    codec::frame_sproto(sproto::pack(plain), framed);
    return framed;
  }

 private:
  sproto::host host_;
};

TEST(sproto_typed, answers_with_the_same_bytes_as_dynamic_handlers_errors_included) {
  client c;
  connection_under_test typed(typed_app());
  connection_under_test dynamic(dynamic_app());
  const std::string packets[] = {
      c.request("echo", value(sproto::object{{"data", "hello"}}), 1),
      c.request("echo", value(sproto::object{{"data", std::string(3000, 'x')}}), 2),
      c.request("echo", value::make_object(), 3),                         // no data
      c.request("echo", value(sproto::object{{"data", "one way"}}), {}),  // no reply
      c.request("signin", value(sproto::object{{"userid", "alice"}}), 4),
      c.request("signin", value(sproto::object{{"userid", "refuse"}}), 5),  // BAD_REQUEST
      c.request("signin", value(sproto::object{{"userid", "throw"}}), 6),   // INTERNAL
      c.request("signin", value(sproto::object{{"userid", "throw"}}), {}),  // no reply
      c.request("ping", value(), 7),                                        // header only
      c.request("ping", value(), std::int64_t{1} << 40),
      c.request("login", value(), 8),  // no handler: UNKNOWN_MESSAGE_TYPE
      c.request("resume", value(sproto::object{{"token", "nope"}, {"last_seq", std::int64_t{0}}}),
                9),
      c.raw(3, 10, std::string("\x01\x00\x04\x00", 4)),  // userid inline: INVALID_MESSAGE
      c.raw(3, 11, std::string("\x05\x00", 2)),          // words past the end
      c.raw(99, 12, std::string("\x00\x00", 2)),         // unknown protocol
      c.raw(5, 13, std::string()),                       // header only: padding decodes
      std::string("\x00\x05\x11\x02\x00\x00", 6),        // length prefix mismatch
      std::string("\x00\x02\xff\x00", 4),                // bad packing
  };
  for (const std::string& packet : packets) {
    const auto want = dynamic.feed(packet);
    const auto got = typed.feed(packet);
    EXPECT_EQ(got.reply, want.reply) << "packet of " << packet.size() << " bytes";
    EXPECT_EQ(got.malformed, want.malformed) << "packet of " << packet.size() << " bytes";
    EXPECT_EQ(got.sent, want.sent) << "packet of " << packet.size() << " bytes";
  }
  // And the replies are what the client expects.
  auto host = *sproto::host::create(*sproto::parse_schema(proto_file("proto.c2s.sproto")));
  std::string request = *host.request("signin", value(sproto::object{{"userid", "bob"}}), 21);
  std::string framed;
  codec::frame_sproto(request, framed);
  auto reply = typed.feed(framed);
  ASSERT_EQ(reply.sent, 1);
  auto in = host.dispatch(reply.reply.substr(2));
  ASSERT_TRUE(in.ok()) << in.error().message;
  const auto& resp = std::get<sproto::incoming_response>(*in);
  EXPECT_EQ(resp.args["ok"].as_bool(), true);
  EXPECT_EQ(resp.args["token"].as_bytes(), "bob");
}

TEST(sproto_typed, a_handler_that_waits_answers_when_it_resumes_with_its_request_whole) {
  client c;
  auto app = bare_app();
  app->add<c2s::protocol::echo>(&waiting_echo);
  connection_under_test waiting(app);
  connection_under_test at_once(typed_app());
  const std::string packet =
      c.request("echo", value(sproto::object{{"data", std::string(200, 'w')}}), 5);
  const auto want = at_once.feed(packet);
  ASSERT_EQ(want.sent, 1);
  const auto started = waiting.feed(packet);
  EXPECT_EQ(started.sent, 0);  // waiting: no reply yet
  ASSERT_TRUE(parked_echo);
  std::exchange(parked_echo, {}).resume();
  EXPECT_EQ(waiting.sent(), 1);
  EXPECT_EQ(waiting.last_sent(), want.reply);
}

TEST(sproto_typed, registration_checks_the_generated_protocol_against_the_schema) {
  auto app = std::make_shared<sproto_app>();
  app->c2s = *sproto::parse_schema(
      ".package { type 0 : integer session 1 : integer }\n"
      "signin 4 { request { userid 0 : string } response { ok 0 : boolean } }\n"
      "echo 5 { request { data 0 : string } }\n");
  EXPECT_THROW(app->add<c2s::protocol::signin>(&typed_signin), std::logic_error);  // tag 4
  EXPECT_THROW(app->add<c2s::protocol::echo>(&typed_echo), std::logic_error);      // no response
  EXPECT_FALSE(app->serves("signin"));
  // A dynamic handler replaces a typed one for the same protocol, and the other way round.
  auto both = bare_app();
  both->add<c2s::protocol::echo>(&typed_echo);
  both->add("echo", &dynamic_echo);
  EXPECT_FALSE(both->typed_for(5));
  both->add<c2s::protocol::echo>(&typed_echo);
  EXPECT_TRUE(both->typed_for(5));
  EXPECT_TRUE(both->handlers.empty());
  EXPECT_EQ(both->served(), 1u);
}

// Once the driver's buffers have grown, a typed request costs no allocation: the header and
// the body are decoded in place (strings as views), the reply is encoded and packed into
// reused buffers, and the handler's coroutine frame and the decoded request come from the
// runtime's frame pool (a handler that waits adds the frame of the rest of its run, pooled
// too). Under AddressSanitizer the pool is off and those are the only allocations. Not
// counted here: what the agent around the driver adds (the root frame of a handler that
// waits, pooled too, and a copy of a packet that waits while another is served) and the
// transport's send queue.
TEST(sproto_typed, dispatch_to_typed_handlers_allocates_nothing_per_request) {
  client c;
  connection_under_test typed(typed_app());
  connection_under_test dynamic(dynamic_app());
  const std::string packets[] = {
      c.request("echo", value(sproto::object{{"data", std::string(100, 'e')}}), 1),
      c.request("signin", value(sproto::object{{"userid", "a user with a long name"}}), 2),
      c.request("ping", value(), 3),
      c.request("echo", value(sproto::object{{"data", "one way"}}), {}),
  };
  auto count = [&](connection_under_test& conn) {
    for (const std::string& p : packets) conn.feed_only(p);  // warm-up
    const std::size_t before = allocations.load();
    for (int i = 0; i < 100; ++i)
      for (const std::string& p : packets) conn.feed_only(p);
    return allocations.load() - before;
  };
  const std::size_t typed_allocations = count(typed);
  const std::size_t dynamic_allocations = count(dynamic);
#if defined(__SANITIZE_ADDRESS__)
  EXPECT_LE(typed_allocations, 3u * 100 * std::size(packets));
#else
  EXPECT_EQ(typed_allocations, 0u);
#endif
  // The dynamic API builds sproto::value trees: it does allocate (so the count above does see
  // what a driver allocates).
  EXPECT_GT(dynamic_allocations, 100u);
  std::printf(
      "allocations per 100 x {echo 100 B, signin, ping, one-way echo}: typed %zu, dynamic %zu\n",
      typed_allocations, dynamic_allocations);
}

}  // namespace
}  // namespace stratus::gate
