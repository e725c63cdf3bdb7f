#pragma once
// The NATS side of a node (internal to src/cluster): the connection, what it knows of the other
// nodes (heartbeats, incarnations, names) and the calls waiting for an answer. cluster.cpp holds
// the public API and the `.cluster` service that owns one of these.

#include <nats/nats.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "cluster.pb.h"
#include "cluster/cluster.hpp"
#include "cluster/outbox.hpp"
#include "cluster/resumptions.hpp"
#include "cluster/served.hpp"
#include "runtime/log.hpp"
#include "runtime/node.hpp"
#include "runtime/worker.hpp"

namespace stratus::cluster {

inline constexpr const char* heartbeat_subject = "stratus.heartbeat";

/// The subject a node receives its calls and answers on.
inline std::string node_subject(const std::string& node) {
  return "stratus.node." + node;
}

using runtime::call_errc;
using runtime::call_error;
using clock = std::chrono::steady_clock;

/// The NATS side of a node: the connection, what it knows of the other nodes, and the calls
/// waiting for an answer. Thread-safe: NATS callbacks run on the client library's threads,
/// callers on their services' threads.
///
/// Envelopes leave in batches, one NATS message per destination node for everything a worker
/// produced in one turn: the first envelope queued posts a flush to its worker's io_context,
/// which runs after the handlers already queued there (64 callers resumed by one incoming
/// batch send their next 64 calls in one message). A lone call waits for nothing.
///
/// Calls from other nodes go from the NATS thread straight into their services' mailboxes,
/// with the link's reply port as the source: the reply is serialized and queued on the thread
/// of the service that gives it, and leaves with that worker's next flush. No relay service,
/// no coroutine per call, no extra thread hop.
class link : public std::enable_shared_from_this<link> {
 public:
  link(runtime::node& node, cluster_options opts)
      : node_(node), opts_(std::move(opts)),
        incarnation_(std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32)) {}

  ~link() { close(); }

  /// Starts connecting (in the background when no server answers yet: the node keeps
  /// serving its own clients and joins when NATS comes).
  void start() {
    natsOptions* o = nullptr;
    natsOptions_Create(&o);
    std::vector<const char*> urls;
    for (const auto& s : opts_.servers) urls.push_back(s.c_str());
    natsOptions_SetServers(o, urls.data(), static_cast<int>(urls.size()));
    natsOptions_SetName(o, ("stratus " + opts_.node_name).c_str());
    natsOptions_SetMaxReconnect(o, -1);
    natsOptions_SetReconnectWait(o, 250);
    natsOptions_SetRetryOnFailedConnect(o, true, &link::on_connected, this);
    natsOptions_SetDisconnectedCB(o, &link::on_disconnected, this);
    natsOptions_SetReconnectedCB(o, &link::on_connected, this);
    natsOptions_SetClosedCB(o, &link::on_closed, this);
    natsOptions_SetPingInterval(o, 1000);
    natsOptions_SetMaxPingsOut(o, 2);
    natsOptions_SetSendAsap(o, true);  // a call is one small message: do not wait to batch
    // Nothing is kept to be sent after a reconnect: a call that failed with node_down while
    // NATS was away must not run later anyway (cnats keeps 8 MB by default; 0 means that; the
    // one message even this keeps is not published: see outbox::publish).
    natsOptions_SetReconnectBufSize(o, 1);
    served_.open([weak = weak_from_this()](runtime::envelope& reply) {
      if (auto self = weak.lock()) self->served_.replied(reply);
    });
    natsStatus s = natsConnection_Connect(&nc_, o);
    natsOptions_Destroy(o);
    if (s == NATS_NOT_YET_CONNECTED) {
      runtime::log::warn("cluster: NATS ({}) not reachable yet; serving this node's clients and "
                         "retrying", join(opts_.servers));
    } else if (s != NATS_OK) {
      runtime::log::error("cluster: cannot use NATS: {}", natsStatus_GetText(s));
      return;
    } else {
      connected_since_ = clock::now();
      connected_.store(true);
    }
    natsConnection_Subscribe(&inbox_, nc_, node_subject(opts_.node_name).c_str(),
                             &link::on_envelope, this);
    natsConnection_Subscribe(&beats_, nc_, heartbeat_subject, &link::on_heartbeat, this);
    // A busy node must not be cut off as a slow consumer: the services' mailboxes hold the work.
    natsSubscription_SetPendingLimits(inbox_, 1 << 20, 512 << 20);
    natsSubscription_SetPendingLimits(beats_, 1 << 16, 64 << 20);
    runtime::log::info("cluster: node {} (incarnation {:x}) {} {}", opts_.node_name, incarnation_,
                       connected_ ? "joined through" : "will join through", join(opts_.servers));
  }

