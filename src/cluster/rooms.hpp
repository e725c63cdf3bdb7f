#pragma once
// The room directory, `.rooms` (config room_directory = true on one node, usually a game node
// without players): which nodes have members of which rooms. With it a room say goes to the
// nodes that have members of the room, through the directory, instead of to every node, and a
// join's count is one call. Each node's `.users` keeps it up to date: the count of a room after
// each join or leave there, and all its counts every cluster_heartbeat_ms.
//
// The directory holds no player: what it knows is rebuilt from the nodes within a heartbeat.
// While it is down, or does not have the full counts of every live node yet (it says so:
// RoomSaid.known = false), the nodes ask each other directly, as they do without a directory.
// A node that goes down loses its counts there, and sends them all again when it is back.

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <unordered_map>

#include "cluster.pb.h"
#include "cluster/cluster.hpp"

STRATUS_RESPONSE(stratus_cluster::RoomSay, stratus_cluster::RoomSaid);
STRATUS_RESPONSE(stratus_cluster::RoomTotal, stratus_cluster::RoomSaid);

namespace stratus::cluster {

/// The directory's cluster-wide name (cluster::claim).
inline constexpr const char* rooms_name = ".rooms";

class rooms_service : public runtime::service {
 public:
  /// `heartbeat`: cluster_heartbeat_ms, the interval of the nodes' full counts.
  explicit rooms_service(std::chrono::milliseconds heartbeat);
  static void describe(runtime::handlers<rooms_service>& h);
  void on_start() override;

  void on_counts(stratus_cluster::RoomCounts m);
  runtime::task<stratus_cluster::RoomSaid> on_say(stratus_cluster::RoomSay m);
  stratus_cluster::RoomSaid on_total(stratus_cluster::RoomTotal m);

 private:
  runtime::task<void> keep_name();
  /// True when every live node but `from` has sent its full counts since it came up.
  bool knows(const std::vector<std::string>& live, const std::string& from);
  void set(const std::string& node, const std::string& room, std::int64_t members);

  std::chrono::milliseconds heartbeat_;
  bool holds_name_ = false;
  // When each live node's full counts last arrived: they count once they arrived after the
  // node last came up (cluster::up_since), since counts sent before may have been lost.
  std::map<std::string, std::chrono::steady_clock::time_point> synced_;
  // room -> node -> members there (entries with members only)
  std::unordered_map<std::string, std::map<std::string, std::int64_t>> rooms_;
};

}  // namespace stratus::cluster
