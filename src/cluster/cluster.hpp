#pragma once
// Several stratus nodes as one server, over NATS (skynet's cluster.call / cluster.send, with
// the three things users of skynet, colyseus and pitaya complain about done right):
//   - a call to a node that died fails with call_errc::node_down within `cluster_dead_after_ms`
//     (never a hang), and later calls to it fail at once;
//   - a dead node's cluster-wide names are released by the same deadline (no dead entries);
//   - "the node is down or unreachable" (node_down) is never confused with a handler error.
//
// Messages that cross nodes are protobuf messages (they have a wire form and a name); a request
// type is made deliverable with expose<Req>() on the receiving node, and its response type is
// declared with STRATUS_RESPONSE(Req, Resp):
//
//     STRATUS_RESPONSE(game::PingReq, game::PingResp);        // once, at namespace scope
//     cluster::expose<game::PingReq>();                        // on the node that serves it
//     auto r = co_await cluster::call(*this, "node-b", ".pinger", req);  // result<game::PingResp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "runtime/service.hpp"

namespace stratus::runtime {
class config;
}
namespace stratus_cluster {
class Envelope;
}

/// Declares that a call of protobuf message Req is answered with Resp (any node).
#define STRATUS_RESPONSE(Req, Resp)                 \
  template <>                                       \
  struct stratus::runtime::response_of<Req> {       \
    using type = Resp;                              \
  }

namespace stratus::cluster {

/// Everything the cluster reads from the config.
struct cluster_options {
  std::vector<std::string> servers;               ///< `cluster`: NATS URLs; empty: single node
  std::string node_name;                          ///< `node_name`: unique in the cluster
  std::chrono::milliseconds heartbeat{500};       ///< `cluster_heartbeat_ms`
  std::chrono::milliseconds dead_after{2000};     ///< `cluster_dead_after_ms`
};

/// Reads cluster, node_name, cluster_heartbeat_ms, cluster_dead_after_ms.
cluster_options options_from(const runtime::config& cfg);

class link;

namespace detail {

/// What other nodes can deliver here: one protobuf request type. The link posts a request
/// straight to the local service from its NATS thread and serializes the reply on the thread
/// of the service that gives it.
struct exposed_type {
  virtual ~exposed_type() = default;
  /// The request in `bytes` as the message to post; false when it does not parse.
  virtual bool parse(const std::string& bytes, runtime::payload& out) const = 0;
  /// A reply's body as bytes for the calling node; nothing when it is not the response type.
  virtual std::optional<std::string> response_bytes(runtime::payload& body) const = 0;
};
void add_exposed(const std::string& type, std::unique_ptr<exposed_type> t);
/// The exposed type by its protobuf full name, or nullptr.
const exposed_type* find_exposed(const std::string& type);

template <class Req>
struct exposed_impl final : exposed_type {
  bool parse(const std::string& bytes, runtime::payload& out) const override {
    Req req;
    if (!req.ParseFromString(bytes)) return false;
    out = runtime::payload(std::move(req));
    return true;
  }
  std::optional<std::string> response_bytes(runtime::payload& body) const override {
    using Resp = runtime::response_of_t<Req>;
    if constexpr (std::is_same_v<Resp, runtime::done>) {
      return std::string();
    } else {
      if (!body.holds<Resp>()) return std::nullopt;
      return body.get<Resp>().SerializeAsString();
    }
  }
};

/// The state a caller waits on; completed once (reply, failure, timeout or node death).
struct remote_call {
  std::atomic<bool> finished{false};
  std::atomic<bool> alive{true};  // false once the waiting coroutine is gone
  runtime::result<std::string> outcome{
      runtime::call_error{runtime::call_errc::node_down, "not sent"}};
  std::coroutine_handle<> waiter;
  runtime::service* svc = nullptr;
  std::uint64_t request = 0;  // the caller's request (log lines), current again when it resumes
  /// Calls awaited together (call_others): the waiter resumes when this count reaches 0.
  std::shared_ptr<std::atomic<int>> group;
};

/// The node's link, or nullptr when it is not in a cluster.
link* link_of(runtime::node& n);

class remote_awaiter {
 public:
  remote_awaiter(runtime::service& self, std::string node, std::string service, std::string type,
                 std::string body, std::chrono::milliseconds timeout);
  remote_awaiter(const remote_awaiter&) = delete;
  ~remote_awaiter() { st_->alive.store(false, std::memory_order_release); }
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h);
  /// The reply, or why none came; counted in runtime::call_metrics.
  runtime::result<std::string> await_resume();