  void close() {
    if (!nc_) return;
    publish_heartbeat(true);
    natsConnection_FlushTimeout(nc_, 500);
    closing_.store(true);
    if (inbox_) natsSubscription_Unsubscribe(inbox_);
    if (beats_) natsSubscription_Unsubscribe(beats_);
    natsConnection_Close(nc_);
    served_.close();
    // The closed callback is the connection's last: after it nothing calls into this object.
    closed_.get_future().wait_for(std::chrono::seconds(5));
    if (inbox_) natsSubscription_Destroy(std::exchange(inbox_, nullptr));
    if (beats_) natsSubscription_Destroy(std::exchange(beats_, nullptr));
    // A flush on a worker may be publishing.
    outbox_.exclusive([this] { natsConnection_Destroy(std::exchange(nc_, nullptr)); });
    fail_all("this node is stopping");
  }

  const std::string& name() const noexcept { return opts_.node_name; }
  bool connected() const noexcept { return connected_.load(); }

  // ----- calls from this node -----

  /// Registers and publishes a call; the error when it cannot be sent now.
  std::optional<call_error> start_call(const std::string& node, const std::string& service,
                                       const std::string& type, const std::string& body,
                                       std::chrono::milliseconds timeout,
                                       const std::shared_ptr<detail::remote_call>& st) {
    std::uint64_t session = 0;
    std::uint64_t incarnation = 0;
    {
      std::lock_guard lock(mu_);
      if (auto refusal = unreachable_locked(node)) return refusal;
      incarnation = node == opts_.node_name ? incarnation_ : peers_[node].incarnation;
      session = ++next_session_;
      pending_.emplace(session, pending{node, incarnation, clock::now() + timeout, st});
    }
    stratus_cluster::Envelope e;
    e.set_kind(stratus_cluster::Envelope::CALL);
    e.set_session(session);
    e.set_from_node(opts_.node_name);
    e.set_service(service);
    e.set_type(type);
    e.set_body(body);
    e.set_incarnation(incarnation);
    e.set_request(runtime::log::current_request());
    enqueue(node, e, session, st->svc->io_context());
    return std::nullopt;
  }

  /// A one-way send, queued on `ctx` (the sender's thread) like a call.
  std::optional<call_error> send(const std::string& node, const std::string& service,
                                 const std::string& type, std::string body,
                                 boost::asio::io_context& ctx) {
    {
      std::lock_guard lock(mu_);
      if (auto refusal = unreachable_locked(node)) return refusal;
    }
    stratus_cluster::Envelope e;
    e.set_kind(stratus_cluster::Envelope::SEND);
    e.set_from_node(opts_.node_name);
    e.set_service(service);
    e.set_type(type);
    e.set_body(std::move(body));
    e.set_request(runtime::log::current_request());
    enqueue(node, e, 0, ctx);
    return std::nullopt;
  }

  /// Answers call `session` of node `to`, queued on `ctx` (the answering thread's).
  void answer(const std::string& to, std::uint64_t session, const runtime::result<std::string>& r,
              boost::asio::io_context& ctx) {
    stratus_cluster::Envelope e;
    e.set_session(session);
    e.set_from_node(opts_.node_name);
    if (r) {
      e.set_kind(stratus_cluster::Envelope::REPLY);
      e.set_body(*r);
    } else {
      e.set_kind(stratus_cluster::Envelope::FAIL);
      e.set_error(static_cast<int>(r.error().code));
      e.set_message(r.error().message);
    }
    enqueue(to, e, 0, ctx);
  }

  /// The io_context of the worker running this thread, else the first one's.
  boost::asio::io_context& here() {
    runtime::worker* w = runtime::worker::current();
    return w ? w->io_context() : node_.io_context(0);
  }

  // ----- membership -----

