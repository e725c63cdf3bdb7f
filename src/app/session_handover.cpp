#include "app/session_handover.hpp"

#include "cluster.pb.h"
#include "runtime/log.hpp"
#include "runtime/service.hpp"
#include "services/cache_messages.hpp"

namespace stratus::app {

namespace {

namespace cache = services::cache;
constexpr const char* cache_name = ".cacheproxyd";

std::string key_of(const std::string& token) {
  return "resume:" + token;
}

std::string to_bytes(const gate::session_state& st) {
  stratus_cluster::Handover h;
  h.set_userid(st.userid);
  h.set_name(st.name);
  h.set_token(st.token);
  h.set_seq(st.seq);
  h.set_lost(st.lost);
  for (const auto& [seq, body] : st.kept) {
    stratus_cluster::Handover::Kept* k = h.add_kept();
    k->set_seq(seq);
    k->mutable_push()->set_type(body->type);
    k->mutable_push()->set_tag(body->tag);
    k->mutable_push()->set_bytes(body->bytes);
  }
  for (const std::string& room : st.rooms) h.add_rooms(room);
  return h.SerializeAsString();
}

std::optional<gate::session_state> from_bytes(const std::string& bytes) {
  stratus_cluster::Handover h;
  if (!h.ParseFromString(bytes)) return std::nullopt;
  gate::session_state st;
  st.userid = h.userid();
  st.name = h.name();
  st.token = h.token();
  st.seq = h.seq();
  st.lost = h.lost();
  for (const auto& k : h.kept())
    st.kept.emplace_back(k.seq(), std::make_shared<const codec::push_body>(codec::push_body{
                                      k.push().type(), k.push().tag(), k.push().bytes()}));
  st.rooms.assign(h.rooms().begin(), h.rooms().end());
  return st;
}

}  // namespace

runtime::task<void> cache_handover::keep(runtime::service& self,
                                         std::vector<gate::session_state> states) {
  std::size_t failed = 0;
  for (const gate::session_state& st : states) {
    auto r = co_await self.call<cache::set>(cache_name, key_of(st.token), to_bytes(st), grace_);
    if (!r || !*r) ++failed;
  }
  if (failed > 0)
    runtime::log::warn("drain: {} of {} sessions not left for a resume (the cache failed)", failed,
                       states.size());
}

runtime::task<std::optional<gate::session_state>> cache_handover::take(runtime::service& self,
                                                                       std::string token) {
  auto found = co_await self.call<cache::get>(cache_name, key_of(token));
  if (!found || !*found || !**found) co_return std::nullopt;
  // Whoever deletes the key owns the session: of two resumes racing, one gets it.
  auto claimed = co_await self.call<cache::del>(cache_name, key_of(token));
  if (!claimed || !*claimed || !**claimed) co_return std::nullopt;
  std::optional<gate::session_state> st = from_bytes(***found);
  if (!st || st->token != token) {
    runtime::log::warn("resume: an undecodable session was left under a token; ignored");
    co_return std::nullopt;
  }
  co_return st;
}

}  // namespace stratus::app