 private:
  runtime::service& self_;
  std::string node_, service_, type_, body_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<remote_call> st_;
};

/// A remote call's outcome as the response type Resp: its error, or the decoded response
/// (handler_failed when it does not decode).
template <class Resp>
runtime::result<Resp> decode_response(runtime::result<std::string> r) {
  if (!r) return std::move(r.error());
  Resp resp;
  if constexpr (!std::is_same_v<Resp, runtime::done>) {
    if (!resp.ParseFromString(*r))
      return runtime::call_error{runtime::call_errc::handler_failed,
                                 "undecodable " + Resp::descriptor()->full_name()};
  }
  return resp;
}

/// The same call to several nodes at once; resumes when every one has its outcome.
class fanout_awaiter {
 public:
  fanout_awaiter(runtime::service& self, std::vector<std::string> nodes, std::string service,
                 std::string type, std::string body, std::chrono::milliseconds timeout);
  fanout_awaiter(const fanout_awaiter&) = delete;
  ~fanout_awaiter();
  bool await_ready() const noexcept { return nodes_.empty(); }
  bool await_suspend(std::coroutine_handle<> h);
  /// Each node's outcome, in the order of the nodes given.
  std::vector<runtime::result<std::string>> await_resume();

 private:
  runtime::service& self_;
  std::vector<std::string> nodes_;
  std::string service_, type_, body_;
  std::chrono::milliseconds timeout_;
  std::vector<std::shared_ptr<remote_call>> calls_;
};

}  // namespace detail

/// Lets other nodes call or send Req (a protobuf message) to this node's services.
template <class Req>
void expose() {
  detail::add_exposed(Req::descriptor()->full_name(), std::make_unique<detail::exposed_impl<Req>>());
}

/// Calls `service` on node `node` and waits for its response (response_of_t<Req>): the same
/// errors as a local call (timeout, no_such_service, handler_failed, no_handler...), plus
/// node_down when the node is down, unknown or unreachable (or NATS is). `timeout` 0: the
/// node's call_timeout.
template <class Req>
runtime::task<runtime::result<runtime::response_of_t<Req>>> call(
    runtime::service& self, std::string node, std::string service, const Req& req,
    std::chrono::milliseconds timeout = std::chrono::milliseconds{0}) {
  using Resp = runtime::response_of_t<Req>;
  detail::remote_awaiter wait(self, std::move(node), std::move(service),
                              Req::descriptor()->full_name(), req.SerializeAsString(),
                              timeout.count() > 0 ? timeout : self.call_timeout());
  co_return detail::decode_response<Resp>(co_await wait);
}

/// What one node answered to call_others().
template <class Resp>
struct node_result {
  std::string node;
  runtime::result<Resp> result;
};

/// Calls `service` on each of `nodes` at once (the same request) and waits for all of them;
/// each node's outcome, in the order given (node_down for one that is or goes down).
template <class Req>
runtime::task<std::vector<node_result<runtime::response_of_t<Req>>>> call_each(
    runtime::service& self, std::vector<std::string> nodes, std::string service, const Req& req,
    std::chrono::milliseconds timeout = std::chrono::milliseconds{0});

