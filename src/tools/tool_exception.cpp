#include "tools/tool_exception.hpp"

#include <cstdlib>
#include <cxxabi.h>
#include <memory>
#include <typeinfo>

#include <fmt/format.h>

namespace agentry::tools {

namespace {

std::string type_name(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> name(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), &std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(type.name());
}

}  // namespace

std::string describe_exception(std::exception_ptr thrown) {
  try {
    std::rethrow_exception(std::move(thrown));
  } catch (const std::exception& e) {
    return fmt::format("{}: {}", type_name(typeid(e)), e.what());
  } catch (...) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    return type != nullptr ? fmt::format("an exception of type {}", type_name(*type))
                           : std::string("an exception of unknown type");
  }
}

std::string tool_threw_message(std::string_view tool, std::exception_ptr thrown) {
  return fmt::format(
      "`{}` failed inside agentry ({}); the call did not finish and may have done part of its "
      "work. This is a fault in agentry, not in your arguments: check the workspace, then go on "
      "another way, and tell the user",
      tool, describe_exception(std::move(thrown)));
}

}  // namespace agentry::tools
