#include "cli/approvers.hpp"

#include <doctest/doctest.h>

namespace agentry::cli {
namespace {

/// Records what reached it and answers yes.
class Recorder final : public tools::Approver {
 public:
  int asked = 0;
  tools::Approval approve(const tools::ApprovalRequest&, std::stop_token) override {
    ++asked;
    return {true, {}};
  }
};

tools::ApprovalRequest write_request(bool settings) {
  tools::ApprovalRequest r;
  r.tool = "write_file";
  r.writes = true;
  r.settings = settings;
  return r;
}

}  // namespace

TEST_CASE("accept-edits approves workspace writes but asks a person for settings writes") {
  Recorder person;
  ModeApprover accept(PermissionMode::kAcceptEdits, &person);
  CHECK(accept.approve(write_request(false), {}).approved);
  CHECK(person.asked == 0);
  CHECK(accept.approve(write_request(true), {}).approved);
  CHECK(person.asked == 1);

  ModeApprover unattended(PermissionMode::kAcceptEdits, nullptr);
  CHECK(unattended.approve(write_request(false), {}).approved);
  auto settings = unattended.approve(write_request(true), {});
  CHECK_FALSE(settings.approved);
  CHECK(settings.reason == "nobody can approve write_file here; the run is unattended");
}

TEST_CASE("bypass approves settings writes too: the operator chose it") {
  ModeApprover bypass(PermissionMode::kBypass, nullptr);
  CHECK(bypass.approve(write_request(true), {}).approved);
}

}  // namespace agentry::cli
