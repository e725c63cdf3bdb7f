#pragma once
// Calls and sends from other nodes to this node's services (internal to src/cluster). The link
// hands each incoming envelope here on its NATS thread; it is posted straight into the
// service's mailbox, with a reply port of the node as the source of a call. The reply runs on
// the service's own thread, finds its caller in the table kept here and is answered through
// the link. No relay service, no coroutine per call, no extra thread hop.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cluster.pb.h"
#include "cluster/cluster.hpp"
#include "runtime/node.hpp"

namespace stratus::cluster {

/// The calls this node is serving for others. Thread-safe.
class served_calls {
 public:
  using clock = std::chrono::steady_clock;
  /// Sends an answer to call `session` of node `to` (the link's, on the calling thread).
  using answer_fn = std::function<void(const std::string& to, std::uint64_t session,
                                       const runtime::result<std::string>& outcome)>;

  served_calls(runtime::node& node, const std::string& node_name, answer_fn answer)
      : node_(node), node_name_(node_name), answer_(std::move(answer)) {}

  /// Opens the reply port; `on_reply` hands a reply to replied() (it may outlive this).
  void open(std::function<void(runtime::envelope&)> on_reply) {
    port_ = node_.open_port(std::move(on_reply));
  }
  void close() { node_.close_port(port_); }

  /// The calls and sends of one incoming batch by service: each service gets its share in one
  /// post, runs it in one turn, and its replies leave in one batch.
  struct batch {
    struct group {
      runtime::address to;
      std::string service;
      std::vector<runtime::envelope> envelopes;
    };
    std::vector<group> groups;

    void add(runtime::address to, const std::string& service, runtime::envelope env) {
      for (group& g : groups) {
        if (g.to == to) {
          g.envelopes.push_back(std::move(env));
          return;
        }
      }
      groups.push_back({to, service, {}});
      groups.back().envelopes.push_back(std::move(env));
    }
  };

  /// A call or send from another node, into `out` for its service (on the NATS thread). What
  /// cannot be delivered is answered at once: no_handler (type not exposed), handler_failed
  /// (undecodable), no_such_service.
  void add(const stratus_cluster::Envelope& e, batch& out) {
    const bool is_call = e.kind() == stratus_cluster::Envelope::CALL;
    auto refuse = [&](runtime::call_errc code, std::string why) {
      if (is_call) answer_(e.from_node(), e.session(), runtime::call_error{code, std::move(why)});
    };
    const detail::exposed_type* type = detail::find_exposed(e.type());
    if (!type)
      return refuse(runtime::call_errc::no_handler, e.type() + " is not exposed on node " + node_name_);
    runtime::payload request;
    if (!type->parse(e.body(), request))
      return refuse(runtime::call_errc::handler_failed, "undecodable " + e.type());
    const runtime::address to = node_.lookup(e.service());
    if (to == runtime::no_address)
      return refuse(runtime::call_errc::no_such_service, no_service(e.service()));
    std::int32_t session = 0;
    if (is_call)
      session = remember({e.from_node(), e.session(), type, clock::now() + node_.options().call_timeout});
    out.add(to, e.service(),
            runtime::envelope{is_call ? port_ : runtime::no_address, session,
                              runtime::message_kind::send, std::move(request), e.request()});
  }

  /// Posts each service's share of `out`; the calls of a service that is gone meanwhile hear
  /// no_such_service.
  void post(batch& out) {
    for (batch::group& g : out.groups) {
      if (node_.post_all(g.to, g.envelopes)) continue;
      for (const runtime::envelope& env : g.envelopes) {
        if (env.session == 0) continue;
        if (std::optional<call> c = take(env.session))
          answer_(c->from_node, c->session,
                  runtime::call_error{runtime::call_errc::no_such_service, no_service(g.service)});
      }
    }
  }

  /// A local service's reply to a call from another node (on the service's thread).
  void replied(runtime::envelope& reply) {
    std::optional<call> c = take(reply.session);
    if (!c) return;  // expired: its caller was told
    runtime::result<std::string> r =
        runtime::call_error{runtime::call_errc::handler_failed, "unexpected reply"};
    if (reply.kind == runtime::message_kind::error && reply.body.holds<runtime::call_error>()) {
      r = std::move(reply.body.get<runtime::call_error>());
    } else if (reply.kind == runtime::message_kind::response) {
      if (std::optional<std::string> bytes = c->type->response_bytes(reply.body)) r = std::move(*bytes);
    }
    answer_(c->from_node, c->session, r);
  }

  /// Calls not answered within this node's call_timeout are answered `timeout`; a reply that
  /// comes later is dropped.
  void expire(clock::time_point now) {
    std::vector<call> late;
    {
      std::lock_guard lock(mu_);
      for (auto it = calls_.begin(); it != calls_.end();) {
        if (now >= it->second.deadline) {
          late.push_back(std::move(it->second));
          it = calls_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (const call& c : late)
      answer_(c.from_node, c.session,
              runtime::call_error{runtime::call_errc::timeout, "call timed out"});
  }

 private:
  struct call {
    std::string from_node;
    std::uint64_t session = 0;  // the caller's session on its node
    const detail::exposed_type* type = nullptr;
    clock::time_point deadline;
  };

  std::string no_service(const std::string& service) const {
    return "no service " + service + " on node " + node_name_;
  }

  /// Records a call; the local session to post it with (never 0).
  std::int32_t remember(call c) {
    std::lock_guard lock(mu_);
    std::int32_t s;
    do {
      if (++next_ <= 0) next_ = 1;
      s = next_;
    } while (calls_.count(s));  // after a wrap, a call still waiting keeps its session
    calls_.emplace(s, std::move(c));
    return s;
  }

  std::optional<call> take(std::int32_t session) {
    std::lock_guard lock(mu_);
    auto it = calls_.find(session);
    if (it == calls_.end()) return std::nullopt;
    call c = std::move(it->second);
    calls_.erase(it);
    return c;
  }

  runtime::node& node_;
  const std::string& node_name_;
  const answer_fn answer_;
  runtime::address port_ = runtime::no_address;
  std::mutex mu_;
  std::int32_t next_ = 0;
  std::unordered_map<std::int32_t, call> calls_;
};

}  // namespace stratus::cluster
