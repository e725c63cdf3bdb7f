#pragma once
// The envelopes a node has queued for the other nodes (internal to src/cluster): one serialized
// stratus_cluster.Batch per destination node, published as one NATS message when the link
// flushes (split between envelopes when it exceeds NATS's payload limit). Thread-safe.

#include <nats/nats.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cluster.pb.h"

namespace stratus::cluster {

class outbox {
 public:
  /// What the caller of add() is to arrange: nothing (a flush is pending already), a flush
  /// soon (`flush`), or, while a round runs (below), a bound on the wait for its end (`bound`).
  enum class then { nothing, flush, bound };

  /// Queues `e` for the node whose subject is `subject`. `session`: the call it starts (0:
  /// none), handed to flush()'s `failed` if its batch cannot be published.
  then add(const std::string& subject, const stratus_cluster::Envelope& e, std::uint64_t session) {
    std::lock_guard lock(mu_);
    batch& b = queued_[subject];
    append_entry(b.bytes, e);
    if (session) b.sessions.push_back(session);
    if (std::exchange(flush_pending_, true)) return then::nothing;
    return rounds_ == 0 ? then::flush : then::bound;
  }

  /// A round: one incoming batch resumes callers on `workers` workers. What is queued while it
  /// runs leaves in one flush by the last worker to finish, not one flush per worker.
  void begin_round(int workers) {
    std::lock_guard lock(mu_);
    rounds_ += workers;
  }

  /// One worker's part of a round is done: true when it was the last and something is
  /// queued (the caller flushes).
  bool end_round() {
    std::lock_guard lock(mu_);
    return --rounds_ == 0 && flush_pending_;
  }

  bool pending() {
    std::lock_guard lock(mu_);
    return flush_pending_;
  }

  /// Publishes everything queued on the connection `connection()` gives (called under the flush
  /// lock; nullptr: not connected). `failed(sessions, why)` for each batch that did not go.
  template <class Connection, class Failed>
  void flush(Connection connection, Failed failed) {
    std::lock_guard flushing(flush_mu_);
    {
      std::lock_guard lock(mu_);
      flush_pending_ = false;
      queued_.swap(sending_);  // queued_ gets the emptied buffers back, capacity kept
    }
    natsConnection* nc = connection();
    for (auto& [subject, b] : sending_) {
      if (b.bytes.empty()) continue;
      if (const natsStatus s = publish(nc, subject, b.bytes); s != NATS_OK)
        failed(b.sessions, std::string("cannot publish to NATS: ") + natsStatus_GetText(s));
      b.bytes.clear();
      b.sessions.clear();
    }
  }

  /// Publishes `e` alone, now (off the batching path).
  template <class Connection>
  void publish_now(Connection connection, const std::string& subject,
                   const stratus_cluster::Envelope& e) {
    std::string bytes;
    append_entry(bytes, e);
    std::lock_guard flushing(flush_mu_);
    (void)publish(connection(), subject, bytes);
  }

  /// Runs `f` while no flush is publishing (the link destroys its connection in it).
  template <class F>
  void exclusive(F f) {
    std::lock_guard flushing(flush_mu_);
    f();
  }

 private:
  struct batch {
    std::string bytes;                    // a serialized Batch
    std::vector<std::uint64_t> sessions;  // the calls among its envelopes
  };

  /// Appends `e` to `to` as one `envelopes` entry of a Batch (field 1, length-delimited).
  static void append_entry(std::string& to, const stratus_cluster::Envelope& e) {
    const std::size_t size = e.ByteSizeLong();
    to.push_back('\x0a');
    for (std::size_t v = size;; v >>= 7) {
      if (v < 0x80) {
        to.push_back(static_cast<char>(v));
        break;
      }
      to.push_back(static_cast<char>((v & 0x7f) | 0x80));
    }
    const std::size_t at = to.size();
    to.resize(at + size);
    e.SerializeWithCachedSizesToArray(reinterpret_cast<std::uint8_t*>(to.data() + at));
  }

  /// The length of the whole entry at the start of `p` (tag, length, envelope); 0 if malformed.
  static std::size_t entry_length(const char* p, std::size_t n) {
    std::size_t size = 0, i = 1;
    for (int shift = 0; i < n && shift < 64; shift += 7) {
      const auto b = static_cast<unsigned char>(p[i++]);
      size |= std::size_t{b & 0x7fu} << shift;
      if (b < 0x80) return i + size <= n ? i + size : 0;
    }
    return 0;
  }

  /// Publishes `bytes` on `subject`, in pieces of whole entries within NATS's payload limit.
  static natsStatus publish(natsConnection* nc, const std::string& subject, const std::string& bytes) {
    if (!nc) return NATS_CONNECTION_CLOSED;
    // While cnats reconnects it keeps the first message published for after the reconnect
    // (its buffer check is "already full", so even a 1-byte buffer takes one message), and the
    // link hears of the disconnect only later, on cnats's callback thread. A call failed with
    // node_down meanwhile must not run later: publish only on a connection that is up. (What
    // is left is the instant between this check and the publish.)
    if (natsConnection_Status(nc) != NATS_CONN_STATUS_CONNECTED) return NATS_CONNECTION_DISCONNECTED;
    const auto limit =
        static_cast<std::size_t>(std::max<std::int64_t>(natsConnection_GetMaxPayload(nc), 1024));
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
      std::size_t n = 0;
      while (n < left) {
        const std::size_t entry = entry_length(p + n, left - n);
        if (entry == 0) return NATS_PROTOCOL_ERROR;
        if (n > 0 && n + entry > limit) break;
        n += entry;  // alone when larger than the limit: NATS refuses it
      }
      if (natsStatus s = natsConnection_Publish(nc, subject.c_str(), p, static_cast<int>(n));
          s != NATS_OK)
        return s;
      p += n;
      left -= n;
    }
    return NATS_OK;
  }

  std::mutex mu_;
  std::unordered_map<std::string, batch> queued_;  // by subject
  bool flush_pending_ = false;
  int rounds_ = 0;  // workers of rounds still resuming callers
  std::mutex flush_mu_;  // held by the one flush publishing
  std::unordered_map<std::string, batch> sending_;
};

}  // namespace stratus::cluster
