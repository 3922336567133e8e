#include "engine/cost.hpp"

namespace agentry::engine {

double cost_usd(const Usage& usage, const Price& price) {
  constexpr double kMillion = 1'000'000.0;
  return (static_cast<double>(usage.input_tokens) * price.input_per_mtok +
          static_cast<double>(usage.output_tokens) * price.output_per_mtok +
          static_cast<double>(usage.cache_read_tokens) * price.cache_read_per_mtok +
          static_cast<double>(usage.cache_write_tokens) * price.cache_write_per_mtok) /
         kMillion;
}

}  // namespace agentry::engine
