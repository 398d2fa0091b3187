#include "plugin/groups/nearest_index.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace selvhjelp::plugin {
namespace {

constexpr uint32_t kLeafSize = 4;

struct UnitVector {
  double x, y, z;
};

UnitVector OnSphere(const Position& p) {
  constexpr double kRadians = 3.14159265358979323846 / 180.0;
  const double lat = p.latitude * kRadians, lon = p.longitude * kRadians;
  return {std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat)};
}

// How far apart two squared chords must be for their order to be the order of DistanceKm. Both are
// computed to within about 1e-15 of their size (and 1e-31 absolutely); DistanceKm to within about
// 1e-15 of its size. Entries closer than this are ordered by their exact DistanceKm.
double Slack(double chord2) { return chord2 * 1e-6 + 1e-20; }

// The nearest float at or below `v`, and at or above it.
float FloatAtOrBelow(double v) {
  const float f = static_cast<float>(v);
  return f > v ? std::nextafter(f, -std::numeric_limits<float>::infinity()) : f;
}
float FloatAtOrAbove(double v) {
  const float f = static_cast<float>(v);
  return f < v ? std::nextafter(f, std::numeric_limits<float>::infinity()) : f;
}

}  // namespace

NearestIndex NearestIndex::Build(const std::vector<std::pair<size_t, Position>>& points) {
  NearestIndex tree;
  tree.entries_.reserve(points.size());
  for (const auto& [group, position] : points) {
    const UnitVector v = OnSphere(position);
    tree.entries_.push_back({v.x, v.y, v.z, position, static_cast<uint32_t>(group),
                             static_cast<uint32_t>(tree.entries_.size())});
  }
  if (tree.entries_.empty()) return tree;
  tree.nodes_.reserve(2 * (points.size() / kLeafSize + 1));
  tree.nodes_.push_back(Node{{}, {}, 0, static_cast<uint32_t>(points.size())});
  tree.BuildNode(0);
  tree.nodes_.shrink_to_fit();
  return tree;
}

void NearestIndex::BuildNode(uint32_t node) {
  const uint32_t begin = nodes_[node].begin, end = nodes_[node].end;
  double lo[3] = {entries_[begin].x, entries_[begin].y, entries_[begin].z}, hi[3] = {lo[0], lo[1], lo[2]};
  for (uint32_t i = begin; i < end; ++i) {
    const double v[3] = {entries_[i].x, entries_[i].y, entries_[i].z};
    for (int axis = 0; axis < 3; ++axis) {
      lo[axis] = std::min(lo[axis], v[axis]);
      hi[axis] = std::max(hi[axis], v[axis]);
    }
  }
  for (int axis = 0; axis < 3; ++axis) {
    nodes_[node].lo[axis] = FloatAtOrBelow(lo[axis]);
    nodes_[node].hi[axis] = FloatAtOrAbove(hi[axis]);
  }
  if (end - begin <= kLeafSize) return;
  // Split the widest side at the median.
  int axis = 0;
  for (int a = 1; a < 3; ++a) {
    if (hi[a] - lo[a] > hi[axis] - lo[axis]) axis = a;
  }
  const uint32_t middle = begin + (end - begin) / 2;
  std::nth_element(entries_.begin() + begin, entries_.begin() + middle, entries_.begin() + end,
                   [axis](const Entry& a, const Entry& b) {
                     return (axis == 0 ? a.x : axis == 1 ? a.y : a.z) < (axis == 0 ? b.x : axis == 1 ? b.y : b.z);
                   });
  const uint32_t children = static_cast<uint32_t>(nodes_.size());
  nodes_[node].children = children;
  nodes_.push_back(Node{{}, {}, begin, middle});
  nodes_.push_back(Node{{}, {}, middle, end});
  BuildNode(children);
  BuildNode(children + 1);
}

NearestSearch::NearestSearch(Position near) : near_(near) {
  const UnitVector v = OnSphere(near);
  x_ = v.x;
  y_ = v.y;
  z_ = v.z;
  heap_.reserve(64);
}

