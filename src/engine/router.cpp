#include "engine/router.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/text.hpp"

namespace agentry::engine {

namespace fs = std::filesystem;

namespace {

const std::set<std::string, std::less<>> kStopWords = {
    "a",       "an",          "and",    "are",        "as",           "at",    "be",   "by",
    "can",     "do",          "for",    "from",       "how",          "i",     "in",   "into",
    "is",      "it",          "its",    "me",         "my",           "of",    "on",   "or",
    "our",     "please",      "so",     "that",       "the",          "their", "then", "this",
    "to",      "use",         "uses",   "using",      "want",         "we",    "what", "when",
    "with",    "you",         "your",   "all",        "any",          "make",  "need", "should",
    "will",    "proactively", "expert", "specialist", "specializing", "agent", "code", "help",
    "handles", "master"};

/// Crude stemming: enough that "lints"/"linting" meet "lint".
std::string stem(std::string w) {
  for (std::string_view suffix : {"ing", "ers", "es", "ed", "er", "s"}) {
    if (w.size() > suffix.size() + 3 && w.ends_with(suffix)) {
      w.resize(w.size() - suffix.size());
      break;
    }
  }
  return w;
}

bool mentions(const std::string& lowered_task, const std::string& name) {
  auto pos = lowered_task.find(name);
  while (pos != std::string::npos) {
    auto before = pos == 0 ? ' ' : lowered_task[pos - 1];
    auto end = pos + name.size();
    auto after = end >= lowered_task.size() ? ' ' : lowered_task[end];
    auto boundary = [](char c) { return !std::isalnum(static_cast<unsigned char>(c)) && c != '-'; };
    if ((boundary(before) || before == '@') && boundary(after)) return true;
    pos = lowered_task.find(name, pos + 1);
  }
  return false;
}

/// Words that make a task work on code in a workspace, stemmed like route_words.
bool is_code_work_word(const std::string& stemmed) {
  static const std::set<std::string, std::less<>> kWords = [] {
    std::set<std::string, std::less<>> out;
    for (const char* w :
         {"rust",     "cargo",    "clippy",     "crate",  "lint",      "rustfmt",  "fmt",
          "format",   "compile",  "compiler",   "build",  "test",      "bench",    "borrow",
          "lifetime", "trait",    "impl",       "struct", "enum",      "fn",       "function",
          "module",   "refactor", "fix",        "bug",    "error",     "warning",  "panic",
          "unsafe",   "async",    "macro",      "type",   "implement", "add",      "remove",
          "rename",   "optimise", "optimize",   "debug",  "review",    "document", "doc",
          "feature",  "api",      "dependency", "code"})
      out.insert(stem(w));
    return out;
  }();
  return kWords.count(stemmed) != 0;
}

}  // namespace

std::vector<std::string> route_words(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (word.size() >= 2 && !kStopWords.count(word)) out.push_back(stem(word));
    word.clear();
  };
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '+' || c == '#') {
      word.push_back(static_cast<char>(std::tolower(c)));
    } else {
      flush();
    }
  }
  flush();
  return out;
}

Route route_task(const AgentCatalog& catalog, const std::string& task, const fs::path& workspace) {
  std::vector<const agents::AgentDefinition*> pool;
  for (const auto* agent : catalog.all()) {
    if (!agent->disabled && !agent->hidden) pool.push_back(agent);
  }
  Route route;
  if (pool.empty()) {
    route.reason = "no agents are loaded";
    return route;
  }

  // 1. An agent named in the task takes it.
  std::string lowered = ascii_lower(task);
  for (const auto* agent : pool) {
    if (mentions(lowered, ascii_lower(agent->name))) {
      route.agent = agent;
      route.clear = true;
      route.reason = fmt::format("the task names the agent '{}'", agent->name);
      route.candidates.push_back({agent, 1.0, {agent->name}});
      return route;
    }
  }

  // 2. Words shared with name + description, weighted by inverse document frequency.
  std::vector<std::set<std::string>> docs;
  std::map<std::string, int> doc_freq;
  for (const auto* agent : pool) {
    auto words = route_words(agent->name + " " + agent->description);
    std::set<std::string> unique(words.begin(), words.end());
    for (const auto& w : unique)
      ++doc_freq[w];
    docs.push_back(std::move(unique));
  }
  auto task_words = route_words(task);
  std::set<std::string> task_set(task_words.begin(), task_words.end());
  std::error_code ec;
  bool rust_workspace = fs::exists(workspace / "Cargo.toml", ec);
  double n = static_cast<double>(pool.size());
  // The workspace only tips a task that asks for work on code (a word an agent describes, or
  // one of the words of the trade): "hello" or "thanks" in a crate is no Rust task, and goes
  // to the model like any other unclear one.
  bool any_evidence = std::any_of(task_set.begin(), task_set.end(), [&](const std::string& w) {
    return doc_freq.count(w) != 0 || is_code_work_word(w);
  });
  for (std::size_t i = 0; i < pool.size(); ++i) {
    RouteCandidate c{pool[i], 0, {}};
    for (const auto& w : task_set) {
      if (docs[i].count(w)) {
        c.score += std::log(1.0 + n / doc_freq[w]);
        c.matched.push_back(w);
      }
    }
    if (rust_workspace && any_evidence && docs[i].count("rust")) {
      c.score += 2.0;
      c.matched.push_back("Cargo.toml in the workspace");
    }
    if (c.score > 0) route.candidates.push_back(std::move(c));
  }
  std::sort(route.candidates.begin(), route.candidates.end(),
            [](const auto& a, const auto& b) { return a.score > b.score; });
  if (route.candidates.size() > 5) route.candidates.resize(5);

  if (route.candidates.empty()) {
    route.reason = "no agent's description shares a word with the task; the model decides";
    return route;
  }
  const auto& best = route.candidates[0];
  double second = route.candidates.size() > 1 ? route.candidates[1].score : 0.0;
  // Clear when the best stands well above the next (and has real evidence).
  if (best.score >= 1.5 && best.score >= 1.5 * second) {
    route.agent = best.agent;
    route.clear = true;
    std::string words;
    for (const auto& w : best.matched)
      words += (words.empty() ? "" : ", ") + w;
    route.reason = fmt::format("its description matches the task best ({}; score {:.2f} vs {:.2f})",
                               words, best.score, second);
  } else {
    route.reason = fmt::format(
        "no agent stands out ('{}' {:.2f} vs '{}' {:.2f}); the model decides", best.agent->name,
        best.score, route.candidates.size() > 1 ? route.candidates[1].agent->name : "", second);
  }
  return route;
}

}  // namespace agentry::engine
