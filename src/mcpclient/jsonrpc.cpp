#include "mcpclient/jsonrpc.hpp"

#include "core/json_depth.hpp"

namespace agentry::mcpclient::jsonrpc {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxDetail = 200;

bool valid_id(const json& id) {
  return id.is_string() || id.is_number_integer();
}

}  // namespace

Incoming parse_message(std::string_view line) {
  if (json_too_deep(line))
    return Invalid{nullptr, kParseError, "Parse error: " + json_too_deep_message()};
  json message;
  try {
    message = json::parse(line);
  } catch (const json::exception& e) {
    // The parser quotes the offending token, which may be most of a huge line: keep it short.
    std::string what = e.what();
    if (what.size() > kMaxDetail) what = what.substr(0, kMaxDetail) + "...";
    return Invalid{nullptr, kParseError, "Parse error: " + what};
  }
  if (message.is_array()) {
    return Invalid{nullptr, kInvalidRequest,
                   message.empty() ? "Invalid Request: empty batch"
                                   : "Invalid Request: JSON-RPC batches are not supported; send "
                                     "one message per line"};
  }
  if (!message.is_object())
    return Invalid{nullptr, kInvalidRequest, "Invalid Request: a message must be a JSON object"};

  auto id_it = message.find("id");
  bool has_id = id_it != message.end();
  json id = has_id && valid_id(*id_it) ? *id_it : json(nullptr);
  auto version = message.find("jsonrpc");
  if (version == message.end() || *version != "2.0")
    return Invalid{id, kInvalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\""};
  if (has_id && !valid_id(*id_it)) {
    return Invalid{nullptr, kInvalidRequest,
                   "Invalid Request: \"id\" must be a string or an integer"};
  }

  auto method = message.find("method");
  if (method == message.end()) {
    if (has_id && message.contains("error")) {
      const json& error = message["error"];
      if (!error.is_object())
        return Invalid{id, kInvalidRequest, "Invalid Request: \"error\" must be an object"};
      return Response{id, nullptr, error};
    }
    if (has_id && message.contains("result")) return Response{id, message["result"], nullptr};
    return Invalid{id, kInvalidRequest, "Invalid Request: missing \"method\""};
  }
  if (!method->is_string())
    return Invalid{id, kInvalidRequest, "Invalid Request: \"method\" must be a string"};

  json params = nullptr;
  if (auto p = message.find("params"); p != message.end()) {
    if (!p->is_object() && !p->is_array())
      return Invalid{id, kInvalidRequest, "Invalid Request: \"params\" must be an object"};
    params = *p;
  }
  if (has_id) return Request{id, method->get<std::string>(), std::move(params)};
  return Notification{method->get<std::string>(), std::move(params)};
}

json make_result(const json& id, json result) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json make_error(const json& id, int code, std::string_view message, json data) {
  json error{{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = std::move(data);
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

json make_notification(std::string_view method, json params) {
  return json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

bool MessageWriter::send(const json& message) {
  // Agent output may hold invalid UTF-8; the client still gets valid JSON.
  std::string line = message.dump(-1, ' ', false, json::error_handler_t::replace);
  line += '\n';
  std::lock_guard lock(mutex_);
  if (!out_) return false;
  out_.write(line.data(), static_cast<std::streamsize>(line.size()));
  out_.flush();
  return static_cast<bool>(out_);
}

}  // namespace agentry::mcpclient::jsonrpc
