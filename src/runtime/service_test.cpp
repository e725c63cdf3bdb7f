// Semantics of services, send and call, through a real multi-threaded node.
#include "runtime/service.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/node.hpp"
#include "runtime/offload.hpp"

namespace stratus::runtime {
namespace {

using namespace std::chrono_literals;

struct add {
  int a, b;
  using response = int;
};
struct slow_add {
  int a, b;
  std::chrono::milliseconds delay;
  using response = int;
};
struct boom {
  using response = int;
};
struct quit {};
// An aggregate with members that own memory: what GCC 12 destroys twice when it is built inside
// a co_await expression, and what call<M>(to, args...) builds outside it.
struct greet {
  std::string name;
  std::vector<std::string> titles;
  using response = std::string;
};

class calculator : public service {
 public:
  static void describe(handlers<calculator>& h) {
    h.on(&calculator::on_add);
    h.on(&calculator::on_slow_add);
    h.on(&calculator::on_boom);
    h.on(&calculator::on_quit);
    h.on(&calculator::on_greet);
  }
  std::string on_greet(greet m) {
    std::string out = "hello";
    for (const auto& t : m.titles) out += " " + t;
    return out + " " + m.name;
  }
  int on_add(add m) { return m.a + m.b; }
  task<int> on_slow_add(slow_add m) {
    co_await sleep(m.delay);
    co_return m.a + m.b;
  }
  int on_boom(boom) { throw std::runtime_error("kaboom"); }
  void on_quit(quit) { exit(); }
};

node_options opts(int threads = 2) {
  node_options o;
  o.threads = threads;
  o.call_timeout = 2000ms;
  return o;
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { n_.start(); }
  void TearDown() override {
    n_.stop();
    n_.wait();
  }
  void exec(std::function<task<void>(service&)> body) {
    auto f = n_.exec(std::move(body));
    ASSERT_EQ(f.wait_for(10s), std::future_status::ready) << "coroutine did not finish";
    f.get();
  }
  node n_{opts()};
};

TEST_F(ServiceTest, CallReturnsTheHandlersValue) {
  address calc = n_.launch_service<calculator>();
  exec([&](service& s) -> task<void> {
    result<int> r = co_await s.call(calc, add{2, 3});
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(*r, 5);
    result<int> slow = co_await s.call(calc, slow_add{4, 5, 20ms});
    EXPECT_EQ(*slow, 9);
  });
}

TEST_F(ServiceTest, CallBuildsTheMessageInPlaceFromItsFields) {
  address calc = n_.launch_named<calculator>("calc_in_place");
  exec([&](service& s) -> task<void> {
    std::vector<std::string> titles{"dr", "prof"};
    std::string name(40, 'x');  // long enough to own heap memory
    auto by_name = co_await s.call<greet>("calc_in_place", name, titles);
    EXPECT_EQ(by_name.value(), "hello dr prof " + name);
    auto by_address = co_await s.call<greet>(calc, std::string("ann"));
    EXPECT_EQ(by_address.value(), "hello ann");
    auto sum = co_await s.call<add>(calc, 2, 3);
    EXPECT_EQ(sum.value(), 5);
  });
}

TEST_F(ServiceTest, CallToUnknownNameOrDeadAddressFailsAtOnce) {
  exec([&](service& s) -> task<void> {
    auto r = co_await s.call(".nobody", add{1, 1});
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, call_errc::no_such_service);
    auto r2 = co_await s.call(address{0x7f00001}, add{1, 1});
    EXPECT_EQ(r2.error().code, call_errc::dead_service);
  });
}

TEST_F(ServiceTest, CallTimesOutAndTheLateReplyIsDropped) {
  address calc = n_.launch_service<calculator>();
  exec([&](service& s) -> task<void> {
    auto t0 = std::chrono::steady_clock::now();
    auto r = co_await s.call(calc, slow_add{1, 1, 400ms}, 50ms);
    auto waited = std::chrono::steady_clock::now() - t0;
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, call_errc::timeout);
    EXPECT_LT(waited, 390ms);
    co_await s.sleep(450ms);  // the late reply arrives and must be ignored
    auto ok = co_await s.call(calc, add{1, 1});
    EXPECT_EQ(*ok, 2);
  });
}

TEST_F(ServiceTest, ThrowingHandlerGivesAnErrorAndTheServiceKeepsServing) {
  address calc = n_.launch_service<calculator>();
  exec([&](service& s) -> task<void> {
    auto r = co_await s.call(calc, boom{});
    EXPECT_EQ(r.error().code, call_errc::handler_failed);
    EXPECT_NE(r.error().message.find("kaboom"), std::string::npos);
    auto ok = co_await s.call(calc, add{20, 22});
    EXPECT_EQ(*ok, 42);
  });
}

