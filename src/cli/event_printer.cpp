#include "cli/event_printer.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "core/environment.hpp"
#include "term/display_width.hpp"

namespace agentry::cli {

namespace {

constexpr const char* kDim = "2";
constexpr const char* kBold = "1";
constexpr const char* kRed = "31";
constexpr const char* kGreen = "32";
constexpr const char* kCyan = "36";
constexpr const char* kMagenta = "35";

std::string indent(int depth) {
  return std::string(static_cast<std::size_t>(depth) * 2, ' ');
}

}  // namespace

bool want_color(int fd, const Environment& env) {
  if (env.get("NO_COLOR").has_value()) return false;
  if (env.get_or("TERM", "") == "dumb") return false;
  return ::isatty(fd) != 0;
}

std::string summarise_arguments(const nlohmann::json& arguments, std::size_t max) {
  if (!arguments.is_object()) return arguments.dump();
  std::string out;
  for (const auto& [key, value] : arguments.items()) {
    if (key == "content" || key == "new_string" || key == "old_string" || key == "prompt")
      continue;  // bulky: shown in approvals and results, not on the call line
    std::string v = value.is_string() ? value.get<std::string>() : value.dump();
    if (auto nl = v.find('\n'); nl != std::string::npos) v = v.substr(0, nl) + "…";
    out += (out.empty() ? "" : " ") + key + "=" + v;
  }
  if (out.size() > max) out = out.substr(0, max - 1) + "…";
  return out;
}

std::string EventPrinter::paint(const char* code, const std::string& text) const {
  if (!style_.color) return text;
  return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
}

EventPrinter::EventPrinter(std::FILE* out, PrinterStyle style)
    : write_([out](std::string_view text) {
        std::fwrite(text.data(), 1, text.size(), out);
        std::fflush(out);
      }),
      style_(style) {}

void EventPrinter::print(const std::string& text) {
  write_(text);
}

void EventPrinter::set_width(int width) {
  std::lock_guard lock(mutex_);
  style_.width = width;
}

void EventPrinter::end_line() {
  if (mid_line_) print("\n");
  mid_line_ = false;
}

void EventPrinter::header(const engine::Origin& origin) {
  if (speaking_ == origin.session_id) return;
  end_line();
  print(fmt::format("\n{}{}\n", indent(origin.depth),
                    paint(kBold, "● " + terminal_safe_line(origin.agent))));
  speaking_ = origin.session_id;
}

std::string EventPrinter::last_tool_output() const {
  std::lock_guard lock(mutex_);
  return last_output_;
}

void EventPrinter::on_event(const engine::Event& event) {
  std::lock_guard lock(mutex_);
  struct Visitor {
    EventPrinter& p;
    void operator()(const engine::TurnStarted&) const {}
    // Reasoning is not printed: `run` prints the answer, and chat shows it itself (/thinking).
    void operator()(const engine::ThinkingDelta&) const {}
    void operator()(const engine::TextDelta& e) const {
      p.header(e.origin);
      std::string text = p.filters_[e.origin.session_id].feed(e.text);
      std::string pad = indent(e.origin.depth);
      for (char c : text) {
        if (!p.mid_line_ && c != '\n') {
          p.print(pad);
          p.mid_line_ = true;
        }
        p.print(std::string(1, c));
        if (c == '\n') p.mid_line_ = false;
      }
    }
    void operator()(const engine::ToolCallStarted& e) const {
      if (e.call.name == "task") return;  // shown as a delegation
      p.end_line();
      p.speaking_.clear();
      p.print(fmt::format("{}{} {} {}\n", indent(e.origin.depth), p.paint(kCyan, "▸"),
                          p.paint(kBold, terminal_safe_line(e.call.name)),
                          p.paint(kDim, terminal_safe(summarise_arguments(e.call.arguments)))));
    }
    void operator()(const engine::ToolCallProgress& e) const {
      p.end_line();
      p.speaking_.clear();
      p.print(fmt::format("{}  {}\n", indent(e.origin.depth),
                          p.paint(kDim, "⋯ " + terminal_safe_line(describe_progress(e)))));
    }
    void operator()(const engine::ToolCallFinished& e) const {
      p.last_output_ = e.result.content;
      if (e.call.name == "task") return;
      p.end_line();
      p.speaking_.clear();
      std::string pad = indent(e.origin.depth);
      p.print(fmt::format(
          "{}{} {} {}\n", pad, e.result.is_error ? p.paint(kRed, "✗") : p.paint(kGreen, "✓"),
          terminal_safe_line(e.call.name), p.paint(kDim, fmt::format("({} ms)", e.duration_ms))));
      std::string content = terminal_safe(e.result.content);
      int shown = 0;
      std::size_t pos = 0;
      while (pos < content.size() && shown < p.style_.folded_lines) {
        auto nl = content.find('\n', pos);
        std::string line = content.substr(pos, nl == std::string::npos ? nl : nl - pos);
        for (auto tab = line.find('\t'); tab != std::string::npos; tab = line.find('\t', tab))
          line.replace(tab, 1, "    ");
        line = term::truncate_to_width(
            line, std::max(20, p.style_.width - 5 - static_cast<int>(pad.size())));
        p.print(fmt::format("{}  {}\n", pad, p.paint(kDim, "│ " + line)));
        ++shown;
        if (nl == std::string::npos) {
          pos = content.size();
          break;
        }
        pos = nl + 1;
      }
      if (pos < content.size()) {
        auto rest =
            std::count(content.begin() + static_cast<std::ptrdiff_t>(pos), content.end(), '\n') + 1;
        p.print(fmt::format("{}  {}\n", pad,
                            p.paint(kDim, fmt::format("│ … {} more lines{}", rest, p.fold_hint_))));
      }
    }
    void operator()(const engine::UsageUpdated&) const {}
    void operator()(const engine::SubagentStarted& e) const {
      p.end_line();
      p.speaking_.clear();
      p.print(fmt::format("{}{} {} delegates to {}: {}\n", indent(e.origin.depth),
                          p.paint(kMagenta, "→"), terminal_safe_line(e.origin.agent),
                          p.paint(kBold, terminal_safe_line(e.child_agent)),
                          terminal_safe(e.description)));
    }
    void operator()(const engine::SubagentFinished& e) const {
      p.end_line();
      p.speaking_.clear();
      p.print(fmt::format("{}{} {} {}\n", indent(e.origin.depth), p.paint(kMagenta, "←"),
                          terminal_safe_line(e.child_agent), e.ok ? "finished" : "failed"));
    }
    void operator()(const engine::ContextCompacted& e) const {
      p.end_line();
      p.speaking_.clear();
      p.print(fmt::format("{}{} {}\n", indent(e.origin.depth), p.paint(kDim, "⋯"),
                          p.paint(kDim, describe_compaction(e))));
    }
    void operator()(const engine::HookRan& e) const {
      p.end_line();
      p.speaking_.clear();
      p.print(fmt::format("{}{} {}\n", indent(e.origin.depth), p.paint(kDim, "⋯"),
                          p.paint(e.blocked ? kRed : kDim, describe_hook(e))));
    }
    void operator()(const engine::Done& e) const {
      p.filters_.erase(e.origin.session_id);
      if (e.origin.depth == 0) p.end_line();
    }
    void operator()(const engine::ErrorOccurred& e) const {
      p.end_line();
      p.print(fmt::format("{}{} {}\n", indent(e.origin.depth), p.paint(kRed, "✗ error:"),
                          terminal_safe(e.error.to_string())));
    }
  };
  std::visit(Visitor{*this}, event);
}

namespace {
std::string with_commas(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}
}  // namespace

std::string describe_hook(const engine::HookRan& event) {
  std::string outcome = event.timed_out ? "timed out"
                        : event.blocked ? fmt::format("blocked (exit {})", event.exit_code)
                                        : fmt::format("exit {}", event.exit_code);
  return fmt::format("hook {} `{}`: {}", event.event, terminal_safe_line(event.command), outcome);
}

std::string describe_progress(const engine::ToolCallProgress& event) {
  std::string out = event.total ? fmt::format("progress {:g}/{:g}", event.progress, *event.total)
                                : fmt::format("progress {:g}", event.progress);
  if (!event.message.empty()) out += ": " + event.message;
  return out;
}

std::string describe_compaction(const engine::ContextCompacted& event) {
  return fmt::format("context compacted ({}): {} → {} tokens", event.how,
                     with_commas(event.tokens_before), with_commas(event.tokens_after));
}

}  // namespace agentry::cli