  /// Every tick: calls past their deadline fail with timeout; each heartbeat interval: a
  /// heartbeat goes out and nodes silent for dead_after are dead (their calls fail).
  void tick(clock::time_point now) {
    std::vector<std::shared_ptr<detail::remote_call>> timed_out;
    std::vector<std::pair<std::shared_ptr<detail::remote_call>, std::string>> dead;
    {
      std::lock_guard lock(mu_);
      for (auto it = pending_.begin(); it != pending_.end();) {
        if (now >= it->second.deadline) {
          timed_out.push_back(it->second.st);
          it = pending_.erase(it);
        } else {
          ++it;
        }
      }
      for (auto& [name, p] : peers_) {
        if (p.alive && now - p.last_seen > opts_.dead_after) {
          p.alive = false;
          runtime::log::warn("cluster: node {} is down (silent for {} ms)", name,
                             std::chrono::duration_cast<std::chrono::milliseconds>(now - p.last_seen).count());
          take_node_locked(name, 0, dead);
        }
      }
    }
    for (auto& st : timed_out)
      finish(st, call_error{call_errc::timeout, "no answer from the other node in time"});
    for (auto& [st, node] : dead) finish(st, call_error{call_errc::node_down, "node " + node + " is down"});
    if (now - last_sweep_ >= std::chrono::milliseconds(250)) {
      last_sweep_ = now;
      served_.expire(now);
    }
    if (now - last_beat_ >= opts_.heartbeat) {
      last_beat_ = now;
      publish_heartbeat(false);
    }
  }

  bool claim(const std::string& name) {
    {
      std::lock_guard lock(mu_);
      for (const auto& [node, p] : peers_)
        if (p.alive && p.names.count(name)) return false;
      names_.insert(name);
    }
    publish_heartbeat(false);
    return true;
  }

  std::optional<std::string> owner_of(const std::string& name) {
    std::lock_guard lock(mu_);
    if (names_.count(name)) return opts_.node_name;
    for (const auto& [node, p] : peers_)
      if (p.alive && p.names.count(name)) return node;
    return std::nullopt;
  }

  /// When `node` last came up as this node sees it (this node: when it last connected to
  /// NATS); nothing while it is down. What a node sent before then may have been lost.
  std::optional<clock::time_point> up_since(const std::string& node) {
    std::lock_guard lock(mu_);
    if (node == opts_.node_name)
      return connected_.load() ? std::optional<clock::time_point>(connected_since_) : std::nullopt;
    auto it = peers_.find(node);
    if (it == peers_.end() || !it->second.alive) return std::nullopt;
    return it->second.up_since;
  }

  std::vector<std::string> live_nodes() {
    std::lock_guard lock(mu_);
    std::vector<std::string> out{opts_.node_name};
    for (const auto& [node, p] : peers_)
      if (p.alive) out.push_back(node);
    return out;
  }

