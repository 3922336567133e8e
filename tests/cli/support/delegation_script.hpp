#pragma once
// The scripted demo task: the orchestrator hands the fixing of examples/tempconv to rust-pro,
// which works on it with the real toolchain. Used over each provider kind (run_command_test,
// responses_test).

namespace agentry::cli::e2e {

inline constexpr const char* kFixTask =
    "Make the crate pass `cargo clippy -- -D warnings` and `cargo fmt --check`.";

// The orchestrator hands the work to rust-pro; rust-pro works on examples/tempconv with the real
// tools (clippy, clippy --fix, two edits, rustfmt, clippy again) and reports; the orchestrator
// answers. One turn per request, in order.
inline constexpr const char* kDelegationScript = R"(
turns:
  - text: "Rust work: handing it to rust-pro."
    tool_calls:
      - id: call_task
        name: task
        arguments:
          description: Make tempconv clippy-clean
          subagent_type: rust-pro
          prompt: "Make the crate pass clippy -D warnings and cargo fmt --check."
    usage: {input: 1000, output: 50}
  - tool_calls:
      - {id: call_clippy_1, name: cargo_clippy, arguments: {}}
    usage: {input: 2000, output: 20}
  - tool_calls:
      - {id: call_fix, name: clippy_fix, arguments: {}}
    usage: {input: 2000, output: 20}
  - text: "Two edits by hand, one per turn."
    tool_calls:
      - id: call_edit_1
        name: edit_file
        arguments:
          path: src/lib.rs
          old_string: "pub fn average(readings: &Vec<f64>) -> Option<f64> {"
          new_string: "pub fn average(readings: &[f64]) -> Option<f64> {"
    usage: {input: 2000, output: 20}
  - tool_calls:
      - id: call_edit_2
        name: edit_file
        arguments:
          path: src/lib.rs
          old_string: "    let mut sum = 0.0;\n    for i in 0..readings.len() {\n        sum += readings[i];\n    }\n"
          new_string: "    let sum: f64 = readings.iter().sum();\n"
    usage: {input: 2000, output: 20}
  - tool_calls:
      - {id: call_fmt, name: rustfmt, arguments: {mode: apply}}
    usage: {input: 2000, output: 20}
  - tool_calls:
      - {id: call_clippy_2, name: cargo_clippy, arguments: {all_targets: true}}
    usage: {input: 2000, output: 20}
  - text: "RUST-PRO-REPORT: clippy is clean and the crate is formatted."
    usage: {input: 2000, output: 20}
  - text: "rust-pro fixed the crate."
    usage: {input: 1500, output: 40}
)";

}  // namespace agentry::cli::e2e
