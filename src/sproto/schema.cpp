#include "sproto/schema.hpp"

#include <algorithm>

namespace stratus::sproto {

const field* struct_type::find_field(std::string_view field_name) const {
  for (const auto& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

int struct_type::index_of_tag(int tag) const {
  auto it = std::lower_bound(fields.begin(), fields.end(), tag,
                             [](const field& f, int t) { return f.tag < t; });
  if (it == fields.end() || it->tag != tag) return -1;
  return static_cast<int>(it - fields.begin());
}

schema::schema(std::vector<struct_type> types, std::vector<protocol> protocols)
    : types_(std::move(types)), protocols_(std::move(protocols)) {
  // The maps key on views of the names stored in the vectors, which never move afterwards.
  for (std::size_t i = 0; i < types_.size(); ++i) {
    type_by_name_.emplace(types_[i].name, static_cast<int>(i));
  }
  for (std::size_t i = 0; i < protocols_.size(); ++i) {
    protocol_by_name_.emplace(protocols_[i].name, static_cast<int>(i));
  }
}

const struct_type* schema::find_type(std::string_view name) const {
  auto it = type_by_name_.find(name);
  return it == type_by_name_.end() ? nullptr : &types_[static_cast<std::size_t>(it->second)];
}

const protocol* schema::find_protocol(std::string_view name) const {
  auto it = protocol_by_name_.find(name);
  return it == protocol_by_name_.end() ? nullptr
                                       : &protocols_[static_cast<std::size_t>(it->second)];
}

const protocol* schema::find_protocol(std::int64_t tag) const {
  auto it = std::lower_bound(protocols_.begin(), protocols_.end(), tag,
                             [](const protocol& p, std::int64_t t) { return p.tag < t; });
  if (it == protocols_.end() || it->tag != tag) return nullptr;
  return &*it;
}

const struct_type* schema::request_type(const protocol& p) const {
  return p.has_request() ? &type_at(p.request) : nullptr;
}

const struct_type* schema::response_type(const protocol& p) const {
  return p.has_response() ? &type_at(p.response) : nullptr;
}

}  // namespace stratus::sproto