 private:
  struct pending {
    std::string node;
    std::uint64_t incarnation;
    clock::time_point deadline;
    std::shared_ptr<detail::remote_call> st;
  };
  struct peer {
    std::uint64_t incarnation = 0;
    clock::time_point last_seen{};
    clock::time_point up_since{};  // when it last came up (heard after being down)
    bool alive = false;
    std::set<std::string> names;
  };

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
  }

  std::optional<call_error> unreachable_locked(const std::string& node) {
    if (!connected_.load()) return call_error{call_errc::node_down, "NATS is unreachable"};
    if (node == opts_.node_name) return std::nullopt;
    auto it = peers_.find(node);
    if (it == peers_.end() || !it->second.alive)
      return call_error{call_errc::node_down, "node " + node + " is down or unknown"};
    return std::nullopt;
  }

  /// Queues `e` for `node` and, if no flush is waiting yet, posts one to `ctx`. `session`: the
  /// call it starts (0: none), which fails with node_down if its batch cannot be published.
  void enqueue(const std::string& node, const stratus_cluster::Envelope& e, std::uint64_t session,
               boost::asio::io_context& ctx) {
    switch (outbox_.add(node_subject(node), e, session)) {
      case outbox::then::nothing:
        return;
      case outbox::then::flush:
        boost::asio::post(ctx, [self = shared_from_this()] { self->flush(); });
        return;
      case outbox::then::bound: {
        // A round's last worker flushes; should it be held up (a long handler), this does.
        auto timer = std::make_shared<boost::asio::steady_timer>(ctx, round_wait);
        timer->async_wait([timer, self = shared_from_this()](const boost::system::error_code& ec) {
          if (!ec && self->outbox_.pending()) self->flush();
        });
        return;
      }
    }
  }

  /// The longest a call queued during a round waits for the round's last worker.
  static constexpr std::chrono::microseconds round_wait{500};

  void flush() {
    outbox_.flush([this] { return connection(); },
                  [this](const std::vector<std::uint64_t>& sessions, const std::string& why) {
                    for (std::uint64_t session : sessions)
                      finish(take(session), call_error{call_errc::node_down, why});
                  });
  }

  /// The connection to publish on, nullptr while NATS is away (under the outbox's flush lock).
  natsConnection* connection() const { return connected_.load() ? nc_ : nullptr; }

  void publish_heartbeat(bool leaving) {
    if (!nc_) return;
    stratus_cluster::Heartbeat hb;
    hb.set_node(opts_.node_name);
    hb.set_incarnation(incarnation_);
    hb.set_leaving(leaving);
    {
      std::lock_guard lock(mu_);
      for (const auto& n : names_) hb.add_names(n);
    }
    std::string bytes = hb.SerializeAsString();
    natsConnection_Publish(nc_, heartbeat_subject, bytes.data(), static_cast<int>(bytes.size()));
  }

  std::shared_ptr<detail::remote_call> take(std::uint64_t session) {
    std::lock_guard lock(mu_);
    auto it = pending_.find(session);
    if (it == pending_.end()) return nullptr;
    auto st = std::move(it->second.st);
    pending_.erase(it);
    return st;
  }

  /// Moves the calls to `node` (of any incarnation but `keep`, 0: all) into `out`.
  void take_node_locked(const std::string& node, std::uint64_t keep,
                        std::vector<std::pair<std::shared_ptr<detail::remote_call>, std::string>>& out) {
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.node == node && (keep == 0 || it->second.incarnation != keep)) {
        out.emplace_back(std::move(it->second.st), node);
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void fail_all(const std::string& why) {
    std::vector<std::shared_ptr<detail::remote_call>> all;
    {
      std::lock_guard lock(mu_);
      for (auto& [s, p] : pending_) all.push_back(std::move(p.st));
      pending_.clear();
    }
    for (auto& st : all) finish(st, call_error{call_errc::node_down, why});
  }

  /// This worker's part of a round is done (see outbox::begin_round).
  void round_done() {
    if (outbox_.end_round()) flush();
  }

  // ----- NATS callbacks (client library threads) -----

  static void on_connected(natsConnection*, void* self) {
    auto* l = static_cast<link*>(self);
    {
      std::lock_guard lock(l->mu_);
      l->connected_since_ = clock::now();
    }
    if (!l->connected_.exchange(true))
      runtime::log::info("cluster: connected to NATS as node {}", l->opts_.node_name);
    l->publish_heartbeat(false);
  }

  static void on_closed(natsConnection*, void* self) {
    auto* l = static_cast<link*>(self);
    l->connected_.store(false);
    l->closed_.set_value();
  }

  static void on_disconnected(natsConnection*, void* self) {
    auto* l = static_cast<link*>(self);
    if (l->connected_.exchange(false))
      runtime::log::warn("cluster: lost NATS; cross-node calls fail until it is back");
    // Every peer counts as down until its heartbeat comes through NATS again: a peer heard from
    // is connected and subscribed, so a call sent to it cannot vanish into a NATS server that
    // has nobody to give it to (and wait for the whole call timeout).
    {
      std::lock_guard lock(l->mu_);
      for (auto& [name, p] : l->peers_) p.alive = false;
    }
    l->fail_all("NATS is unreachable");
  }

  static void on_envelope(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
    auto* l = static_cast<link*>(self);
    if (l->closing_.load()) {
      natsMsg_Destroy(msg);
      return;
    }
    stratus_cluster::Batch batch;
    const bool ok = batch.ParseFromArray(natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
    natsMsg_Destroy(msg);
    if (!ok) {
      runtime::log::warn("cluster: undecodable batch dropped");
      return;
    }
    resumptions answered;
    served_calls::batch calls;
    for (stratus_cluster::Envelope& e : *batch.mutable_envelopes()) l->dispatch(e, answered, calls);
    answered.post([l](int workers) { l->outbox_.begin_round(workers); },
                  [self = l->shared_from_this()] { self->round_done(); });
    l->served_.post(calls);
  }

  static void on_heartbeat(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
    auto* l = static_cast<link*>(self);
    if (l->closing_.load()) {
      natsMsg_Destroy(msg);
      return;
    }
    stratus_cluster::Heartbeat hb;
    const bool ok = hb.ParseFromArray(natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
    natsMsg_Destroy(msg);
    if (ok && hb.node() != l->opts_.node_name) l->heard(hb);
  }

  void heard(const stratus_cluster::Heartbeat& hb) {
    std::vector<std::pair<std::shared_ptr<detail::remote_call>, std::string>> dead;
    bool came_up = false;
    {
      std::lock_guard lock(mu_);
      peer& p = peers_[hb.node()];
      if (hb.leaving()) {
        if (p.alive) runtime::log::info("cluster: node {} left", hb.node());
        p.alive = false;
        p.names.clear();
        take_node_locked(hb.node(), 0, dead);
      } else {
        if (p.incarnation != 0 && p.incarnation != hb.incarnation()) {
          // Restarted: calls sent to its former life will never be answered.
          runtime::log::warn("cluster: node {} restarted", hb.node());
          take_node_locked(hb.node(), hb.incarnation(), dead);
          p.up_since = clock::now();
          came_up = true;
        } else if (!p.alive) {
          runtime::log::info("cluster: node {} is up", hb.node());
          p.up_since = clock::now();
          came_up = true;
        }
        p.incarnation = hb.incarnation();
        p.last_seen = clock::now();
        p.alive = true;
        p.names = {hb.names().begin(), hb.names().end()};
        // Two nodes claimed one name: the smaller node name keeps it.
        for (auto it = names_.begin(); it != names_.end();) {
          if (p.names.count(*it) && hb.node() < opts_.node_name) {
            runtime::log::warn("cluster: name {} is held by node {}; released here", *it, hb.node());
            it = names_.erase(it);
          } else {
            ++it;
          }
        }
      }
    }
    for (auto& [st, node] : dead)
      finish(st, call_error{call_errc::node_down, "node " + node + " is down"});
    // A node that came up (or back, after NATS was away) hears this one at once, not a
    // heartbeat interval later: until then it would leave this node out of its fan-outs.
    if (came_up) publish_heartbeat(false);
  }

  /// Answers complete their calls (into `answered`); calls and sends go to their services.
  void dispatch(stratus_cluster::Envelope& e, resumptions& answered, served_calls::batch& calls) {
    switch (e.kind()) {
      case stratus_cluster::Envelope::REPLY:
        answered.add(take(e.session()), std::move(*e.mutable_body()));
        return;
      case stratus_cluster::Envelope::FAIL: {
        auto code = static_cast<call_errc>(e.error());
        if (code == call_errc::node_down) code = call_errc::handler_failed;  // not ours to say
        answered.add(take(e.session()), call_error{code, e.message()});
        return;
      }
      case stratus_cluster::Envelope::CALL:
        if (e.incarnation() != 0 && e.incarnation() != incarnation_) {
          // Meant for this node's former life (it restarted): the caller hears node_down.
          stratus_cluster::Envelope fail;
          fail.set_kind(stratus_cluster::Envelope::FAIL);
          fail.set_session(e.session());
          fail.set_error(static_cast<int>(call_errc::dead_service));
          fail.set_message("node " + opts_.node_name + " restarted");
          outbox_.publish_now([this] { return connection(); }, node_subject(e.from_node()), fail);
          return;
        }
        [[fallthrough]];
      case stratus_cluster::Envelope::SEND:
        served_.add(e, calls);
        return;
      default:
        return;
    }
  }

  runtime::node& node_;
  const cluster_options opts_;
  served_calls served_{node_, opts_.node_name,
                       [this](const std::string& to, std::uint64_t session,
                              const runtime::result<std::string>& r) { answer(to, session, r, here()); }};
  clock::time_point last_sweep_{};
  const std::uint64_t incarnation_;
  natsConnection* nc_ = nullptr;
  natsSubscription* inbox_ = nullptr;
  natsSubscription* beats_ = nullptr;
  std::atomic<bool> connected_{false};
  clock::time_point connected_since_{};  // guarded by mu_
  std::atomic<bool> closing_{false};
  std::promise<void> closed_;
  clock::time_point last_beat_{};

  outbox outbox_;

  std::mutex mu_;
  std::uint64_t next_session_ = 0;
  std::unordered_map<std::uint64_t, pending> pending_;
  std::map<std::string, peer> peers_;
  std::set<std::string> names_;

  friend class cluster_service;
};


}  // namespace stratus::cluster
