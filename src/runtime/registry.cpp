#include "runtime/registry.hpp"

#include <mutex>
#include <stdexcept>

namespace stratus::runtime {

address registry::reserve() {
  std::unique_lock lock(mu_);
  address index;
  if (free_.size() > 1024 || (!free_.empty() && slots_.size() > index_mask)) {
    index = free_.front();
    free_.pop_front();
  } else {
    if (slots_.size() > index_mask) throw std::runtime_error("too many services");
    index = static_cast<address>(slots_.size());
    slots_.emplace_back();
  }
  slot& s = slots_[index];
  s.used = true;
  ++s.generation;
  if (s.generation == 0) s.generation = 1;
  ++live_;
  return (address{s.generation} << index_bits) | index;
}

void registry::publish(cell_ref c) {
  const address index = c->addr() & index_mask;
  std::unique_lock lock(mu_);
  slots_[index].c = std::move(c);
}

cell_ref registry::find(address a) const {
  std::shared_lock lock(mu_);
  const address index = a & index_mask;
  if (index == 0 || index >= slots_.size()) return {};
  const slot& s = slots_[index];
  if (!s.used || s.generation != (a >> index_bits) || !s.c) return {};
  return s.c;
}

void registry::remove(address a) {
  cell_ref dropped;
  std::unique_lock lock(mu_);
  const address index = a & index_mask;
  if (index == 0 || index >= slots_.size()) return;
  slot& s = slots_[index];
  if (!s.used || s.generation != (a >> index_bits)) return;
  dropped = std::move(s.c);
  s.used = false;
  free_.push_back(index);
  --live_;
  for (auto it = names_.begin(); it != names_.end();) {
    it = it->second == a ? names_.erase(it) : std::next(it);
  }
}

bool registry::bind(std::string name, address a) {
  std::unique_lock lock(mu_);
  return names_.emplace(std::move(name), a).second;
}

address registry::lookup(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = names_.find(name);
  return it == names_.end() ? no_address : it->second;
}

std::vector<cell_ref> registry::all() const {
  std::shared_lock lock(mu_);
  std::vector<cell_ref> out;
  out.reserve(live_);
  for (const slot& s : slots_) {
    if (s.used && s.c) out.push_back(s.c);
  }
  return out;
}

std::size_t registry::size() const {
  std::shared_lock lock(mu_);
  return live_;
}

}  // namespace stratus::runtime
