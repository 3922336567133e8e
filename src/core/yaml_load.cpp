#include "core/yaml_load.hpp"

#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/node/parse.h>
#include <yaml-cpp/parser.h>

namespace agentry {

namespace {

/// Counts the nodes and scalar bytes of one document as parser events arrive, an alias counting
/// as everything its anchor spans. The size of an anchored node is the growth of the running
/// total between its first and last event, so one pass and one number per anchor suffice.
class ExpansionMeter final : public YAML::EventHandler {
 public:
  explicit ExpansionMeter(const YamlBudget& budget) : budget_(budget) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor, 0); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    leaf(mark, anchor, value.size());
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor >= anchors_.size() || !anchors_[anchor].closed) {
      throw YamlBudgetError(mark, "an alias repeats a node that contains it (a cycle)");
    }
    add(mark, anchors_[anchor].size);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Size {
    std::uint64_t nodes = 0;
    std::uint64_t bytes = 0;
  };
  struct Anchor {
    Size size;
    bool closed = false;
  };

  Size since(const Size& start) const {
    return {total_.nodes - start.nodes, total_.bytes - start.bytes};
  }

  void add(const YAML::Mark& mark, const Size& size) {
    // Both terms are at most the budget (an anchor is measured before it can be repeated), so
    // the sums cannot overflow before the check.
    total_.nodes += size.nodes;
    total_.bytes += size.bytes;
    if (total_.nodes > budget_.nodes) {
      throw YamlBudgetError(
          mark, fmt::format("more than {} nodes once aliases are expanded, the most a YAML "
                            "document here may have (an alias bomb?)",
                            budget_.nodes));
    }
    if (total_.bytes > budget_.bytes) {
      throw YamlBudgetError(
          mark,
          fmt::format("more than {} of text once aliases are expanded, the most a YAML "
                      "document here may have (an alias bomb?)",
                      budget_.bytes % (1 << 20) == 0 ? fmt::format("{} MiB", budget_.bytes >> 20)
                                                     : fmt::format("{} bytes", budget_.bytes)));
    }
  }

  void record(YAML::anchor_t anchor, const Size& size) {
    if (anchor == YAML::NullAnchor) return;
    if (anchor >= anchors_.size()) anchors_.resize(anchor + 1);
    anchors_[anchor] = {size, true};
  }

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, std::size_t bytes) {
    add(mark, {1, bytes});
    record(anchor, {1, bytes});
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor && anchor >= anchors_.size()) anchors_.resize(anchor + 1);
    open_.push_back({anchor, total_});
    add(mark, {1, 0});
  }

  void close() {
    if (open_.empty()) return;
    record(open_.back().anchor, since(open_.back().start));
    open_.pop_back();
  }

  struct Open {
    YAML::anchor_t anchor;
    Size start;
  };

  YamlBudget budget_;
  Size total_;
  std::vector<Open> open_;
  std::vector<Anchor> anchors_;  // by anchor id (yaml-cpp numbers them 1, 2, … per document)
};

}  // namespace

YAML::Node load_yaml(const std::string& text, const YamlBudget& budget) {
  // Measuring costs a second parse (about as much as building the nodes), so a document that
  // cannot go over is not measured: with no `&` it has no anchor, so no alias can repeat
  // anything (an alias of an unknown anchor is a parse error), and then each node takes at least
  // a quarter of a byte of text (`?` alone makes a null key and a null value) and its scalars at
  // most the text's bytes. Tool specs, configs and agent front-matter are such documents.
  const bool may_exceed = text.find('&') != std::string::npos || text.size() > budget.nodes / 4 ||
                          text.size() > budget.bytes;
  if (may_exceed) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    ExpansionMeter meter(budget);
    parser.HandleNextDocument(meter);
  }
  return YAML::Load(text);
}

}  // namespace agentry
