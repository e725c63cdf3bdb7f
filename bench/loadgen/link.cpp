#include "loadgen/link.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "loadgen/ws_upgrade.hpp"

namespace stratus::loadgen {
namespace asio = boost::asio;

namespace {
constexpr std::size_t max_upgrade_response = 16384;
}  // namespace

net::tcp_framing tcp_framing_for(std::string_view protocol) noexcept {
  return protocol == "sproto" ? net::tcp_framing{2, true} : net::tcp_framing{4, false};
}

frame_reader make_reader(std::string_view transport, std::string_view protocol) {
  if (transport == "tcp") return frame_reader(tcp_framing_for(protocol));
  return frame_reader();
}

asio::awaitable<std::string> websocket_upgrade(client_socket& socket, frame_reader& reader,
                                               std::string host_port, std::string path,
                                               std::uint64_t random_a, std::uint64_t random_b) {
  const std::string key = make_upgrade_key(random_a, random_b);
  const std::string request = make_upgrade_request(host_port, path, key);
  boost::system::error_code ec;
  co_await asio::async_write(socket, asio::buffer(request),
                             asio::redirect_error(asio::use_awaitable, ec));
  std::size_t head = 0;
  while (!ec && head == 0) {
    if (reader.unparsed().size() > max_upgrade_response) co_return "oversized upgrade response";
    const auto space = reader.space(1024);
    const std::size_t n = co_await socket.async_read_some(
        asio::buffer(space.data(), space.size()), asio::redirect_error(asio::use_awaitable, ec));
    reader.commit(n);
    head = upgrade_head_size(reader.unparsed());
  }
  if (ec) co_return ec.message();
  std::string problem = check_upgrade_response(reader.unparsed().substr(0, head), key);
  reader.skip(head);  // frames after the head (if any) stay in the reader
  co_return problem;
}

}  // namespace stratus::loadgen