TEST_F(ServiceTest, UnhandledMessageTypeGivesNoHandler) {
  address calc = n_.launch_service<calculator>();
  struct unknown {
    using response = int;
  };
  exec([&](service& s) -> task<void> {
    auto r = co_await s.call(calc, unknown{});
    EXPECT_EQ(r.error().code, call_errc::no_handler);
  });
}

TEST_F(ServiceTest, CalleeExitingMidCallAnswersDeadService) {
  address calc = n_.launch_service<calculator>();
  exec([&](service& s) -> task<void> {
    s.fork([](service& s, address calc) -> task<void> {
      co_await s.sleep(30ms);
      s.send(calc, quit{});
    }(s, calc));
    auto r = co_await s.call(calc, slow_add{1, 2, 1000ms});
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, call_errc::dead_service);
    auto after = co_await s.call(calc, add{1, 2});
    EXPECT_EQ(after.error().code, call_errc::dead_service);
  });
}

// A service that exits after its first message, with more requests queued behind it.
class one_shot : public service {
 public:
  static void describe(handlers<one_shot>& h) { h.on(&one_shot::on_add); }
  int on_add(add m) {
    exit();
    return m.a + m.b;
  }
};

TEST_F(ServiceTest, ExitWithQueuedCallersAnswersEveryOne) {
  address target = n_.launch_service<one_shot>();
  std::atomic<int> ok{0}, dead{0};
  constexpr int callers = 50;
  std::vector<std::future<void>> done;
  for (int i = 0; i < callers; ++i) {
    done.push_back(n_.exec([&, target](service& s) -> task<void> {
      auto r = co_await s.call(target, add{1, 1});
      if (r.ok())
        ++ok;
      else if (r.error().code == call_errc::dead_service)
        ++dead;
    }));
  }
  for (auto& f : done) ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(dead.load(), callers - 1);
}

class named_calc : public calculator {
 public:
  static void describe(handlers<named_calc>& h) {
    h.on(&calculator::on_add);
    h.on(&calculator::on_quit);
    h.on(&calculator::on_greet);
  }
  std::string on_greet(greet m) {
    std::string out = "hello";
    for (const auto& t : m.titles) out += " " + t;
    return out + " " + m.name;
  }
  void on_start() override { registered = register_name(".calc"); }
  bool registered = false;
};

TEST_F(ServiceTest, UniqueNamesAndLookup) {
  address first = n_.launch_service<named_calc>();
  exec([&](service& s) -> task<void> {
    co_await s.sleep(20ms);
    EXPECT_EQ(s.lookup(".calc"), first);
    EXPECT_FALSE(s.register_name(".calc")) << "a name is unique while its holder lives";
    auto r = co_await s.call(".calc", add{3, 4});
    EXPECT_EQ(*r, 7);
    s.send(first, quit{});
    co_await s.sleep(20ms);
    EXPECT_EQ(s.lookup(".calc"), no_address) << "the name dies with its service";
    EXPECT_TRUE(s.register_name(".calc"));
  });
}

struct stamped {
  address from;
  int seq;
};
struct report {
  using response = std::map<address, int>;
};

// Receives sequences from many senders and records any out-of-order arrival.
class sequence_checker : public service {
 public:
  static void describe(handlers<sequence_checker>& h) {
    h.on(&sequence_checker::on_stamp);
    h.on(&sequence_checker::on_report);
  }
  void on_stamp(stamped m) {
    int& last = last_[m.from];
    if (m.seq != last + 1) ++errors_;
    last = m.seq;
  }
  std::map<address, int> on_report(report) {
    auto out = last_;
    out[0] = errors_;
    return out;
  }

 private:
  std::map<address, int> last_;
  int errors_ = 0;
};

