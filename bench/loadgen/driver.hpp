#pragma once
// Runs one benchmark: the phases (connect, warm-up, measure or hold idle, close).

#include <atomic>

#include <boost/asio/ip/tcp.hpp>

#include "loadgen/options.hpp"
#include "loadgen/report.hpp"

namespace stratus::loadgen {

/// Opens the connections, runs the closed loop (or holds them idle with --connect-only),
/// prints a progress line to stderr once a second unless opts.quiet, and returns the figures.
/// Setting `interrupted` (e.g. from SIGINT) ends the current phase early.
summary run_benchmark(const options& opts,
                      const boost::asio::ip::tcp::resolver::results_type& targets,
                      const std::atomic<bool>& interrupted);

}  // namespace stratus::loadgen
