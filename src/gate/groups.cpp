#include "gate/groups.hpp"

namespace stratus::gate {

std::shared_ptr<groups::group> groups::find(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : it->second;
}

std::size_t groups::join(const std::string& name, const session_ptr& s) {
  if (!s || s->ended()) return 0;
  std::size_t n = 0;
  {
    std::lock_guard lock(mu_);
    auto& g = groups_[name];
    if (!g) g = std::make_shared<group>();
    std::lock_guard glock(g->mu);  // under mu_: a leave cannot drop the group meanwhile
    g->members[s->userid()] = s;
    n = g->members.size();
  }
  s->note_joined(name);
  if (s->ended()) {  // ended while joining: its leave_all may have run before note_joined
    leave(name, s);
    return 0;
  }
  changed(name, n);
  return n;
}

bool groups::leave(const std::string& name, const session_ptr& s) {
  if (!s) return false;
  bool was = false;
  std::size_t left = 0;
  {
    std::lock_guard lock(mu_);
    auto it = groups_.find(name);
    if (it == groups_.end()) return false;
    std::lock_guard glock(it->second->mu);
    auto m = it->second->members.find(s->userid());
    if (m != it->second->members.end() && m->second == s) {
      it->second->members.erase(m);
      was = true;
    }
    left = it->second->members.size();
    if (left == 0) groups_.erase(it);
  }
  if (was) {
    s->note_left(name);
    changed(name, left);
  }
  return was;
}

void groups::leave_all(const session_ptr& s) {
  for (const std::string& name : s->rooms()) leave(name, s);
}

std::vector<std::int64_t> groups::members(const std::string& name) const {
  std::vector<std::int64_t> out;
  if (auto g = find(name)) {
    std::lock_guard glock(g->mu);
    out.reserve(g->members.size());
    for (const auto& [id, s] : g->members) out.push_back(id);
  }
  return out;
}

std::size_t groups::size(const std::string& name) const {
  auto g = find(name);
  if (!g) return 0;
  std::lock_guard glock(g->mu);
  return g->members.size();
}

bool groups::contains(const std::string& name, std::int64_t userid) const {
  auto g = find(name);
  if (!g) return false;
  std::lock_guard glock(g->mu);
  return g->members.contains(userid);
}

std::size_t groups::broadcast(const std::string& name, const codec::push_ptr& push) {
  auto g = find(name);
  if (!g) return 0;
  std::size_t reached = 0;
  std::lock_guard glock(g->mu);
  for (const auto& [id, s] : g->members)
    if (s->push(push)) ++reached;
  return reached;
}

std::size_t groups::count() const {
  std::lock_guard lock(mu_);
  return groups_.size();
}

std::vector<std::pair<std::string, std::size_t>> groups::counts() const {
  std::vector<std::shared_ptr<group>> all;
  std::vector<std::pair<std::string, std::size_t>> out;
  {
    std::lock_guard lock(mu_);
    out.reserve(groups_.size());
    all.reserve(groups_.size());
    for (const auto& [name, g] : groups_) {
      out.emplace_back(name, 0);
      all.push_back(g);
    }
  }
  for (std::size_t i = 0; i < all.size(); ++i) {
    std::lock_guard glock(all[i]->mu);
    out[i].second = all[i]->members.size();
  }
  return out;
}

void groups::set_observer(observer o) {
  std::lock_guard lock(observer_mu_);
  observer_ = o ? std::make_shared<const observer>(std::move(o)) : nullptr;
}

void groups::changed(const std::string& name, std::size_t members) const {
  std::shared_ptr<const observer> o;
  {
    std::lock_guard lock(observer_mu_);
    o = observer_;
  }
  if (o) (*o)(name, members);
}

}  // namespace stratus::gate
