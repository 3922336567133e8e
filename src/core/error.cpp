#include "core/error.hpp"

namespace agentry {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUsage:
      return "usage";
    case ErrorCode::kConfig:
      return "config";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kParse:
      return "parse";
    case ErrorCode::kNetwork:
      return "network";
    case ErrorCode::kHttp:
      return "http";
    case ErrorCode::kAuth:
      return "auth";
    case ErrorCode::kRateLimited:
      return "rate_limited";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kTool:
      return "tool";
    case ErrorCode::kPermission:
      return "permission";
    case ErrorCode::kLimit:
      return "limit";
    case ErrorCode::kContextOverflow:
      return "context_overflow";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

std::string Error::to_string() const {
  std::string out;
  if (!where.empty()) {
    out += where;
    out += ": ";
  }
  out += message;
  if (!hint.empty()) {
    out += " (";
    out += hint;
    out += ")";
  }
  return out;
}

int exit_code_for(const Error& error) {
  switch (error.code) {
    case ErrorCode::kUsage:
    case ErrorCode::kConfig:
    case ErrorCode::kNotFound:
      return kExitUsage;
    case ErrorCode::kCancelled:
      return kExitInterrupted;
    default:
      return kExitFailed;
  }
}

}  // namespace agentry
