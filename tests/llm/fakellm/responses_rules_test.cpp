// The fake's Responses rules (fakellm/responses_rules.hpp) on request bodies directly.
#include "fakellm/responses_rules.hpp"

#include <doctest/doctest.h>

namespace agentry::fakellm {
namespace {

using nlohmann::json;

json reasoning(int request) {
  std::string id = reasoning_item_id(request);
  return {{"type", "reasoning"},
          {"id", id},
          {"summary", json::array()},
          {"encrypted_content", encrypted_reasoning(id)}};
}

json call(const char* call_id) {
  return {{"type", "function_call"}, {"call_id", call_id}, {"name", "x"}, {"arguments", "{}"}};
}

json output(const char* call_id) {
  return {{"type", "function_call_output"}, {"call_id", call_id}, {"output", "ok"}};
}

json body(json input) {
  return {{"model", "m"}, {"store", false}, {"input", std::move(input)}};
}

TEST_CASE("the ledger: reasoning before its calls passes, after them or missing is refused") {
  ReasoningLedger ledger;
  ledger.issued(1, {"call_a", "call_b"});
  ledger.issued(3, {"call_c"});
  json user = {{"type", "message"}, {"role", "user"}, {"content", "go"}};
  json text = {{"type", "message"}, {"role", "assistant"}, {"content", "Checking."}};
  std::string message;

  CHECK_FALSE(
      ledger
          .refusal(body({user, reasoning(1), text, call("call_a"), call("call_b"), output("call_a"),
                         output("call_b"), reasoning(3), call("call_c"), output("call_c")}),
                   message)
          .has_value());
  // A call the fake never issued (another server's, or the client's) is not checked.
  CHECK_FALSE(ledger.refusal(body({user, call("call_zzz"), output("call_zzz")}), message));

  auto after = ledger.refusal(
      body({user, call("call_a"), reasoning(1), call("call_b"), output("call_a")}), message);
  REQUIRE(after.has_value());
  CHECK(message ==
        "Item 'fc_fake0001_0' of type 'function_call' was provided without its required "
        "'reasoning' item: 'rs_fake0001'.");
  json error = json::parse(*after)["error"];
  CHECK(error["type"] == "invalid_request_error");
  CHECK(error["param"] == "input");

  // The reasoning of another answer (across a tool result) does not count.
  auto other =
      ledger.refusal(body({user, reasoning(1), call("call_a"), call("call_b"), output("call_a"),
                           output("call_b"), call("call_c"), output("call_c")}),
                     message);
  REQUIRE(other.has_value());
  CHECK(message.find("'fc_fake0003_0'") != std::string::npos);
  CHECK(message.find("'rs_fake0003'") != std::string::npos);
}

TEST_CASE("encrypted content: issued per id, an altered one is refused") {
  CHECK(encrypted_reasoning("rs_fake0001") == encrypted_reasoning("rs_fake0001"));
  CHECK(encrypted_reasoning("rs_fake0001") != encrypted_reasoning("rs_fake0002"));
  ReasoningLedger ledger;
  ledger.issued(1, {"call_a"});
  json r = reasoning(1);
  r["encrypted_content"] = encrypted_reasoning("rs_fake0002");
  std::string message;
  auto refused = ledger.refusal(body({r, call("call_a")}), message);
  REQUIRE(refused.has_value());
  CHECK(message == "The encrypted content for item rs_fake0001 could not be verified.");
  CHECK(json::parse(*refused)["error"]["code"] == "invalid_encrypted_content");
}

TEST_CASE("reasoning items: when the fake issues them and with what") {
  CHECK(issues_reasoning(json{{"include", {"reasoning.encrypted_content"}}}, false));
  CHECK(includes_encrypted_reasoning(json{{"include", {"reasoning.encrypted_content"}}}));
  CHECK(issues_reasoning(json{{"reasoning", {{"effort", "low"}}}}, false));
  CHECK(issues_reasoning(json::object(), true));
  CHECK_FALSE(issues_reasoning(json::object(), false));
  CHECK_FALSE(includes_encrypted_reasoning(json{{"include", "reasoning.encrypted_content"}}));
}

}  // namespace
}  // namespace agentry::fakellm
