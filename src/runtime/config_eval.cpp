// Runs a config text in a fresh Lua environment whose only global is `include`, then copies
// the globals it defined into C++ values. Lua errors use longjmp, so no C++ object with a
// destructor may be alive in a frame Lua can unwind: the C function below keeps its C++ work
// in an inner block and raises the Lua error only after that block has ended.
#include "runtime/config_eval.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <lua.hpp>
#include <memory>
#include <sstream>
#include <vector>

namespace stratus::runtime::detail {
namespace {

constexpr int max_include_depth = 16;
constexpr int hook_interval = 1'000'000;  // VM instructions between two budget checks
constexpr int max_hook_calls = 50;        // 5e7 instructions: a loop, not a config

/// State shared by the top-level chunk and every nested include.
struct eval_context {
  std::vector<std::filesystem::path> dirs;  // folder of the file being evaluated, innermost last
  int env_ref = LUA_NOREF;                  // registry reference of the result table
  int hook_calls = 0;                       // instruction-budget checks so far
};

/// Stops a config that never finishes (`while true do end`) instead of hanging start-up.
void instruction_budget(lua_State* L, lua_Debug*) {
  eval_context* ctx = *static_cast<eval_context**>(lua_getextraspace(L));
  if (++ctx->hook_calls > max_hook_calls) {
    luaL_error(L, "evaluation did not finish (endless loop?)");
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config_error("config error in " + path.string() + ": cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Compiles `text` and leaves the chunk (with the result table as _ENV) on the stack.
void push_chunk(lua_State* L, eval_context& ctx, const std::string& text, const std::string& file) {
  if (luaL_loadbufferx(L, text.data(), text.size(), ("@" + file).c_str(), "t") != LUA_OK) {
    std::string message = lua_tostring(L, -1);
    lua_pop(L, 1);
    throw config_error("config error in " + file + ": " + message);
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, ctx.env_ref);
  lua_setupvalue(L, -2, 1);  // the first upvalue of a main chunk is _ENV
}

/// `include "file"`: evaluates another config file into the same result table.
int lua_include(lua_State* L) {
  auto* ctx = static_cast<eval_context*>(lua_touserdata(L, lua_upvalueindex(1)));
  const char* name = luaL_checkstring(L, 1);
  bool loaded = false;
  {
    try {
      if (static_cast<int>(ctx->dirs.size()) > max_include_depth) {
        throw config_error(std::string("config error: include nested too deeply at ") + name);
      }
      std::filesystem::path path = ctx->dirs.back() / name;
      if (std::filesystem::path(name).is_absolute()) path = name;
      std::string file = path.lexically_normal().string();
      push_chunk(L, *ctx, substitute_env(read_file(file), file), file);
      ctx->dirs.push_back(path.parent_path());
      loaded = true;
    } catch (const std::exception& e) {
      lua_pushstring(L, e.what());
    }
  }
  if (!loaded) return lua_error(L);
  int status = lua_pcall(L, 0, 0, 0);
  ctx->dirs.pop_back();
  if (status != LUA_OK) return lua_error(L);
  return 0;
}

std::string describe_lua(lua_State* L, int index) {
  return luaL_typename(L, index);
}

/// Converts the Lua value at the top of the stack; `key` and `file` name it in errors.
config_value to_value(lua_State* L, const std::string& key, const std::string& file) {
  switch (lua_type(L, -1)) {
    case LUA_TBOOLEAN:
      return lua_toboolean(L, -1) != 0;
    case LUA_TNUMBER:
      if (lua_isinteger(L, -1)) return static_cast<std::int64_t>(lua_tointeger(L, -1));
      return static_cast<double>(lua_tonumber(L, -1));
    case LUA_TSTRING: {
      std::size_t size = 0;
      const char* data = lua_tolstring(L, -1, &size);
      return std::string(data, size);
    }
    case LUA_TTABLE: {
      std::vector<std::string> list;
      lua_Integer length = static_cast<lua_Integer>(lua_rawlen(L, -1));
      for (lua_Integer i = 1; i <= length; ++i) {
        bool is_string = lua_rawgeti(L, -1, i) == LUA_TSTRING;
        if (is_string) list.emplace_back(lua_tostring(L, -1));
        lua_pop(L, 1);
        if (!is_string) break;
      }
      std::size_t entries = 0;
      for (lua_pushnil(L); lua_next(L, -2) != 0; lua_pop(L, 1)) ++entries;
      if (list.size() == static_cast<std::size_t>(length) && entries == list.size()) return list;
      throw config_error("config error in " + file + ": key '" + key +
                         "' must be a list of strings like {\"a\", \"b\"}");
    }
    default:
      throw config_error("config error in " + file + ": key '" + key + "' has a value of type " +
                         describe_lua(L, -1) +
                         " (allowed: boolean, number, string, list of "
                         "strings)");
  }
}

struct state_closer {
  void operator()(lua_State* L) const { lua_close(L); }
};

}  // namespace

std::string substitute_env(std::string_view text, const std::string& file) {
  auto is_name = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::size_t end = i + 1;
    while (text[i] == '$' && end < text.size() && is_name(text[end])) ++end;
    if (end == i + 1) {
      out.push_back(text[i]);
      continue;
    }
    std::string name(text.substr(i + 1, end - i - 1));
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      throw config_error("config error in " + file + ": environment variable '" + name +
                         "' is not set (used as $" + name + ")");
    }
    out += value;
    i = end - 1;
  }
  return out;
}

std::map<std::string, config_value, std::less<>> evaluate_config(std::string_view text,
                                                                 const std::string& file) {
  std::unique_ptr<lua_State, state_closer> state(luaL_newstate());
  if (!state) throw config_error("config error in " + file + ": cannot create a Lua state");
  lua_State* L = state.get();
  eval_context ctx;
  *static_cast<eval_context**>(lua_getextraspace(L)) = &ctx;
  lua_sethook(L, instruction_budget, LUA_MASKCOUNT, hook_interval);
  ctx.dirs.push_back(std::filesystem::path(file).parent_path());

  // The result table: its metatable offers `include` without making it a config key.
  lua_newtable(L);
  lua_newtable(L);
  lua_newtable(L);
  lua_pushlightuserdata(L, &ctx);
  lua_pushcclosure(L, lua_include, 1);
  lua_setfield(L, -2, "include");
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  ctx.env_ref = luaL_ref(L, LUA_REGISTRYINDEX);

  push_chunk(L, ctx, substitute_env(text, file), file);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    const char* message = lua_tostring(L, -1);
    std::string reason = message ? message : "error object is not a string";
    if (reason.rfind("config error", 0) == 0) throw config_error(reason);
    throw config_error("config error in " + file + ": " + reason);
  }

  std::map<std::string, config_value, std::less<>> values;
  lua_rawgeti(L, LUA_REGISTRYINDEX, ctx.env_ref);
  for (lua_pushnil(L); lua_next(L, -2) != 0; lua_pop(L, 1)) {
    if (lua_type(L, -2) != LUA_TSTRING) continue;  // only `name = value` globals are keys
    std::string key = lua_tostring(L, -2);
    values.emplace(key, to_value(L, key, file));
  }
  return values;
}

}  // namespace stratus::runtime::detail
