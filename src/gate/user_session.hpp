#pragma once
// A logged-in user's session (wire.md "Sessions"): outlives its connection for resume_grace_s,
// numbers its pushes (seq 1, 2, 3, ...), keeps the recent ones for a resume, and knows its rooms.
// Thread-safe: any service may push to it; the connection's writes happen on the connection's
// own thread, in seq order.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "codec/push.hpp"
#include "net/connection.hpp"

namespace stratus::gate {

/// Why a session ended (the hook's argument).
enum class session_end {
  closed,    ///< the client closed its connection (close frame 1000/1001)
  replaced,  ///< the user logged in on another connection (4001)
  kicked,    ///< the server's own code kicked it (4002, or another code)
  expired,   ///< its connection dropped and no resume came within resume_grace_s
  shutdown,  ///< the server is going away (drain)
  failed,    ///< the server closed the connection for a fault (policy, send queue)
};
/// "closed", "replaced", ...
const char* to_string(session_end why) noexcept;

/// How long and how much a session keeps for a resume.
struct resume_limits {
  std::chrono::milliseconds grace{30000};  ///< `resume_grace_s`; 0: no resume
  std::size_t buffer = 256;                ///< `resume_buffer`: pushes kept at most
};

/// What a session is, apart from its connection: enough to carry on elsewhere (a resume on
/// another node after this one drained).
struct session_state {
  std::int64_t userid = 0;
  std::string name;
  std::string token;
  std::uint32_t seq = 0;   ///< the last push's seq
  std::uint32_t lost = 0;  ///< pushes up to this seq are no longer kept
  std::vector<std::pair<std::uint32_t, codec::push_ptr>> kept;  ///< seq and body, oldest first
  std::vector<std::string> rooms;
};

class user_session {
 public:
  using clock = std::chrono::steady_clock;

  user_session(std::int64_t userid, std::string name, std::string token,
               std::shared_ptr<const codec::push_framer> framer, resume_limits limits);

  std::int64_t userid() const noexcept { return userid_; }
  /// The user's name as the protocol shows it (sproto: the signed-in userid string).
  const std::string& name() const noexcept { return name_; }
  const std::string& token() const noexcept { return token_; }
  const codec::push_framer& framer() const noexcept { return *framer_; }

  /// Sends `push` with the session's next seq, and keeps it for a resume. Posted to the
  /// connection's thread, so pushes from any thread reach the client in seq order; a slow
  /// reader's own send queue (max_send_queue) is all it can fill. False once the session ended.
  bool push(const codec::push_ptr& push);

  /// Puts the session on `conn` (the login's connection). Call on conn's thread.
  void attach(const net::connection_ptr& conn);
  /// The id of the connection the session is on; 0 while it has none.
  std::uint64_t connection_id() const;
  /// True while the session is on connection `id`.
  bool on(std::uint64_t connection_id) const;
  /// Connection `id` dropped without a close frame: the session waits for a resume. False when
  /// it was not on that connection (it moved, or ended).
  bool detach(std::uint64_t connection_id, clock::time_point now);
  /// When the session lost its connection, if it has none now.
  std::optional<clock::time_point> detached_since() const;

  /// Moves the session to `conn` from the client's `last_seq`: `reply` is sent first, then
  /// every kept push after last_seq, in order, then whatever comes next. A connection it was
  /// still on is closed (4001). Call on conn's thread. The number of pushes replayed, or
  /// nullopt (RESUME_EXPIRED) when the session ended or no longer holds every push after
  /// last_seq (the buffer overflowed).
  std::optional<std::uint32_t> resume(
      const net::connection_ptr& conn, std::uint32_t last_seq,
      const std::function<void(net::connection&, std::uint32_t replayed)>& reply);

  /// Ends the session: no more pushes, no resume; the connection (if any) gets `kicked` (when
  /// given) and then `close_code`. False when it had ended already.
  bool end(session_end why, std::uint16_t close_code = 0, std::string_view kick_reason = {});
  bool ended() const;

  /// Its state now (for a handover), whether connected or not.
  session_state state() const;
  /// A session carried on from `state` (made on another node), with no connection yet: a
  /// resume() attaches one and replays the kept pushes after the client's last seq. Its rooms
  /// are joined by the hub.
  static std::shared_ptr<user_session> restore(const session_state& state,
                                               std::shared_ptr<const codec::push_framer> framer,
                                               resume_limits limits);

  /// Rooms (see groups): the names this session is in, kept so that its end leaves them.
  void note_joined(const std::string& room);
  void note_left(const std::string& room);
  std::vector<std::string> rooms() const;

  /// Pushes sent so far (the last seq).
  std::uint32_t last_seq() const;
  /// Pushes kept for a resume now.
  std::size_t kept() const;

 private:
  struct kept_push {
    std::uint32_t seq = 0;
    clock::time_point at{};
    codec::push_ptr body;
  };
  /// The kept pushes, oldest first: a ring in a vector that doubles as it fills, so an idle
  /// session holding a few heartbeats costs a few hundred bytes (a std::deque takes 576 at once).
  class push_ring {
   public:
    bool empty() const noexcept { return size_ == 0; }
    std::size_t size() const noexcept { return size_; }
    const kept_push& front() const { return items_[head_]; }
    const kept_push& at(std::size_t i) const { return items_[(head_ + i) % items_.size()]; }
    void push_back(kept_push k) {
      if (size_ == items_.size()) grow();
      items_[(head_ + size_) % items_.size()] = std::move(k);
      ++size_;
    }
    void pop_front() {
      items_[head_] = kept_push{};
      head_ = (head_ + 1) % items_.size();
      if (--size_ == 0) clear();
    }
    void clear() {
      std::vector<kept_push>().swap(items_);
      head_ = size_ = 0;
    }

   private:
    void grow() {
      std::vector<kept_push> bigger(items_.empty() ? 2 : 2 * items_.size());
      for (std::size_t i = 0; i < size_; ++i) bigger[i] = std::move(items_[(head_ + i) % items_.size()]);
      items_.swap(bigger);
      head_ = 0;
    }
    std::vector<kept_push> items_;
    std::size_t head_ = 0;
    std::size_t size_ = 0;
  };
  void send_locked(const net::connection_ptr& conn, const codec::push_body& body, std::uint32_t seq);
  void trim_locked(clock::time_point now);

  const std::int64_t userid_;
  const std::string name_;
  const std::string token_;
  const std::shared_ptr<const codec::push_framer> framer_;
  const resume_limits limits_;

  mutable std::mutex mu_;
  net::connection_ptr conn_;  // null while detached or ended
  std::uint32_t seq_ = 0;
  std::uint32_t lost_ = 0;    // highest seq dropped from the buffer
  push_ring kept_;
  std::optional<clock::time_point> detached_at_;
  bool ended_ = false;
  std::vector<std::string> rooms_;
};

using session_ptr = std::shared_ptr<user_session>;

}  // namespace stratus::gate
