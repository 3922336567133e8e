// SharedLibrary: dlopen ownership and the errors a missing library or symbol gives.
#include "core/shared_library.hpp"

#include <cstring>
#include <dlfcn.h>

#include <doctest/doctest.h>

namespace agentry {
namespace {

TEST_CASE("a library that is not installed fails with its name and the install hint") {
  auto lib = SharedLibrary::open("libagentry-missing.so.7", "install libagentry-missing7");
  REQUIRE_FALSE(lib.has_value());
  CHECK(lib.error().code == ErrorCode::kNotFound);
  CHECK(lib.error().message.find("cannot load libagentry-missing.so.7") != std::string::npos);
  CHECK(lib.error().hint == "install libagentry-missing7");
  CHECK(lib.error().to_string().find("install libagentry-missing7") != std::string::npos);
}

TEST_CASE("symbols resolve from a loaded library and a missing one is named") {
  auto lib = SharedLibrary::open("libc.so.6", "install libc6");
  REQUIRE_MESSAGE(lib.has_value(), (lib ? "" : lib.error().to_string()));
  auto strlen_address = lib->symbol("strlen");
  REQUIRE(strlen_address.has_value());
  auto* fn = reinterpret_cast<std::size_t (*)(const char*)>(*strlen_address);
  CHECK(fn("agentry") == 7);

  auto missing = lib->symbol("agentry_no_such_function");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message.find("agentry_no_such_function") != std::string::npos);
  CHECK(missing.error().message.find("libc.so.6") != std::string::npos);
  CHECK(missing.error().hint == "install libc6");

  SharedLibrary moved = std::move(*lib);  // the handle moves; the old owner closes nothing
  CHECK(moved.soname() == "libc.so.6");
  CHECK(moved.symbol("strlen").has_value());
}

TEST_CASE("a library stays loaded after its owner is gone, until the process exits") {
  // libcurl: agentry links it nowhere, so only this test loads it.
  const char* soname = "libcurl.so.4";
  REQUIRE_MESSAGE(::dlopen(soname, RTLD_LAZY | RTLD_NOLOAD) == nullptr,
                  "already loaded: the test would prove nothing");
  {
    auto lib = SharedLibrary::open(soname, "install libcurl4");
    REQUIRE_MESSAGE(lib.has_value(), (lib ? "" : lib.error().to_string()));
  }
  void* still = ::dlopen(soname, RTLD_LAZY | RTLD_NOLOAD);
  CHECK(still != nullptr);
  if (still != nullptr) ::dlclose(still);
}

}  // namespace
}  // namespace agentry
