#pragma once
// The node's configuration: a skynet-style Lua file (`key = value`, `--` comments,
// `include "file"`, `$NAME` from the environment) evaluated once at start-up.

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace stratus::runtime {

/// A start-up failure in the config; the message names the file and, when known, the key.
class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One value of the config: bool, integer, number, string, or a list of strings.
using config_value =
    std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>>;

/// The kinds a declared key may have (the index order of config_value).
enum class config_type { boolean, integer, number, string, string_list };

/// One entry of the declared-key table (config_keys.cpp).
struct config_key {
  std::string_view name;                       ///< key as written in the file
  config_type type;                            ///< required kind of the value
  config_value fallback;                       ///< value used when the file does not set the key
  std::string_view description;                ///< one line for docs and `--print-keys`
  bool required = false;                       ///< start-up fails when the key is absent
  bool secret = false;                         ///< never logged nor printed
  std::vector<std::string_view> choices = {};  ///< allowed strings (empty: any)
  std::int64_t min = INT64_MIN;                ///< smallest allowed integer
  std::int64_t max = INT64_MAX;                ///< largest allowed integer
};

/// The table of every key the framework reads, in documentation order.
std::span<const config_key> declared_config_keys();

/// The declared key called `name`, or nullptr.
const config_key* find_config_key(std::string_view name);

/// Renders a value the way it would be written in the config file (strings quoted).
std::string to_lua_literal(const config_value& value);

/// An evaluated, validated config. Immutable after load; share it freely between threads.
class config {
 public:
  /// Reads, evaluates and validates `path`; throws config_error on any problem.
  static config load(const std::filesystem::path& path);
  /// Evaluates `text` as if it were a file called `name` (includes resolve against its folder).
  static config from_string(std::string_view text, std::string name);

  /// Integer value of `key`, or its declared default when absent.
  std::int64_t get_int(std::string_view key) const;
  /// Number value of `key` (integers convert), or its declared default when absent.
  double get_double(std::string_view key) const;
  /// String value of `key`, or its declared default when absent.
  const std::string& get_string(std::string_view key) const;
  /// Bool value of `key`, or its declared default when absent.
  bool get_bool(std::string_view key) const;
  /// List-of-strings value of `key`, or its declared default when absent.
  const std::vector<std::string>& get_strings(std::string_view key) const;

  /// True when the file set `key` (declared or not).
  bool has(std::string_view key) const;
  /// The raw value the file set, or nullptr.
  const config_value* find(std::string_view key) const;
  /// Every key the file set, sorted by name.
  const std::map<std::string, config_value, std::less<>>& values() const { return values_; }
  /// The file the config came from (its name for from_string).
  const std::string& file() const { return file_; }

 private:
  config(std::string file, std::map<std::string, config_value, std::less<>> values);
  const config_value& lookup(std::string_view key, config_type want) const;
  void validate() const;

  std::string file_;
  std::map<std::string, config_value, std::less<>> values_;
};

}  // namespace stratus::runtime
