// The load client of net_echo. It upgrades with Beast, then speaks frames directly on the
// socket (client frames with a zero mask) so the client stays cheap next to the server.

#include "echo_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

namespace stratus::bench {

namespace {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

long rss_kib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  long value = -1;
  while (in >> key) {
    if (key == "VmRSS:") {
      in >> value;
      break;
    }
    in.ignore(4096, '\n');
  }
  return value;
}

// CPU seconds (user + system) used so far by a process.
double cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 1; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

// One masked binary frame holding `size` bytes.
std::vector<std::uint8_t> request_frame(int size) {
  std::vector<std::uint8_t> f{0x82};
  if (size < 126) {
    f.push_back(static_cast<std::uint8_t>(0x80 | size));
  } else {
    f.push_back(0x80 | 126);
    f.push_back(static_cast<std::uint8_t>(size >> 8));
    f.push_back(static_cast<std::uint8_t>(size & 0xff));
  }
  f.insert(f.end(), 4, 0);  // mask key 0: payload bytes stay as they are
  f.insert(f.end(), size, 'e');
  return f;
}

struct load_connection : std::enable_shared_from_this<load_connection> {
  explicit load_connection(tcp::socket s, const std::vector<std::uint8_t>& r, std::uint64_t& t)
      : socket(std::move(s)), request(r), total(t) {
    in.resize(64 * 1024);
  }

  void start(int inflight) {
    for (int i = 0; i < inflight; ++i) out.insert(out.end(), request.begin(), request.end());
    write();
    read();
  }
  void write() {
    if (writing || out.empty()) return;
    writing = true;
    out.swap(sending);
    asio::async_write(socket, asio::buffer(sending),
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        self->writing = false;
                        self->sending.clear();
                        if (!ec) self->write();
                      });
  }
  void read() {
    socket.async_read_some(
        asio::buffer(in.data() + used, in.size() - used),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
          if (ec) return;
          self->used += n;
          self->parse();
          self->read();
        });
  }
  // Counts complete server frames; each binary one answers a request: send the next.
  void parse() {
    std::size_t pos = 0;
    while (used - pos >= 2) {
      std::uint8_t op = in[pos] & 0x0f;
      std::size_t len = in[pos + 1] & 0x7f, head = 2;
      if (len == 126) {
        if (used - pos < 4) break;
        len = (std::size_t(in[pos + 2]) << 8) | in[pos + 3];
        head = 4;
      } else if (len == 127) {
        return;  // never sent by this benchmark
      }
      if (used - pos < head + len) break;
      pos += head + len;
      if (op == 2) {
        ++total;
        out.insert(out.end(), request.begin(), request.end());
      }
    }
    std::memmove(in.data(), in.data() + pos, used - pos);
    used -= pos;
    write();
  }

  tcp::socket socket;
  const std::vector<std::uint8_t>& request;
  std::uint64_t& total;
  std::vector<std::uint8_t> in, out, sending;
  std::size_t used = 0;
  bool writing = false;
};

// Opens connections with at most `window` handshakes in progress at once.
struct opener {
  asio::io_context& ioc;
  tcp::endpoint endpoint;
  int remaining, window;
  std::vector<tcp::socket>& opened;
  int failures = 0;

  void open_one() {
    if (remaining <= 0) return;
    --remaining;
    auto ws = std::make_shared<websocket::stream<tcp::socket>>(ioc);
    ws->next_layer().async_connect(endpoint, [this, ws](boost::system::error_code ec) {
      if (ec) return failed();
      ws->async_handshake("127.0.0.1", "/", [this, ws](boost::system::error_code ec) {
        if (ec) return failed();
        opened.push_back(std::move(ws->next_layer()));
        open_one();
      });
    });
  }
  void failed() {
    ++failures;
    open_one();
  }
};

}  // namespace

int run_client(const client_options& options) {
  asio::io_context ioc(1);
  tcp::endpoint endpoint(asio::ip::make_address(options.host), options.port);
  long rss_before = options.server_pid ? rss_kib(options.server_pid) : -1;

  std::vector<tcp::socket> sockets;
  sockets.reserve(options.connections);
  auto open_start = clock_type::now();
  double server_cpu_open = options.server_pid ? cpu_seconds(options.server_pid) : 0;
  double client_cpu_open = cpu_seconds(getpid());
  opener o{ioc, endpoint, options.connections, 256, sockets};
  for (int i = 0; i < o.window; ++i) o.open_one();
  ioc.run();
  ioc.restart();
  double open_seconds = std::chrono::duration<double>(clock_type::now() - open_start).count();
  std::printf("opened %zu connections in %.3f s (%d failed)\n", sockets.size(), open_seconds,
              o.failures);
  std::printf("CPU used while opening: client %.2f s, server %.2f s\n",
              cpu_seconds(getpid()) - client_cpu_open,
              options.server_pid ? cpu_seconds(options.server_pid) - server_cpu_open : 0.0);

  if (options.idle) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (options.server_pid) {
      long rss_after = rss_kib(options.server_pid);
      std::printf("server VmRSS %ld KiB -> %ld KiB: %.2f KiB per idle connection\n", rss_before,
                  rss_after, double(rss_after - rss_before) / double(sockets.size()));
    }
    return o.failures ? 1 : 0;
  }

  std::uint64_t total = 0;
  auto request = request_frame(options.size);
  std::vector<std::shared_ptr<load_connection>> conns;
  for (auto& s : sockets) {
    s.set_option(tcp::no_delay(true));
    conns.push_back(std::make_shared<load_connection>(std::move(s), request, total));
    conns.back()->start(options.inflight);
  }
  ioc.run_for(std::chrono::seconds(1));  // warm-up
  auto start_total = total;
  auto start = clock_type::now();
  double server_cpu_start = options.server_pid ? cpu_seconds(options.server_pid) : 0;
  ioc.run_for(std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(options.duration)));
  double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  double rate = double(total - start_total) / seconds;
  std::printf("%d connections x %d in flight, %d-byte payload: %.0f req/s\n", options.connections,
              options.inflight, options.size, rate);
  if (options.server_pid) {
    double cpu = cpu_seconds(options.server_pid) - server_cpu_start;
    std::printf("server CPU %.2f s = %.2f us per request (%.0f req/s per fully used core)\n", cpu,
                1e6 * cpu / double(total - start_total), double(total - start_total) / cpu);
  }
  for (auto& c : conns) {
    boost::system::error_code ignored;
    c->socket.close(ignored);
  }
  return 0;
}

}  // namespace stratus::bench
