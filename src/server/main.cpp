// `stratus [-D] [-c] CONFIG`: load the config, set up logging, signals and (with -D) daemon
// mode, start the runtime node, launch the services (bootstrap.cpp), run until SIGINT/SIGTERM.
// Exit codes: 0 clean stop, 1 start-up failure (already running, port in use, ...),
// 2 usage or config error.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <variant>

#include "runtime/config.hpp"
#include "runtime/config_layers.hpp"
#include "runtime/log.hpp"
#include "runtime/log_format.hpp"
#include "runtime/node.hpp"
#include "server/bootstrap.hpp"
#include "server/command_line.hpp"
#include "server/config_layers.hpp"
#include "server/console_client.hpp"
#include "server/daemon.hpp"
#include "server/pid_file.hpp"
#include "server/signal_watcher.hpp"

namespace {

using namespace stratus;
using runtime::config;

constexpr const char* default_daemon_log = "run/stratus.log";

/// The SIGUSR1 report: one log line per live service, busiest first.
void log_stats(const runtime::node& node) {
  auto all = node.stats();
  // Named services (.cacheproxyd, ...) first, then the busiest.
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    const bool an = !a.name.empty() && a.name[0] == '.', bn = !b.name.empty() && b.name[0] == '.';
    return an != bn ? an : a.cpu_ns > b.cpu_ns;
  });
  runtime::log::info("SIGUSR1: {} services (address name worker handled queued cpu_ms [figures])",
                     all.size());
  std::size_t shown = 0;
  for (const runtime::service_stats& s : all) {
    if (++shown > 200) {  // 10,000 connection agents would drown the log
      runtime::log::info("  ... {} more", all.size() - 200);
      break;
    }
    runtime::log::info("  {} {} w{} handled {} queued {} cpu_ms {:.1f}{}{}",
                       runtime::format_address(s.addr), s.name, s.worker, s.handled, s.queued,
                       static_cast<double>(s.cpu_ns) / 1e6, s.note.empty() ? "" : " ", s.note);
  }
  for (const runtime::work_lane_stats& l : node.work_lanes()) {
    runtime::log::info("  lane {}: threads {} running {} queued {}/{} done {} refused {} dropped {}",
                       l.name, l.threads, l.running, l.queued, l.max_queued, l.done, l.refused,
                       l.dropped);
  }
}

/// `--print-key KEY`: the value as a shell script wants it (strings unquoted, lists one per line).
int print_key(const config& cfg, const std::string& key) {
  const runtime::config_key* declared = runtime::find_config_key(key);
  if (declared != nullptr && declared->secret) {
    std::fprintf(stderr, "stratus: refusing to print secret key '%s'\n", key.c_str());
    return 2;
  }
  const runtime::config_value* value = cfg.find(key);
  if (value == nullptr && declared != nullptr) value = &declared->fallback;
  if (value == nullptr) {
    std::fprintf(stderr, "stratus: key '%s' is not set in %s\n", key.c_str(), cfg.file().c_str());
    return 1;
  }
  if (const auto* s = std::get_if<std::string>(value)) {
    std::printf("%s\n", s->c_str());
  } else if (const auto* list = std::get_if<std::vector<std::string>>(value)) {
    for (const auto& item : *list) std::printf("%s\n", item.c_str());
  } else {
    std::printf("%s\n", runtime::to_lua_literal(*value).c_str());
  }
  return 0;
}

void create_parent_dir(const std::string& file) {
  std::filesystem::path parent = std::filesystem::path(file).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
}

/// Logs every key the file set at debug level, secrets masked.
void log_config(const config& cfg) {
  for (const auto& [key, value] : cfg.values()) {
    const runtime::config_key* declared = runtime::find_config_key(key);
    bool secret = declared != nullptr && declared->secret;
    runtime::log::debug("config {} = {}", key, secret ? "***" : runtime::to_lua_literal(value));
  }
}

