#include "gate/session_hub.hpp"

#include <algorithm>
#include <utility>

#include "runtime/log.hpp"

namespace stratus::gate {

session_hub::session_hub(std::shared_ptr<const codec::push_framer> framer, resume_limits limits)
    : framer_(std::move(framer)), limits_(limits) {}

session_ptr session_hub::login(std::int64_t userid, std::string name, std::string token,
                               const net::connection_ptr& conn) {
  auto s = std::make_shared<user_session>(userid, std::move(name), std::move(token), framer_,
                                          limits_);
  s->attach(conn);
  announce(s);
  return s;
}

void session_hub::announce(const session_ptr& s) {
  const std::int64_t userid = s->userid();
  session_ptr previous;
  std::shared_ptr<remote_users> remote;
  login_stamp stamp;
  bool lost = false;  // a later login of this user on another node was announced already
  {
    std::lock_guard lock(mu_);
    auto [it, fresh] = by_user_.try_emplace(userid, s);
    if (!fresh) {
      previous = std::move(it->second);
      it->second = s;
      by_token_.erase(previous->token());
    }
    if (!s->token().empty()) by_token_[s->token()] = s;
    by_name_[s->name()] = s;
    remote = remote_;
    if (remote) {
      stamp = next_stamp_locked();
      stamps_[userid] = stamp;
      auto seen = remote_seen_.find(userid);
      lost = seen != remote_seen_.end() && stamp < seen->second.stamp;
    }
  }
  if (previous) end(previous, session_end::replaced, 4001, "logged in elsewhere");
  if (lost) {
    end(s, session_end::replaced, 4001, "logged in elsewhere");
  } else if (remote) {
    remote->logged_in(userid, s->name(), stamp);
  }
}

void session_hub::set_handover(std::shared_ptr<handover_store> store) {
  std::lock_guard lock(mu_);
  handover_ = std::move(store);
}

std::shared_ptr<handover_store> session_hub::handover() const {
  std::lock_guard lock(mu_);
  return handover_;
}

std::vector<session_state> session_hub::take_handovers() {
  std::lock_guard lock(mu_);
  return std::exchange(handed_over_, {});
}

runtime::task<session_ptr> session_hub::find_for_resume(runtime::service& self, std::string token) {
  if (session_ptr here = find_token(token)) co_return here;
  std::shared_ptr<handover_store> store = handover();
  if (!store || token.empty() || draining()) co_return nullptr;
  std::optional<session_state> state = co_await store->take(self, token);
  if (!state) co_return nullptr;
  session_ptr s = user_session::restore(*state, framer_, limits_);
  announce(s);
  if (s->ended()) co_return nullptr;  // the user logged in again meanwhile, elsewhere
  for (const std::string& room : state->rooms) rooms_.join(room, s);
  {
    // Waits like a dropped session until the resume attaches the connection (or expires).
    std::lock_guard lock(mu_);
    waiting_.push_back(s);
  }
  runtime::log::info("session of user {} carried on from a drained node ({} pushes kept)",
                     s->userid(), state->kept.size());
  co_return s;
}

void session_hub::set_remote(std::shared_ptr<remote_users> remote) {
  std::lock_guard lock(mu_);
  remote_ = std::move(remote);
}

std::shared_ptr<remote_users> session_hub::remote() const {
  std::lock_guard lock(mu_);
  return remote_;
}

login_stamp session_hub::next_stamp_locked() {
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  last_epoch_ = std::max(last_epoch_ + 1, static_cast<std::uint64_t>(now.count()));
  return {last_epoch_, remote_->node()};
}

void session_hub::remember_remote_locked(std::int64_t userid, const login_stamp& stamp) {
  // A login here waits at most for its own password check and token between registering and
  // comparing: a few seconds of announcements are plenty. Pruned as it grows.
  constexpr auto keep = std::chrono::seconds(30);
  auto now = user_session::clock::now();
  if (remote_seen_.size() >= 4096) {
    std::erase_if(remote_seen_, [&](const auto& e) { return now - e.second.at > keep; });
  }
  auto [it, fresh] = remote_seen_.try_emplace(userid, seen_login{stamp, now});
  if (!fresh && it->second.stamp < stamp) it->second = seen_login{stamp, now};
}

void session_hub::remote_login(std::int64_t userid, const login_stamp& stamp) {
  session_ptr loser;
  {
    std::lock_guard lock(mu_);
    remember_remote_locked(userid, stamp);
    auto it = by_user_.find(userid);
    auto mine = stamps_.find(userid);
    if (it != by_user_.end() && mine != stamps_.end() && mine->second < stamp) loser = it->second;
  }
  if (loser) end(loser, session_end::replaced, 4001, "logged in elsewhere");
}

runtime::task<bool> session_hub::deliver(runtime::service& self, std::int64_t userid,
                                         std::string name, codec::push_ptr push) {
  if (!push) co_return false;  // a push that could not be encoded
  session_ptr here = userid != 0 ? find(userid) : find_name(name);
  if (here && here->push(push)) co_return true;
  std::shared_ptr<remote_users> others = remote();
  if (!others) co_return false;
  co_return co_await others->push_to(self, userid, std::move(name), std::move(push));
}

runtime::task<std::size_t> session_hub::room_broadcast(runtime::service& self, std::string room,
                                                       codec::push_ptr push) {
  std::size_t here = rooms_.broadcast(room, push);
  std::shared_ptr<remote_users> others = remote();
  if (!others) co_return here;
  co_return here + co_await others->room_broadcast(self, std::move(room), std::move(push));
}

runtime::task<std::size_t> session_hub::room_size(runtime::service& self, std::string room) {
  std::size_t here = rooms_.size(room);
  std::shared_ptr<remote_users> others = remote();
  if (!others) co_return here;
  co_return here + co_await others->room_size(self, std::move(room));
}

session_ptr session_hub::find(std::int64_t userid) const {
  std::lock_guard lock(mu_);
  auto it = by_user_.find(userid);
  return it == by_user_.end() ? nullptr : it->second;
}

session_ptr session_hub::find_name(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

session_ptr session_hub::find_token(const std::string& token) const {
  if (token.empty()) return nullptr;
  std::lock_guard lock(mu_);
  auto it = by_token_.find(token);
  return it == by_token_.end() ? nullptr : it->second;
}

void session_hub::forget_locked(const session_ptr& s) {
  auto it = by_user_.find(s->userid());
  if (it != by_user_.end() && it->second == s) {
    by_user_.erase(it);
    stamps_.erase(s->userid());
  }
  auto t = by_token_.find(s->token());
  if (t != by_token_.end() && t->second == s) by_token_.erase(t);
  auto n = by_name_.find(s->name());
  if (n != by_name_.end() && n->second == s) by_name_.erase(n);
}

void session_hub::end(const session_ptr& s, session_end why, std::uint16_t close_code,
                      std::string_view kick_reason) {
  if (!s) return;
  bool hand_over = false;
  {
    std::lock_guard lock(mu_);
    forget_locked(s);
    // The node is going away: a session its drain ends is left for a resume elsewhere.
    hand_over = draining_ && handover_ &&
                (why == session_end::shutdown || why == session_end::expired);
  }
  std::optional<session_state> state;
  if (hand_over) state = s->state();
  if (!s->end(why, close_code, kick_reason)) return;  // ended before: hooks ran then
  if (state) {
    std::lock_guard lock(mu_);
    handed_over_.push_back(std::move(*state));
  }
  rooms_.leave_all(s);
  runtime::log::debug("session of user {} ended ({})", s->userid(), to_string(why));
  std::vector<end_hook> hooks;
  {
    std::lock_guard lock(mu_);
    hooks = hooks_;
  }
  for (const auto& hook : hooks) {
    try {
      hook(*s, why);
    } catch (const std::exception& e) {
      runtime::log::error("session end hook failed for user {}: {}", s->userid(), e.what());
    }
  }
}

void session_hub::dropped(const session_ptr& s, std::uint64_t connection_id) {
  if (!s) return;
  bool now = false;
  {
    std::lock_guard lock(mu_);
    now = draining_ || limits_.grace.count() == 0;
  }
  if (now) {
    if (s->on(connection_id)) end(s, session_end::expired);
    return;
  }
  if (!s->detach(connection_id, user_session::clock::now())) return;
  std::lock_guard lock(mu_);
  waiting_.push_back(s);
}

std::size_t session_hub::expire(user_session::clock::time_point now) {
  std::vector<session_ptr> due;
  {
    std::lock_guard lock(mu_);
    std::size_t keep = 0;
    for (auto& s : waiting_) {
      auto since = s->detached_since();
      if (!since || s->ended()) continue;  // resumed or ended meanwhile
      if (now - *since >= limits_.grace)
        due.push_back(std::move(s));
      else
        waiting_[keep++] = std::move(s);
    }
    waiting_.resize(keep);
  }
  for (auto& s : due) end(s, session_end::expired);
  return due.size();
}

void session_hub::drain() {
  {
    std::lock_guard lock(mu_);
    draining_ = true;
  }
  expire(user_session::clock::now() + limits_.grace + std::chrono::hours(1));
}

bool session_hub::draining() const {
  std::lock_guard lock(mu_);
  return draining_;
}

void session_hub::on_end(end_hook hook) {
  std::lock_guard lock(mu_);
  hooks_.push_back(std::move(hook));
}

std::size_t session_hub::online() const {
  std::lock_guard lock(mu_);
  return by_user_.size();
}

std::size_t session_hub::waiting() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& s : waiting_)
    if (s->detached_since() && !s->ended()) ++n;
  return n;
}

}  // namespace stratus::gate
