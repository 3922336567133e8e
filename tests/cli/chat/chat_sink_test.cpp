#include "cli/chat/chat_sink.hpp"

#include <cstdio>

#include <doctest/doctest.h>

#include "cli/chat/chat_approver.hpp"

namespace agentry::cli::chat {

namespace {

/// Collects what a non-live term::ChatScreen prints.
class Captured {
 public:
  Captured() : file_(std::tmpfile()) {}
  ~Captured() { std::fclose(file_); }
  std::FILE* file() { return file_; }
  std::string text() {
    std::fflush(file_);
    std::rewind(file_);
    std::string out;
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof buf, file_))
      out.append(buf, n);
    return out;
  }

 private:
  std::FILE* file_;
};

std::string dashes(int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += "─";
  return out;
}

engine::Origin top() {
  return {"s1", "orchestrator", 0};
}
engine::Origin child() {
  return {"s2", "rust-pro", 1};
}

}  // namespace

TEST_CASE("streamed text is rendered line by line as markdown, with who speaks") {
  Captured out;
  term::ChatScreen screen(out.file(), false, false, 60, -1);
  ChatSink sink(screen, false);
  sink.begin_turn("orchestrator", {});
  sink.on_event(engine::TurnStarted{top(), 1});
  sink.on_event(engine::TextDelta{top(), "\n# Ti"});
  // The header shows as soon as text streams; the incomplete line waits (a leading blank line
  // is dropped).
  CHECK(out.text() == "\n● orchestrator\n");
  sink.on_event(engine::TextDelta{top(), "tle\n```rust\nfn x() {}\n"});
  sink.on_event(engine::TextDelta{top(), "\x1b]0;evil\x07tail"});
  sink.on_event(engine::Done{top(), engine::StopReason::kCompleted, ""});
  sink.end_turn();
  // 60 columns: frames are 59 wide.
  CHECK(out.text() == "\n● orchestrator\n# Title\n╭─ rust " + dashes(51) +
                          "\n│ fn x() {}\n│ tail\n╰" + dashes(58) + "\n");
  CHECK(sink.top_session() == "s1");
}

TEST_CASE("thinking is hidden by default, and /thinking shows it dimmed, one line per turn") {
  for (bool shown : {false, true}) {
    CAPTURE(shown);
    Captured out;
    term::ChatScreen screen(out.file(), false, false, 40, -1);
    ChatSink sink(screen, false);
    CHECK_FALSE(sink.show_thinking());
    sink.set_show_thinking(shown);
    sink.begin_turn("orchestrator", {});
    sink.on_event(engine::TurnStarted{top(), 1});
    sink.on_event(engine::ThinkingDelta{top(), "The user wants\n\nthe file "});
    sink.on_event(engine::ThinkingDelta{top(), "read, then a summary of what it says."});
    sink.on_event(engine::TextDelta{top(), "It says hello.\n"});
    sink.on_event(engine::Done{top(), engine::StopReason::kCompleted, ""});
    sink.end_turn();
    // 40 columns: the folded line keeps the end of the thinking, cut to fit.
    std::string expected =
        shown ? "\n● orchestrator\n✻ …ad, then a summary of what it says.\nIt says hello.\n"
              : "\n● orchestrator\nIt says hello.\n";
    CHECK(out.text() == expected);
  }
}

