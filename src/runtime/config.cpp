#include "runtime/config.hpp"
#include "runtime/config_layers.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "runtime/config_eval.hpp"

namespace stratus::runtime {
namespace {

constexpr std::string_view type_names[] = {"a boolean", "an integer", "a number", "a string",
                                           "a list of strings"};

config_type type_of(const config_value& value) {
  return static_cast<config_type>(value.index());
}

/// `string "x"`, `integer 3`, ... for error messages.
std::string describe(const config_value& value) {
  constexpr std::string_view kinds[] = {"boolean", "integer", "number", "string", "list"};
  return fmt::format("{} {}", kinds[value.index()], to_lua_literal(value));
}

/// Converts a value to the declared type when that loses nothing (2.0 -> 2, 2 -> 2.0).
bool coerce(config_value& value, config_type want) {
  if (type_of(value) == want) return true;
  if (want == config_type::number && type_of(value) == config_type::integer) {
    value = static_cast<double>(std::get<std::int64_t>(value));
    return true;
  }
  if (want == config_type::integer && type_of(value) == config_type::number) {
    double d = std::get<double>(value);
    if (std::trunc(d) == d && std::abs(d) < 9.0e15) {
      value = static_cast<std::int64_t>(d);
      return true;
    }
  }
  return false;
}

std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config_error("config error in " + path.string() + ": cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string to_lua_literal(const config_value& value) {
  struct visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return fmt::format("{}", d); }
    std::string operator()(const std::string& s) const { return fmt::format("{:?}", s); }
    std::string operator()(const std::vector<std::string>& list) const {
      std::string out = "{";
      for (std::size_t i = 0; i < list.size(); ++i) {
        out += (i ? ", " : "") + fmt::format("{:?}", list[i]);
      }
      return out + "}";
    }
  };
  return std::visit(visitor{}, value);
}

config::config(std::string file, std::map<std::string, config_value, std::less<>> values)
    : file_(std::move(file)), values_(std::move(values)) {
  for (auto& [name, value] : values_) {
    const config_key* key = find_config_key(name);
    if (key != nullptr && !coerce(value, key->type)) {
      throw config_error(fmt::format("config error in {}: key '{}' must be {} (got {})", file_,
                                     name, type_names[static_cast<int>(key->type)],
                                     describe(value)));
    }
  }
  validate();
}

config config::load(const std::filesystem::path& path) {
  return from_string(read_whole_file(path), path.string());
}

config config::from_string(std::string_view text, std::string name) {
  auto values = detail::evaluate_config(text, name);
  return config(std::move(name), std::move(values));
}

void config::validate() const {
  auto fail = [this](const std::string& reason) {
    throw config_error(fmt::format("config error in {}: {}", file_, reason));
  };
  for (const config_key& key : declared_config_keys()) {
    auto it = values_.find(key.name);
    if (it == values_.end()) {
      if (key.required) fail(fmt::format("required key '{}' is missing", key.name));
      continue;
    }
    if (const auto* s = std::get_if<std::string>(&it->second); s && !key.choices.empty()) {
      if (std::find(key.choices.begin(), key.choices.end(), *s) == key.choices.end()) {
        fail(fmt::format("key '{}' must be one of {} (got {:?})", key.name,
                         fmt::join(key.choices, "|"), *s));
      }
    }
    if (const auto* i = std::get_if<std::int64_t>(&it->second)) {
      if (*i < key.min || *i > key.max) {
        fail(key.max == INT64_MAX
                 ? fmt::format("key '{}' must be at least {} (got {})", key.name, key.min, *i)
                 : fmt::format("key '{}' must be between {} and {} (got {})", key.name, key.min,
                               key.max, *i));
      }
    }
  }
  // Each layer's rules over several keys (a backend's choice makes its address required).
  for (const config_layer& layer : declared_config_layers()) {
    if (!layer.check) continue;
    if (std::string why = layer.check(*this); !why.empty()) fail(why);
  }
}

const config_value& config::lookup(std::string_view key, config_type want) const {
  auto it = values_.find(key);
  const config_key* declared = find_config_key(key);
  if (it == values_.end()) {
    if (declared == nullptr) {
      throw std::out_of_range(fmt::format("config key '{}' is neither set nor declared", key));
    }
    if (declared->type != want) {
      throw std::logic_error(
          fmt::format("config key '{}' is not {}", key, type_names[static_cast<int>(want)]));
    }
    return declared->fallback;
  }
  if (type_of(it->second) != want) {
    throw config_error(fmt::format("config error in {}: key '{}' must be {} (got {})", file_, key,
                                   type_names[static_cast<int>(want)], describe(it->second)));
  }
  return it->second;
}

std::int64_t config::get_int(std::string_view key) const {
  return std::get<std::int64_t>(lookup(key, config_type::integer));
}

double config::get_double(std::string_view key) const {
  auto it = values_.find(key);
  if (it != values_.end()) {
    if (const auto* i = std::get_if<std::int64_t>(&it->second)) return static_cast<double>(*i);
  }
  return std::get<double>(lookup(key, config_type::number));
}

const std::string& config::get_string(std::string_view key) const {
  return std::get<std::string>(lookup(key, config_type::string));
}

bool config::get_bool(std::string_view key) const {
  return std::get<bool>(lookup(key, config_type::boolean));
}

const std::vector<std::string>& config::get_strings(std::string_view key) const {
  return std::get<std::vector<std::string>>(lookup(key, config_type::string_list));
}

bool config::has(std::string_view key) const {
  return values_.find(key) != values_.end();
}

const config_value* config::find(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

}  // namespace stratus::runtime
