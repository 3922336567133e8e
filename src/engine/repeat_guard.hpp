#pragma once
/// Notices a model calling the same tool with the same arguments again and again (opencode's
/// "doom loop"): such a call cannot give a different answer, so the loop refuses it and, if the
/// model insists, stops the session.
#include <string>

#include "core/message.hpp"

namespace agentry::engine {

class RepeatGuard {
 public:
  explicit RepeatGuard(int limit) : limit_(limit) {}

  enum class Verdict { kRun, kRefuse, kStop };
  /// Records `call`; kRefuse when it is the limit-th identical call in a row, kStop beyond it.
  Verdict check(const ToolCall& call);

 private:
  int limit_;
  std::string last_;
  int count_ = 0;
};

}  // namespace agentry::engine
