#include "gate/user_session.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "runtime/log.hpp"

namespace stratus::gate {

const char* to_string(session_end why) noexcept {
  switch (why) {
    case session_end::closed: return "closed";
    case session_end::replaced: return "replaced";
    case session_end::kicked: return "kicked";
    case session_end::expired: return "expired";
    case session_end::shutdown: return "shutdown";
    case session_end::failed: return "failed";
  }
  return "?";
}

user_session::user_session(std::int64_t userid, std::string name, std::string token,
                           std::shared_ptr<const codec::push_framer> framer, resume_limits limits)
    : userid_(userid),
      name_(std::move(name)),
      token_(std::move(token)),
      framer_(std::move(framer)),
      limits_(limits) {}

void user_session::send_locked(const net::connection_ptr& conn, const codec::push_body& body,
                               std::uint32_t seq) {
  std::string packet;
  if (!framer_->frame(body, seq, packet)) {
    runtime::log::warn("push {} to user {} cannot be framed", body.type, userid_);
    return;
  }
  // Posted under the lock: the connection's thread runs them in seq order.
  boost::asio::post(conn->get_executor(), [conn, packet = std::move(packet)] {
    conn->send({reinterpret_cast<const std::uint8_t*>(packet.data()), packet.size()});
  });
}

void user_session::trim_locked(clock::time_point now) {
  // Kept while a resume could still ask for them: at most `buffer`, and while connected, none
  // older than the grace (an idle session's heartbeats do not pile up).
  while (kept_.size() > limits_.buffer ||
         (!kept_.empty() && conn_ && now - kept_.front().at > limits_.grace)) {
    lost_ = kept_.front().seq;
    kept_.pop_front();
  }
}

bool user_session::push(const codec::push_ptr& push) {
  if (!push) return false;
  const auto now = clock::now();
  std::lock_guard lock(mu_);
  if (ended_) return false;
  const std::uint32_t seq = ++seq_;
  if (limits_.grace.count() > 0 && limits_.buffer > 0) {
    kept_.push_back(kept_push{seq, now, push});
  } else {
    lost_ = seq;
  }
  trim_locked(now);
  if (conn_) send_locked(conn_, *push, seq);
  return true;
}

void user_session::attach(const net::connection_ptr& conn) {
  std::lock_guard lock(mu_);
  if (ended_) return;
  conn_ = conn;
  detached_at_.reset();
}

std::uint64_t user_session::connection_id() const {
  std::lock_guard lock(mu_);
  return conn_ ? conn_->id() : 0;
}

bool user_session::on(std::uint64_t connection_id) const {
  std::lock_guard lock(mu_);
  return conn_ && conn_->id() == connection_id;
}

bool user_session::detach(std::uint64_t connection_id, clock::time_point now) {
  std::lock_guard lock(mu_);
  if (ended_ || !conn_ || conn_->id() != connection_id) return false;
  conn_.reset();
  detached_at_ = now;
  return true;
}

std::optional<user_session::clock::time_point> user_session::detached_since() const {
  std::lock_guard lock(mu_);
  return detached_at_;
}

std::optional<std::uint32_t> user_session::resume(
    const net::connection_ptr& conn, std::uint32_t last_seq,
    const std::function<void(net::connection&, std::uint32_t replayed)>& reply) {
  std::lock_guard lock(mu_);
  if (ended_ || last_seq > seq_ || last_seq < lost_) return std::nullopt;
  if (conn_ && conn_ != conn) {
    // Still on an older connection (the server has not noticed it is dead): that one goes.
    boost::asio::post(conn_->get_executor(), [old = conn_] {
      old->close(4001, "session resumed on another connection");
    });
  }
  // Every push after last_seq is kept (last_seq >= lost_), so all of them are replayed.
  const std::uint32_t replayed = seq_ - last_seq;
  reply(*conn, replayed);
  std::string packet;
  for (std::size_t i = 0; i < kept_.size(); ++i) {
    const kept_push& k = kept_.at(i);
    if (k.seq > last_seq && framer_->frame(*k.body, k.seq, packet))
      conn->send({reinterpret_cast<const std::uint8_t*>(packet.data()), packet.size()});
  }
  conn_ = conn;
  detached_at_.reset();
  trim_locked(clock::now());
  return replayed;
}

bool user_session::end(session_end why, std::uint16_t close_code, std::string_view kick_reason) {
  std::lock_guard lock(mu_);
  if (ended_) return false;
  ended_ = true;
  kept_.clear();
  if (conn_ && close_code != 0) {
    std::string packet;
    if (!kick_reason.empty()) {
      codec::push_ptr kicked = framer_->kicked(kick_reason);
      if (!kicked || !framer_->frame(*kicked, ++seq_, packet)) packet.clear();
    }
    boost::asio::post(conn_->get_executor(),
                      [c = conn_, packet = std::move(packet), close_code,
                       reason = std::string(kick_reason.empty() ? to_string(why) : kick_reason)] {
                        if (!packet.empty())
                          c->send({reinterpret_cast<const std::uint8_t*>(packet.data()),
                                   packet.size()});
                        c->close(close_code, reason);
                      });
  }
  conn_.reset();
  return true;
}

session_state user_session::state() const {
  std::lock_guard lock(mu_);
  session_state st{userid_, name_, token_, seq_, lost_, {}, rooms_};
  st.kept.reserve(kept_.size());
  for (std::size_t i = 0; i < kept_.size(); ++i) st.kept.emplace_back(kept_.at(i).seq, kept_.at(i).body);
  return st;
}

std::shared_ptr<user_session> user_session::restore(const session_state& state,
                                                    std::shared_ptr<const codec::push_framer> framer,
                                                    resume_limits limits) {
  auto s = std::make_shared<user_session>(state.userid, state.name, state.token, std::move(framer),
                                          limits);
  const auto now = clock::now();
  std::lock_guard lock(s->mu_);
  s->seq_ = state.seq;
  s->lost_ = state.lost;
  for (const auto& [seq, body] : state.kept)
    if (seq > s->lost_ && seq <= s->seq_ && body) s->kept_.push_back(kept_push{seq, now, body});
  s->detached_at_ = now;
  return s;
}

bool user_session::ended() const {
  std::lock_guard lock(mu_);
  return ended_;
}

void user_session::note_joined(const std::string& room) {
  std::lock_guard lock(mu_);
  if (std::find(rooms_.begin(), rooms_.end(), room) == rooms_.end()) rooms_.push_back(room);
}

void user_session::note_left(const std::string& room) {
  std::lock_guard lock(mu_);
  std::erase(rooms_, room);
}

std::vector<std::string> user_session::rooms() const {
  std::lock_guard lock(mu_);
  return rooms_;
}

std::uint32_t user_session::last_seq() const {
  std::lock_guard lock(mu_);
  return seq_;
}

std::size_t user_session::kept() const {
  std::lock_guard lock(mu_);
  return kept_.size();
}

}  // namespace stratus::gate
