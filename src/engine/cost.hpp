#pragma once
/// Prices per million tokens, and the cost of a usage at those prices.
#include <optional>

#include "core/message.hpp"

namespace agentry::engine {

struct Price {
  double input_per_mtok = 0;
  double output_per_mtok = 0;
  double cache_read_per_mtok = 0;
  double cache_write_per_mtok = 0;
};

/// USD for `usage` at `price`.
double cost_usd(const Usage& usage, const Price& price);

}  // namespace agentry::engine
