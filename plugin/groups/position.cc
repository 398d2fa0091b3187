#include "plugin/groups/position.h"

#include <algorithm>
#include <cmath>

namespace selvhjelp::plugin {

double DistanceKm(const Position& a, const Position& b) {
  constexpr double kEarthRadiusKm = 6371.0, kRadians = 3.14159265358979323846 / 180.0;
  const double dlat = (b.latitude - a.latitude) * kRadians, dlon = (b.longitude - a.longitude) * kRadians;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.latitude * kRadians) * std::cos(b.latitude * kRadians) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(std::min(1.0, h)));
}

}  // namespace selvhjelp::plugin