TEST_CASE("tool lines, subagents and accounts") {
  Captured out;
  term::ChatScreen screen(out.file(), false, false, 80, -1);
  ChatSink sink(screen, false);
  std::vector<std::string> observed;
  sink.set_tool_observer([&](const ToolCall& c) { observed.push_back(c.name); });
  sink.begin_turn("orchestrator", {});
  sink.on_event(engine::TurnStarted{top(), 1});
  sink.on_event(engine::TextDelta{top(), "Handing over."});
  sink.on_event(engine::SubagentStarted{top(), "s2", "rust-pro", "fix it"});
  ToolCall call{"c1", "cargo_check", {{"package", "a"}}, ""};
  sink.on_event(engine::ToolCallStarted{child(), call});
  sink.on_event(engine::ToolCallFinished{child(), call, {"c1", "cargo_check", "ok\n", false}, 12});
  sink.on_event(engine::UsageUpdated{child(), {100, 10, 0, 0}, {100, 10, 0, 0}, 0.5});
  sink.on_event(engine::UsageUpdated{top(), {50, 5, 0, 0}, {50, 5, 0, 0}, std::nullopt});
  sink.on_event(engine::SubagentFinished{top(), "s2", "rust-pro", true});
  sink.end_turn();
  CHECK(out.text() ==
        "\n● orchestrator\nHanding over.\n→ orchestrator delegates to rust-pro: fix it\n"
        "  ▸ cargo_check package=a\n  ✓ cargo_check (12 ms)\n    │ ok\n← rust-pro finished\n");
  CHECK(observed == std::vector<std::string>{"cargo_check"});
  CHECK(sink.usage().input_tokens == 150);
  CHECK(sink.usage().output_tokens == 15);
  CHECK(sink.cost() == 0.5);
  CHECK(sink.last_tool_output() == "ok\n");
  CHECK(sink.agent_calling("cargo_check") == "rust-pro");
}

TEST_CASE("events wait while an approval prompt has the terminal") {
  Captured out;
  term::ChatScreen screen(out.file(), false, false, 80, -1);
  ChatSink sink(screen, false);
  sink.begin_turn("rust-pro", {});
  sink.begin_approval();
  sink.on_event(engine::TextDelta{child(), "held\n"});
  CHECK(out.text() == "");
  sink.end_approval();
  sink.end_turn();
  CHECK(out.text() == "\n  ● rust-pro\n  held\n");
}

TEST_CASE("a cancelled turn is not reported by every session it stopped") {
  Captured out;
  term::ChatScreen screen(out.file(), false, false, 80, -1);
  ChatSink sink(screen, false);
  sink.begin_turn("orchestrator", {});
  sink.on_event(engine::ErrorOccurred{child(), Error(ErrorCode::kCancelled, "cancelled")});
  sink.on_event(engine::ErrorOccurred{top(), Error(ErrorCode::kCancelled, "cancelled")});
  sink.end_turn();
  CHECK(out.text() == "");
  CHECK(sink.error_shown());
}

TEST_CASE("a compaction prints one line with the tokens before and after") {
  Captured out;
  term::ChatScreen screen(out.file(), false, false, 80, -1);
  ChatSink sink(screen, false);
  sink.begin_turn("orchestrator", {});
  sink.on_event(engine::ContextCompacted{top(), "summarised", 41200, 9800});
  sink.on_event(engine::ContextCompacted{child(), "pruned", 1234567, 800});
  sink.end_turn();
  CHECK(out.text() ==
        "⋯ context compacted (summarised): 41,200 → 9,800 tokens\n"
        "  ⋯ context compacted (pruned): 1,234,567 → 800 tokens\n");
}

TEST_CASE("the live area shows the tail of a long partial line and is erased around prints") {
  Captured out;
  {
    term::ChatScreen screen(out.file(), true, false, 20, -1);
    screen.set_partial(std::string(5000, 'x') + "END");
    screen.print("done\n");
  }
  // 20 columns, 4 rows at most: 79 columns of room, 78 for the tail after the "…".
  std::string drawn = "…" + std::string(75, 'x') + "END";
  std::string erase = "\r\x1b[3A\x1b[J";
  CHECK(out.text() == drawn + erase + "done\n" + drawn + erase);
}

TEST_CASE("approval previews: controls stripped, diffs coloured, long ones shortened") {
  std::string diff = "--- a\n+++ a\n@@ -1 +1 @@\n-old\n+new\x1b[2J\n";
  CHECK(approval_preview_text(diff, false, 10) == "--- a\n+++ a\n@@ -1 +1 @@\n-old\n+new");
  CHECK(approval_preview_text(diff, true, 10) ==
        "--- a\n+++ a\n\x1b[36m@@ -1 +1 @@\x1b[39m\n\x1b[31m-old\x1b[39m\n\x1b[32m+new\x1b[39m");
  CHECK(approval_preview_text("1\n2\n3\n4\n", false, 2) == "1\n2\n… 2 more lines");
}

}  // namespace agentry::cli::chat
