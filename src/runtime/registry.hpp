#pragma once
#include <deque>
#include <functional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/cell.hpp"

namespace stratus::runtime {

/// Address -> cell and name -> address tables, shared by every worker.
class registry {
 public:
  /// Reserves an address for a cell about to be built.
  address reserve();
  /// Publishes the cell under the address reserve() gave.
  void publish(cell_ref c);
  /// The live cell at `a`, or empty.
  cell_ref find(address a) const;
  /// Removes the cell and every name bound to it.
  void remove(address a);
  /// Binds a unique name; false when the name is taken by a live service.
  bool bind(std::string name, address a);
  /// The address bound to `name`, or no_address.
  address lookup(std::string_view name) const;
  /// Every live cell.
  std::vector<cell_ref> all() const;
  std::size_t size() const;

 private:
  static constexpr unsigned index_bits = 24;
  static constexpr address index_mask = (address{1} << index_bits) - 1;

  struct slot {
    cell_ref c;
    std::uint8_t generation = 0;
    bool used = false;
  };
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  mutable std::shared_mutex mu_;
  std::vector<slot> slots_{1};  // slot 0 is never used, so address 0 means none
  std::deque<address> free_;    // FIFO, so a freed index is reused as late as possible
  std::size_t live_ = 0;
  std::unordered_map<std::string, address, string_hash, std::equal_to<>> names_;
};

}  // namespace stratus::runtime
