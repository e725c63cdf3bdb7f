#include "admin/console_commands.hpp"

#include <malloc.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "admin/process_figures.hpp"
#include "admin/snapshot_collector.hpp"
#include "admin/stall_service.hpp"
#include "gate/messages.hpp"
#include "runtime/log.hpp"
#include "runtime/node.hpp"
#include "runtime/probe.hpp"

namespace stratus::admin {

namespace {

using runtime::service_stats;

constexpr std::string_view help_text =
    "help                 this list\n"
    "list                 services: address name type\n"
    "stat                 per service: handled queued cpu_ms note\n"
    "info NAME|ADDR       one service's counters\n"
    "kill NAME|ADDR       ask a service to exit\n"
    "ping NAME|ADDR       round trip through the service's mailbox (1 s at most)\n"
    "netstat              the gateway's connection and traffic counters\n"
    "kick USERID          end a user's session on this node (Kicked push, close 4002)\n"
    "log LEVEL            change the log level now (trace debug info warn error)\n"
    "mem                  process memory and malloc figures\n"
    "gc                   give free malloc memory back to the system (malloc_trim)\n"
    "uptime               time since start\n"
    "lanes                work lanes: threads running queued done refused dropped\n";

std::vector<std::string> split_words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string stats_row(const service_stats& s) {
  return fmt::format("{} {} handled {} queued {} cpu_ms {:.1f}{}{}\n",
                     runtime::format_address(s.addr), s.name, s.handled, s.queued,
                     static_cast<double>(s.cpu_ns) / 1e6, s.note.empty() ? "" : " note ", s.note);
}

std::optional<service_stats> find_stats(const runtime::node& node, runtime::address a) {
  for (service_stats& s : node.stats())
    if (s.addr == a) return std::move(s);
  return std::nullopt;
}

std::string format_duration(double seconds) {
  const auto total = static_cast<long long>(seconds);
  return fmt::format("{}d {:02}:{:02}:{:02} ({:.1f} s)", total / 86400, total / 3600 % 24,
                     total / 60 % 60, total % 60, seconds);
}

std::string mem_report() {
  const process_figures p = read_process_figures();
  const struct mallinfo2 m = ::mallinfo2();
  return fmt::format(
      "rss {:.1f} MiB, virtual {:.1f} MiB\n"
      "malloc: arena {} B, mmap {} B in {} blocks, in use {} B, free {} B, "
      "trimmable {} B\n",
      p.resident_bytes / 1048576.0, p.virtual_bytes / 1048576.0, m.arena, m.hblkhd, m.hblks,
      m.uordblks, m.fordblks, m.keepcost);
}

}  // namespace

runtime::address resolve_service(const runtime::node& node, std::string_view what) {
  if (what.empty()) return runtime::no_address;
  if (what[0] == ':') {
    runtime::address a = 0;
    auto [end, ec] = std::from_chars(what.data() + 1, what.data() + what.size(), a, 16);
    if (ec != std::errc() || end != what.data() + what.size()) return runtime::no_address;
    return a;
  }
  if (runtime::address a = node.lookup(what); a != runtime::no_address) return a;
  if (what[0] != '.') return node.lookup("." + std::string(what));
  return runtime::no_address;
}

runtime::task<std::string> run_console_command(runtime::service& self, const console_context& ctx,
                                               std::string line) {
  runtime::node& node = self.owner();
  const std::vector<std::string> w = split_words(line);
  const std::string cmd = w.empty() ? "" : w[0];
  const std::string arg = w.size() > 1 ? w[1] : "";
  std::string out;
  bool ok = true;
  auto fail = [&](std::string why) {
    out += why + "\n";
    ok = false;
  };

  if (cmd.empty()) {
    co_return std::string();
  } else if (cmd == "help") {
    out = help_text;
    if (ctx.stall_enabled) out += "stall SECONDS        (tests) block .stall's worker thread\n";
  } else if (cmd == "list" || cmd == "stat") {
    auto all = node.stats();
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.addr < b.addr; });
    for (const service_stats& s : all)
      out += cmd == "list"
                 ? fmt::format("{} {} {}\n", runtime::format_address(s.addr), s.name, s.type)
                 : stats_row(s);
  } else if (cmd == "info" || cmd == "kill" || cmd == "ping") {
    const runtime::address a = resolve_service(node, arg);
    const std::optional<service_stats> s =
        a == runtime::no_address ? std::nullopt : find_stats(node, a);
    if (!s) {
      fail("no such service: " + arg);
    } else if (cmd == "info") {
      out = fmt::format("address {}\nname {}\ntype {}\nworker {}\n", runtime::format_address(a),
                        s->name, s->type, s->worker) +
            stats_row(*s);
    } else if (cmd == "kill") {
      if (a == self.self()) {
        fail("the console does not kill itself");
      } else {
        node.kill(a);
        out = fmt::format("killed {} {}\n", runtime::format_address(a), s->name);
      }
    } else {
      const auto t0 = std::chrono::steady_clock::now();
      runtime::probe p;
      auto r = co_await self.call(a, std::move(p), scrape_wait);
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (r.ok())
        out =
            fmt::format("pong from {} {} in {:.3f} ms\n", runtime::format_address(a), s->name, ms);
      else if (r.error().code == runtime::call_errc::timeout)
        fail("no reply in 1 s from " + s->name);
      else
        fail(r.error().message);
    }
  } else if (cmd == "netstat") {
    std::optional<gate_figures> g = co_await ask_gate(self);
    if (!g) {
      fail("the gateway is not listening or did not answer in 1 s");
    } else {
      out = fmt::format(
          "connections open {} accepted {} refused {} (full {}, tls {}) send_overflows {}\n"
          "bytes in {} out {}; messages in {} out {}\n"
          "(per-connection figures are not reachable from outside the gate yet)\n",
          g->open, g->accepted, g->refused, g->refused_full, g->refused_tls, g->send_overflows,
          g->bytes_in,
          g->bytes_out, g->messages_in, g->messages_out);
    }
  } else if (cmd == "kick") {
    std::int64_t userid = 0;
    auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), userid);
    if (arg.empty() || ec != std::errc() || end != arg.data() + arg.size()) {
      fail("kick USERID: a numeric user id");
    } else {
      // wire.md "Sessions": a kick by the server's own code closes with 4002.
      gate::kick_user k{userid, 4002, "kicked by the server"};
      auto r = co_await self.call(".ws_proxyd", std::move(k), scrape_wait);
      if (!r.ok())
        fail("the gateway did not answer: " + r.error().message);
      else if (r.value())
        out = fmt::format("kicked user {}\n", userid);
      else
        fail(fmt::format("user {} is not online", userid));
    }
  } else if (cmd == "log") {
    try {
      runtime::log::set_level(runtime::log::parse_level(arg));
      out = "log level " + arg + "\n";
    } catch (const std::exception&) {
      fail("log LEVEL: one of trace debug info warn error");
    }
  } else if (cmd == "mem") {
    out = mem_report();
  } else if (cmd == "gc") {
    const double before = read_process_figures().resident_bytes;
    ::malloc_trim(0);
    const double after = read_process_figures().resident_bytes;
    out = fmt::format("malloc_trim: rss {:.1f} MiB -> {:.1f} MiB\n", before / 1048576.0,
                      after / 1048576.0);
  } else if (cmd == "uptime") {
    out =
        format_duration(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.started).count()) +
        "\n";
  } else if (cmd == "lanes") {
    for (const runtime::work_lane_stats& l : node.work_lanes())
      out += fmt::format("{} threads {} running {} queued {}/{} done {} refused {} dropped {}\n",
                         l.name, l.threads, l.running, l.queued, l.max_queued, l.done, l.refused,
                         l.dropped);
    if (out.empty()) out = "no work lanes yet\n";
  } else if (cmd == "stall" && ctx.stall_enabled) {
    const int seconds = arg.empty() ? 3 : std::atoi(arg.c_str());
    if (!self.send(".stall", stall{std::chrono::seconds(seconds)}))
      fail("no .stall service");
    else
      out = fmt::format(".stall blocks its worker for {} s\n", seconds);
  } else {
    fail("unknown command '" + cmd + "'; try help");
  }
  out += ok ? "<CMD OK>\n" : "<CMD Error>\n";
  co_return out;
}

}  // namespace stratus::admin
