// What the model reads of a tools/call result, and the images handed on to models that take them.
#include "mcpclient/call_result.hpp"

#include <doctest/doctest.h>

namespace agentry::mcpclient {

using nlohmann::json;

TEST_CASE("call result: images of a type models take are handed on, and noted in the text") {
  json result = {{"content",
                  {{{"type", "text"}, {"text", "here"}},
                   {{"type", "image"}, {"mimeType", "image/png"}, {"data", "AAAA"}},
                   {{"type", "image"}, {"mimeType", "image/tiff"}, {"data", "BBBB"}}}}};
  auto rendered = render_call_result(result, kDefaultOutputCap);
  CHECK_FALSE(rendered.is_error);
  CHECK(rendered.text ==
        "here\n[image: image/png, 3 bytes; not shown as text]\n[image: image/tiff, 3 bytes; not "
        "shown as text]");
  REQUIRE(rendered.images.size() == 1);
  CHECK(rendered.images[0] == ToolImage{"image/png", "AAAA"});
}

TEST_CASE("call result: images beyond the budget are left to the note") {
  std::string big(kMaxImageBytes - 4, 'A');
  json result = {{"content",
                  {{{"type", "image"}, {"mimeType", "image/jpeg"}, {"data", big}},
                   {{"type", "image"}, {"mimeType", "image/png"}, {"data", "AAAAAAAA"}}}}};
  auto rendered = render_call_result(result, kDefaultOutputCap);
  REQUIRE(rendered.images.size() == 1);
  CHECK(rendered.images[0].media_type == "image/jpeg");
}

}  // namespace agentry::mcpclient
