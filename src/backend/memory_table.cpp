#include "backend/memory_table.hpp"

namespace stratus::backend {

void memory_table::unindex(slot& s) {
  if (s.data.expires_at) {
    expiries_.erase(s.expiry_pos);
    s.data.expires_at.reset();
  }
}

memory_table::entry* memory_table::find(const std::string& key, clock::time_point now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (it->second.data.expires_at && *it->second.data.expires_at <= now) {
    unindex(it->second);
    entries_.erase(it);
    return nullptr;
  }
  return &it->second.data;
}

memory_table::entry& memory_table::put(const std::string& key, value_type value) {
  auto [it, inserted] = entries_.try_emplace(key);
  if (!inserted) unindex(it->second);
  it->second.data.value = std::move(value);
  return it->second.data;
}

bool memory_table::erase(const std::string& key, clock::time_point now) {
  if (!find(key, now)) return false;
  auto it = entries_.find(key);
  unindex(it->second);
  entries_.erase(it);
  return true;
}

void memory_table::set_expiry(const std::string& key, std::optional<clock::time_point> when) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  unindex(it->second);
  if (when) {
    it->second.expiry_pos = expiries_.emplace(*when, key);
    it->second.data.expires_at = when;
  }
}

std::size_t memory_table::sweep(clock::time_point now) {
  std::size_t removed = 0;
  while (!expiries_.empty() && expiries_.begin()->first <= now) {
    auto pos = expiries_.begin();
    entries_.erase(pos->second);
    expiries_.erase(pos);
    ++removed;
  }
  return removed;
}

}  // namespace stratus::backend