TEST(ServiceOrdering, ManySendersManyReceiversKeepPerPairOrder) {
  node n(opts(4));
  n.start();
  constexpr int senders = 8, receivers = 4, per_pair = 5000;
  std::vector<address> rx;
  for (int i = 0; i < receivers; ++i) rx.push_back(n.launch_service<sequence_checker>());
  std::vector<std::future<void>> done;
  std::vector<address> tx(senders);
  for (int i = 0; i < senders; ++i) {
    done.push_back(n.exec([&, i](service& s) -> task<void> {
      tx[i] = s.self();
      for (int seq = 1; seq <= per_pair; ++seq) {
        for (address r : rx) s.send(r, stamped{s.self(), seq});
        if (seq % 500 == 0) co_await s.sleep(std::chrono::milliseconds(1));  // interleave
      }
    }));
  }
  for (auto& f : done) ASSERT_EQ(f.wait_for(30s), std::future_status::ready);
  auto check = n.exec([&](service& s) -> task<void> {
    for (address r : rx) {
      auto seen = co_await s.call(r, report{});
      EXPECT_TRUE(seen.ok());
      EXPECT_EQ((*seen)[0], 0) << "out-of-order messages at receiver";
      EXPECT_EQ(seen->size(), senders + 1u);
      for (address t : tx) EXPECT_EQ((*seen)[t], per_pair);
    }
  });
  ASSERT_EQ(check.wait_for(30s), std::future_status::ready);
  check.get();
  n.stop();
  n.wait();
}

// ----- the request id follows a request through the calls it makes -----

struct traced_back {
  std::string label;
  using response = std::string;
};
struct traced_front {
  std::string label;
  std::promise<void>* done;
};
struct untraced {
  std::promise<void>* done;
};

class back_service : public service {
 public:
  static void describe(handlers<back_service>& h) { h.on(&back_service::on_back); }
  task<std::string> on_back(traced_back m) {
    log::info("{}: back got the call", m.label);
    co_await sleep(20ms);  // the other request runs meanwhile
    log::info("{}: back after its sleep", m.label);
    co_return m.label;
  }
};

class front_service : public service {
 public:
  explicit front_service(address back) : back_(back) {}
  static void describe(handlers<front_service>& h) {
    h.on(&front_service::on_front);
    h.on(&front_service::on_untraced);
  }
  task<void> on_front(traced_front m) {
    log::info("{}: front start", m.label);
    auto r = co_await call<traced_back>(back_, m.label);
    log::info("{}: front got {}", m.label, r.value());
    std::string label = m.label;
    auto job = [label] { log::info("{}: in the work lane", label); };
    co_await offload(*this, std::move(job));
    log::info("{}: front done", m.label);
    m.done->set_value();
  }
  void on_untraced(untraced m) {
    log::info("u: no request here");
    m.done->set_value();
  }

 private:
  address back_;
};

TEST(RequestId, LinesInCalledServicesCarryTheCallersRequest) {
  namespace fs = std::filesystem;
  const fs::path file =
      fs::temp_directory_path() / ("stratus_request_id_" + std::to_string(getpid()) + ".log");
  fs::remove(file);
  log::init({.level = "info", .file = file.string()});
  {
    node n(opts());
    n.start();
    address back = n.launch_on<back_service>(1);
    address front = n.launch_on<front_service>(0, back);
    std::promise<void> a_done, b_done, u_done;
    {
      log::request_scope request(0xa1);
      n.send(front, traced_front{"a", &a_done});
    }
    {
      log::request_scope request(0xb2);
      n.send(front, traced_front{"b", &b_done});
    }
    n.send(front, untraced{&u_done});
    for (auto* p : {&a_done, &b_done, &u_done})
      ASSERT_EQ(p->get_future().wait_for(10s), std::future_status::ready);
    n.stop();
    n.wait();
  }
  log::flush();
  log::init({});
  std::ifstream in(file);
  std::map<char, int> seen;
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(": ");
    if (colon == std::string::npos || colon < 1) continue;
    const char label = line[colon - 1];
    if (label == 'a') {
      EXPECT_NE(line.find(" req=00000000000000a1 "), std::string::npos) << line;
    } else if (label == 'b') {
      EXPECT_NE(line.find(" req=00000000000000b2 "), std::string::npos) << line;
    } else if (label == 'u') {
      EXPECT_EQ(line.find("req="), std::string::npos) << line;
    } else {
      continue;
    }
    ++seen[label];
  }
  fs::remove(file);
  EXPECT_EQ(seen['a'], 6);
  EXPECT_EQ(seen['b'], 6);
  EXPECT_EQ(seen['u'], 1);
}

TEST(RequestId, FreshIdsAreNonZeroAndDistinctAcrossThreads) {
  std::vector<std::uint64_t> ids;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::vector<std::uint64_t> mine;
      for (int i = 0; i < 10000; ++i) mine.push_back(log::next_request_id());
      std::lock_guard lock(mu);
      ids.insert(ids.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  std::sort(ids.begin(), ids.end());
  EXPECT_NE(ids.front(), 0u);
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
}

}  // namespace
}  // namespace stratus::runtime
