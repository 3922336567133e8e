#include "mcpclient/server_config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace agentry::mcpclient {

using nlohmann::json;

const char* to_string(TransportKind kind) {
  switch (kind) {
    case TransportKind::kStdio:
      return "stdio";
    case TransportKind::kHttp:
      return "http";
    case TransportKind::kSse:
      return "sse";
  }
  return "stdio";
}

Result<std::string> expand_variables(std::string_view text, const Environment& env,
                                     std::string_view where) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto dollar = text.find("${", pos);
    if (dollar == std::string_view::npos) break;
    out.append(text.substr(pos, dollar - pos));
    auto close = text.find('}', dollar + 2);
    if (close == std::string_view::npos)
      return fail(ErrorCode::kConfig, fmt::format("unclosed `${{` in \"{}\"", text),
                  std::string(where), "write ${VAR} or ${VAR:-default}");
    std::string_view inner = text.substr(dollar + 2, close - dollar - 2);
    auto sep = inner.find(":-");
    std::string_view var = inner.substr(0, sep);
    if (var.empty())
      return fail(ErrorCode::kConfig, fmt::format("empty variable name in \"{}\"", text),
                  std::string(where));
    auto value = env.get(var);
    if (value && !(value->empty() && sep != std::string_view::npos)) {
      out += *value;
    } else if (sep != std::string_view::npos) {
      out.append(inner.substr(sep + 2));
    } else {
      return fail(ErrorCode::kConfig, fmt::format("environment variable {} is not set", var),
                  std::string(where), fmt::format("set {0} or write ${{{0}:-default}}", var));
    }
    pos = close + 1;
  }
  out.append(text.substr(std::min(pos, text.size())));
  return out;
}

namespace {

struct EntryReader {
  const json& entry;
  const Environment& env;
  const WhereFn& where;
  const std::string& name;

  tl::unexpected<Error> bad(std::string_view pointer, std::string_view expected) const {
    return fail(ErrorCode::kConfig,
                fmt::format("MCP server `{}`: `{}` must be {}", name, pointer.substr(1), expected),
                where(pointer));
  }

  Result<std::string> string_at(std::string_view pointer, const json& value) const {
    if (!value.is_string()) return bad(pointer, "a string");
    return expand_variables(value.get<std::string>(), env, where(pointer));
  }

  Result<std::string> string(std::string_view key) const {
    auto it = entry.find(std::string(key));
    if (it == entry.end() || it->is_null()) return std::string();
    return string_at(fmt::format("/{}", key), *it);
  }

  Result<NameValues> map(std::string_view key) const {
    NameValues out;
    auto it = entry.find(std::string(key));
    if (it == entry.end() || it->is_null()) return out;
    if (!it->is_object()) return bad(fmt::format("/{}", key), "a mapping of names to strings");
    for (const auto& [k, v] : it->items()) {
      std::string pointer = fmt::format("/{}/{}", key, k);
      // Numbers and booleans are common in hand-written env maps: take them as their text.
      if (v.is_number() || v.is_boolean()) {
        out.emplace_back(k, v.dump());
        continue;
      }
      auto text = string_at(pointer, v);
      if (!text) return tl::make_unexpected(text.error());
      out.emplace_back(k, std::move(*text));
    }
    return out;
  }
};

Result<std::chrono::milliseconds> parse_timeout(const json& value, const EntryReader& r) {
  double ms = -1;
  if (value.is_number()) {
    ms = value.get<double>() * 1000.0;
  } else if (value.is_string()) {
    std::string text = value.get<std::string>();
    double number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    if (ec == std::errc()) {
      if (unit == "ms") ms = number;
      if (unit == "s" || unit.empty()) ms = number * 1000.0;
      if (unit == "m") ms = number * 60'000.0;
    }
  }
  if (!(ms > 0) || !std::isfinite(ms) || ms > 86'400'000.0)
    return r.bad("/timeout", "a positive duration: seconds, or \"500ms\", \"30s\", \"2m\"");
  return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

}  // namespace

Result<ServerConfig> parse_server_config(std::string name, const json& entry,
                                         const Environment& env, const WhereFn& where) {
  ServerConfig config;
  config.name = std::move(name);
  config.origin = where("");
  EntryReader r{entry, env, where, config.name};
  if (!entry.is_object())
    return fail(ErrorCode::kConfig,
                fmt::format("MCP server `{}` must be a mapping (command/args or url)", config.name),
                config.origin);
  static constexpr std::string_view kKnown[] = {
      "type", "command", "args", "env", "cwd", "url", "headers", "timeout", "enabled", "transport"};
  for (const auto& [key, value] : entry.items()) {
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown))
      return fail(ErrorCode::kConfig,
                  fmt::format("MCP server `{}`: unknown key `{}`", config.name, key),
                  where(fmt::format("/{}", key)),
                  "use type, command, args, env, cwd, url, headers, timeout, enabled");
  }
  auto type = r.string(entry.contains("type") ? "type" : "transport");
  if (!type) return tl::make_unexpected(type.error());
  if (auto en = entry.find("enabled"); en != entry.end() && !en->is_null()) {
    if (!en->is_boolean()) return r.bad("/enabled", "true or false");
    config.enabled = en->get<bool>();
  }
  if (auto t = entry.find("timeout"); t != entry.end() && !t->is_null()) {
    auto timeout = parse_timeout(*t, r);
    if (!timeout) return tl::make_unexpected(timeout.error());
    config.timeout = *timeout;
  }
  auto command = r.string("command");
  auto url = r.string("url");
  auto cwd = r.string("cwd");
  auto env_map = r.map("env");
  auto headers = r.map("headers");
  for (const Error* e : {command ? nullptr : &command.error(), url ? nullptr : &url.error(),
                         cwd ? nullptr : &cwd.error(), env_map ? nullptr : &env_map.error(),
                         headers ? nullptr : &headers.error()}) {
    if (e != nullptr) return tl::make_unexpected(*e);
  }
  if (type->empty()) {
    *type = url->empty() ? "stdio" : "http";
  }
  if (*type == "stdio") {
    config.transport = TransportKind::kStdio;
  } else if (*type == "http" || *type == "streamable-http" || *type == "streamableHttp") {
    config.transport = TransportKind::kHttp;
  } else if (*type == "sse") {
    config.transport = TransportKind::kSse;
  } else {
    return r.bad("/type", "stdio, http or sse");
  }
  if (config.transport == TransportKind::kStdio) {
    if (command->empty()) return r.bad("/command", "the program to run (a stdio server)");
    config.command = std::move(*command);
    config.cwd = std::move(*cwd);
    config.env = std::move(*env_map);
    if (auto a = entry.find("args"); a != entry.end() && !a->is_null()) {
      if (!a->is_array()) return r.bad("/args", "a list of strings");
      for (std::size_t i = 0; i < a->size(); ++i) {
        auto arg = r.string_at(fmt::format("/args/{}", i), (*a)[i]);
        if (!arg) return tl::make_unexpected(arg.error());
        config.args.push_back(std::move(*arg));
      }
    }
  } else {
    if (!url->starts_with("http://") && !url->starts_with("https://"))
      return r.bad("/url", "an http:// or https:// URL");
    config.url = std::move(*url);
    config.headers = std::move(*headers);
  }
  return config;
}

}  // namespace agentry::mcpclient