int run_server(const server::command_line& cmd, std::shared_ptr<const config> cfg) {
  std::string log_path = cfg->get_string("logger");
  if (log_path.empty() && cmd.daemon) log_path = default_daemon_log;

  // Daemon mode: lock the pid file before forking so a second daemon is refused right here.
  std::optional<server::pid_file> pids;
  server::startup_report report;
  try {
    if (!log_path.empty()) create_parent_dir(log_path);
    if (cmd.daemon) {
      pids.emplace(cfg->get_string("daemon"));
      report = server::daemonize(*pids, log_path);
    }
    runtime::log::init({.level = cfg->get_string("log_level"), .file = log_path});
    runtime::log::set_format(cfg->get_string("log_format"));
  } catch (const server::already_running& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    report.failed(e.what());
    std::fprintf(stderr, "stratus: %s\n", e.what());
    return 1;
  }

  // Before any thread exists, so that only the watcher thread ever receives these signals.
  server::block_signals();
  runtime::log::info("stratus starting: config {}, pid {}, {} threads", cfg->file(), ::getpid(),
                     cfg->get_int("thread"));
  log_config(*cfg);

  runtime::node_options opts;
  opts.threads = static_cast<int>(cfg->get_int("thread"));
  opts.call_timeout = std::chrono::milliseconds(cfg->get_int("call_timeout_ms"));
  opts.slow_handler = std::chrono::milliseconds(cfg->get_int("slow_handler_ms"));
  opts.mailbox_warn = static_cast<std::size_t>(cfg->get_int("mailbox_warn"));
  runtime::node node(opts, cfg);
  node.start();
  const std::chrono::milliseconds drain_timeout(cfg->get_int("drain_timeout_ms"));
  server::signal_watcher signals([&node, drain_timeout] { server::drain_and_stop(node, drain_timeout); },
                                 [&node] { log_stats(node); }, [&node] { server::reload_tls(node); });
  try {
    server::bootstrap(node, *cfg);
  } catch (const std::exception& e) {
    runtime::log::error("start-up failed: {}", e.what());
    report.failed(e.what());
    if (!cmd.daemon) std::fprintf(stderr, "stratus: start-up failed: %s\n", e.what());
    node.stop();
    node.wait();
    runtime::log::flush();
    return 1;
  }
  runtime::log::info("stratus started");
  report.ready();

  node.wait();
  runtime::log::info("stratus stopped");
  runtime::log::flush();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Buffers of 64 KiB and more (one large message) come from mmap and go back to the system
  // when freed. glibc would otherwise raise this threshold after the first such free and keep
  // later ones in the heap, so an idle connection after one big packet would stay large.
  mallopt(M_MMAP_THRESHOLD, 64 * 1024);
  server::declare_config_keys();
  auto parsed = server::parse_command_line({argv + 1, static_cast<std::size_t>(argc - 1)});
  if (auto* reason = std::get_if<std::string>(&parsed)) {
    std::fprintf(stderr, "stratus: %s\n%s", reason->c_str(), server::usage().c_str());
    return 2;
  }
  const auto& cmd = std::get<server::command_line>(parsed);
  if (cmd.help) {
    std::printf("%s", server::usage().c_str());
    return 0;
  }
  if (cmd.list_keys) {
    for (const runtime::config_layer& layer : runtime::declared_config_layers()) {
      std::printf("-- %.*s\n", static_cast<int>(layer.name.size()), layer.name.data());
      for (const runtime::config_key& key : layer.keys) {
        std::printf("%.*s = %s\t-- %.*s%s\n", static_cast<int>(key.name.size()),
                    key.name.data(), runtime::to_lua_literal(key.fallback).c_str(),
                    static_cast<int>(key.description.size()), key.description.data(),
                    key.required ? " (required)" : "");
      }
    }
    return 0;
  }
  std::shared_ptr<const config> cfg;
  try {
    cfg = std::make_shared<const config>(config::load(cmd.config_path));
  } catch (const runtime::config_error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  if (!cmd.print_key.empty()) return print_key(*cfg, cmd.print_key);
  if (cmd.console)
    return server::run_console_client(cfg->get_string("console_host"),
                                      static_cast<std::uint16_t>(cfg->get_int("console_port")));
  return run_server(cmd, std::move(cfg));
}
