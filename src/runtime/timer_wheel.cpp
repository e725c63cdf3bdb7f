#include "runtime/timer_wheel.hpp"

#include "runtime/clocks.hpp"

namespace stratus::runtime {

void timer_node::unlink() noexcept {
  if (!prev) return;
  prev->next = next;
  next->prev = prev;
  prev = next = nullptr;
  if (armed_count) --*armed_count;
  armed_count = nullptr;
}

timer_wheel::timer_wheel() : origin_(clock::now()), slots_(slot_count) {
  for (auto& s : slots_) s.prev = s.next = &s;
}

std::uint64_t timer_wheel::tick_of(clock::time_point t) const {
  if (t <= origin_) return 0;
  return static_cast<std::uint64_t>((t - origin_) / tick);
}

void timer_wheel::push_back(timer_node& head, timer_node& n) noexcept {
  n.prev = head.prev;
  n.next = &head;
  head.prev->next = &n;
  head.prev = &n;
}

void timer_wheel::add(timer_node& node, std::chrono::milliseconds delay) {
  node.unlink();
  auto ticks = static_cast<std::uint64_t>((delay + tick - std::chrono::milliseconds(1)) / tick);
  if (ticks == 0) ticks = 1;
  node.due_tick = tick_of(coarse_now()) + ticks;
  if (node.due_tick <= done_tick_) node.due_tick = done_tick_ + 1;
  push_back(slots_[node.due_tick % slot_count], node);
  node.armed_count = &count_;
  ++count_;
}

std::size_t timer_wheel::advance(clock::time_point now) {
  const std::uint64_t target = tick_of(now);
  if (target <= done_tick_) return 0;
  // Gather the expired nodes first: firing one may cancel another or arm new ones.
  timer_node expired;
  expired.prev = expired.next = &expired;
  std::uint64_t first = done_tick_ + 1;
  if (target - done_tick_ > slot_count) first = target - slot_count + 1;
  for (std::uint64_t t = first; t <= target; ++t) {
    timer_node& head = slots_[t % slot_count];
    for (timer_node* n = head.next; n != &head;) {
      timer_node* following = n->next;
      if (n->due_tick <= target) {
        n->prev->next = n->next;
        n->next->prev = n->prev;
        push_back(expired, *n);
      }
      n = following;
    }
  }
  done_tick_ = target;
  std::size_t fired = 0;
  while (expired.next != &expired) {
    timer_node* n = expired.next;
    n->unlink();  // also decrements count_
    ++fired;
    n->fire(n);
  }
  expired.prev = expired.next = nullptr;
  return fired;
}

timer_wheel::clock::time_point timer_wheel::next_tick(clock::time_point now) const {
  return origin_ + tick * (tick_of(now) + 1);
}

}  // namespace stratus::runtime
