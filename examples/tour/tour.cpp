// The five-minute tour of README.md as one program: two services, a one-way send, a call that
// waits without blocking a thread, a call that fails with a clear error, fork, sleep, timeout.
// Run it: build/release/bin/example_tour (CTest runs it and checks what it prints).
#include <chrono>
#include <cstdio>
#include <string>

#include "runtime/node.hpp"

namespace rt = stratus::runtime;
using namespace std::chrono_literals;

// tour:service
struct add { int a, b; using response = int; };  // a request and the type of its reply
struct hello { std::string who; };                // a one-way message (no response)
struct slow { int ms; using response = int; };   // a reply that takes a while

class calculator : public rt::service {
 public:
  static void describe(rt::handlers<calculator>& h) {  // the explicit handler list
    h.on(&calculator::on_add);
    h.on(&calculator::on_hello);
    h.on(&calculator::on_slow);
  }
  int on_add(add m) { return m.a + m.b; }                // sync handler: the reply
  void on_hello(hello h) { std::printf("calc: hello, %s\n", h.who.c_str()); }
  rt::task<int> on_slow(slow m) {                        // async handler: may co_await
    co_await sleep(std::chrono::milliseconds(m.ms));     // the service serves others meanwhile
    co_return m.ms;
  }
};
// tour:end

// tour:player
class player : public rt::service {
 public:
  void on_start() override { fork(play()); }  // skynet.fork

  rt::task<void> play() {
    send(".calc", hello{"world"});                          // skynet.send
    rt::result<int> sum = co_await call(".calc", add{1, 2});  // skynet.call: only this
    std::printf("player: 1 + 2 = %d\n", *sum);               // coroutine waits
    rt::result<int> late = co_await call(".calc", slow{500}, 100ms);  // a timeout of its own
    if (!late) std::printf("player: slow call failed: %s\n", late.error().message.c_str());
    timeout(50ms, [] { std::printf("player: timeout fired\n"); });    // skynet.timeout
    co_await sleep(100ms);                                    // skynet.sleep
    std::printf("player: done\n");
    owner().stop();  // the node shuts down: every service gets on_stop() and exits
  }
};
// tour:end

int main() {
  rt::node_options opts;
  opts.threads = 2;
  rt::node n(opts);
  n.launch_named<calculator>(".calc");  // the name is bound before any message can reach it
  n.launch_service<player>();
  n.run();  // start the workers; returns after stop()
  return 0;
}
