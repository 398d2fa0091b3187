#pragma once
// A place on the earth (WGS 84 degrees) and the great-circle distance between two.
namespace selvhjelp::plugin {

struct Position {
  double latitude = 0, longitude = 0;
};

// Great-circle distance in kilometres (haversine).
double DistanceKm(const Position& a, const Position& b);

}  // namespace selvhjelp::plugin
