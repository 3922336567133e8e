#pragma once
/// A JSON-Schema validator for the subset tools/*.yaml use: `type` (object, string, integer,
/// number, boolean, array), `properties`, `required`, `additionalProperties: false`, `enum`,
/// `items`, `minimum`, `maximum`, plus the annotations `description`, `default`, `title`.
///
/// Arguments come from a model, so a violation is not a crash but a message telling the model
/// what to rewrite; every problem is listed at once so one retry can fix them all.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace agentry::tools {

/// Nullopt when `value` satisfies `schema`; else one message for the model, e.g.
/// "rewrite your input: `path` is required; `limit` must be an integer >= 1 (got \"ten\")".
std::optional<std::string> validate_arguments(const nlohmann::json& schema,
                                              const nlohmann::json& value);

/// Checks that `schema` only uses the supported subset, so a tool file cannot promise the
/// model a constraint that is never enforced. `where` names the file for the error.
[[nodiscard]] Result<void> check_schema(const nlohmann::json& schema, const std::string& where);

}  // namespace agentry::tools