/// call_each() to every other live node. Empty when this node is alone or not in a cluster.
template <class Req>
runtime::task<std::vector<node_result<runtime::response_of_t<Req>>>> call_others(
    runtime::service& self, std::string service, const Req& req,
    std::chrono::milliseconds timeout = std::chrono::milliseconds{0});

/// Sends Req to `service` on node `node`, one way; node_down when it cannot be sent now.
runtime::result<runtime::done> send_bytes(runtime::service& self, const std::string& node,
                                          const std::string& service, const std::string& type,
                                          std::string body);
template <class Req>
runtime::result<runtime::done> send(runtime::service& self, const std::string& node,
                                    const std::string& service, const Req& req) {
  return send_bytes(self, node, service, Req::descriptor()->full_name(), req.SerializeAsString());
}

/// Claims the cluster-wide name `name` for a service of this node (skynet's uniqueservice):
/// true when this node holds it now (it did already, or nobody alive did); false when a live
/// node holds it. The lease lasts while this node's heartbeats do.
bool claim(runtime::service& self, const std::string& name);
/// The node holding cluster-wide name `name` (this node included), if any live node does.
std::optional<std::string> owner_of(runtime::service& self, const std::string& name);
/// Calls the service registered under the cluster-wide name `name`, wherever it lives.
template <class Req>
runtime::task<runtime::result<runtime::response_of_t<Req>>> call_named(
    runtime::service& self, std::string name, const Req& req,
    std::chrono::milliseconds timeout = std::chrono::milliseconds{0}) {
  std::optional<std::string> node = owner_of(self, name);
  if (!node) co_return runtime::call_error{runtime::call_errc::no_such_service,
                                           "no live node holds " + name};
  co_return co_await call(self, std::move(*node), name, req, timeout);
}
/// The nodes alive now (this one first), by name.
std::vector<std::string> live_nodes(runtime::service& self);
/// When `node` last came up as this node sees it (this node: when it last connected to NATS);
/// nothing while it is down. What it sent before then may have been lost on the way.
std::optional<std::chrono::steady_clock::time_point> up_since(runtime::service& self,
                                                              const std::string& node);
/// This node's name ("" when not in a cluster).
std::string node_name(runtime::service& self);

template <class Req>
runtime::task<std::vector<node_result<runtime::response_of_t<Req>>>> call_others(
    runtime::service& self, std::string service, const Req& req,
    std::chrono::milliseconds timeout) {
  std::vector<std::string> nodes = live_nodes(self);
  if (!nodes.empty()) nodes.erase(nodes.begin());  // this node comes first
  co_return co_await call_each(self, std::move(nodes), std::move(service), req, timeout);
}

template <class Req>
runtime::task<std::vector<node_result<runtime::response_of_t<Req>>>> call_each(
    runtime::service& self, std::vector<std::string> nodes, std::string service, const Req& req,
    std::chrono::milliseconds timeout) {
  using Resp = runtime::response_of_t<Req>;
  detail::fanout_awaiter wait(self, nodes, std::move(service), Req::descriptor()->full_name(),
                              req.SerializeAsString(),
                              timeout.count() > 0 ? timeout : self.call_timeout());
  std::vector<runtime::result<std::string>> raw = co_await wait;
  std::vector<node_result<Resp>> out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i)
    out.push_back({nodes[i], detail::decode_response<Resp>(std::move(raw[i]))});
  co_return out;
}

/// `.cluster`: the node's link to the others (NATS connection, heartbeats, deadlines). Calls
/// from other nodes do not pass through it: the link posts them to their services directly.
/// Launched by the bootstrap when `cluster` is set.
class cluster_service : public runtime::service {
 public:
  explicit cluster_service(cluster_options opts);
  ~cluster_service() override;
  void on_start() override;
  void on_stop() override;

 private:
  runtime::task<void> ticks();

  cluster_options opts_;
  std::shared_ptr<link> link_;
};

}  // namespace stratus::cluster