void NearestSearch::Add(const NearestIndex& tree) {
  if (tree.nodes_.empty()) return;
  trees_.push_back(&tree);
  const uint32_t id = static_cast<uint32_t>(trees_.size() - 1);
  Push({Bound(id, 0), id, 0});
}

double NearestSearch::Bound(uint32_t tree, uint32_t node) const {
  const NearestIndex::Node& n = trees_[tree]->nodes_[node];
  const double q[3] = {x_, y_, z_};
  double chord2 = 0;
  for (int axis = 0; axis < 3; ++axis) {
    const double gap = std::max({n.lo[axis] - q[axis], q[axis] - n.hi[axis], 0.0});
    chord2 += gap * gap;
  }
  return chord2;
}

void NearestSearch::Push(const Pending& p) {
  heap_.push_back(p);
  std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
}

void NearestSearch::Clear() {
  trees_.clear();
  heap_.clear();
  measured_.clear();
}

void NearestSearch::Expand(const Pending& p) {
  const NearestIndex& tree = *trees_[p.tree];
  // Down the nearer child while it is nearer than anything waiting; the farther one waits.
  uint32_t node = p.index;
  while (tree.nodes_[node].children != 0) {
    const uint32_t first = tree.nodes_[node].children;
    const double near_bound = Bound(p.tree, first), far_bound = Bound(p.tree, first + 1);
    const bool first_nearer = near_bound <= far_bound;
    const Pending nearer{first_nearer ? near_bound : far_bound, p.tree, first_nearer ? first : first + 1};
    Push({first_nearer ? far_bound : near_bound, p.tree, first_nearer ? first + 1 : first});
    if (heap_.front().chord2 < nearer.chord2) {
      Push(nearer);
      return;
    }
    node = nearer.index;
  }
  const NearestIndex::Node& leaf = tree.nodes_[node];
  for (uint32_t i = leaf.begin; i < leaf.end; ++i) {
    const NearestIndex::Entry& e = tree.entries_[i];
    const double dx = e.x - x_, dy = e.y - y_, dz = e.z - z_;
    measured_.push_back({dx * dx + dy * dy + dz * dz, -1, p.tree, &e});
  }
}

std::optional<size_t> NearestSearch::Next() {
  auto pop = [this] {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
    const Pending p = heap_.back();
    heap_.pop_back();
    Expand(p);
  };
  while (measured_.empty()) {
    if (heap_.empty()) return std::nullopt;
    pop();
  }
  // Open every node that may hold an entry within the slack of the nearest entry taken: whatever
  // stays in the heap is then farther by DistanceKm than that entry too.
  size_t nearest = 0;
  double limit = 0;
  for (;;) {
    for (size_t i = 1; i < measured_.size(); ++i) {
      if (measured_[i].chord2 < measured_[nearest].chord2) nearest = i;
    }
    limit = measured_[nearest].chord2 + Slack(measured_[nearest].chord2);
    if (heap_.empty() || heap_.front().chord2 > limit) break;
    pop();
  }
  // Entries this close may stand in either order by DistanceKm: only they are measured exactly.
  size_t chosen = nearest;
  auto exact_less = [](const Measured& a, const Measured& b) {
    if (a.km != b.km) return a.km < b.km;
    return a.tree != b.tree ? a.tree < b.tree : a.entry->order < b.entry->order;
  };
  for (size_t i = 0; i < measured_.size(); ++i) {
    if (i == nearest || measured_[i].chord2 > limit) continue;
    for (size_t j : {i, nearest}) {
      if (measured_[j].km < 0) measured_[j].km = DistanceKm(near_, measured_[j].entry->position);
    }
    if (exact_less(measured_[i], measured_[chosen])) chosen = i;
  }
  const size_t group = measured_[chosen].entry->group;
  measured_[chosen] = measured_.back();
  measured_.pop_back();
  return group;
}

}  // namespace selvhjelp::plugin
