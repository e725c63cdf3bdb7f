#include "admin/stall_service.hpp"

#include <thread>

#include "runtime/log.hpp"

namespace stratus::admin {

void stall_service::on_stall(stall m) {
  runtime::log::warn("stalling this worker thread for {} ms (admin_test_stall)", m.for_.count());
  std::this_thread::sleep_for(m.for_);
}

}  // namespace stratus::admin
