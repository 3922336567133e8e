#pragma once
/// A JSON Schema checker for tests, covering what agentry's documented output schemas use:
/// `$ref` (local, "#/$defs/…"), `oneOf`, `type` (a name or a list of names), `const`, `enum`,
/// `properties`, `required`, `additionalProperties` (false or a schema), `items`, `minimum`, and
/// the annotations (description, title, $schema, $id, $comment). Any other keyword is reported,
/// so a schema cannot promise a constraint that no test enforces.
///
/// Strict mode also rejects object members that a schema with `properties` does not list (unless
/// it says `additionalProperties`): the published schema stays open for readers (fields may be
/// added) while tests catch every field that is emitted but not documented.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace agentry::testing {

/// Every problem of `value` against `schema` (empty when it conforms), each with its JSON path.
std::vector<std::string> schema_problems(const nlohmann::json& schema, const nlohmann::json& value,
                                         bool strict = false);

}  // namespace agentry::testing
