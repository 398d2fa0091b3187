#pragma once
// NearestIndex: positions of groups in a static k-d tree over points on the unit sphere (the
// chord between two points grows with their great-circle distance), so the groups nearest a
// patient are found without measuring the distance to every group. NearestSearch walks one or
// more trees best first and yields their entries nearest first, in exactly the order a stable
// sort by DistanceKm of the trees' lists (concatenated in the order the trees were added) gives.
// A NearestIndex is immutable after Build and may be searched by any number of threads; a
// NearestSearch belongs to one thread and must not outlive the trees added to it.
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "plugin/groups/position.h"

namespace selvhjelp::plugin {

class NearestIndex {
 public:
  // `points`: (group index, position) in list order; among equal distances the earlier comes first.
  static NearestIndex Build(const std::vector<std::pair<size_t, Position>>& points);
  size_t size() const { return entries_.size(); }

 private:
  friend class NearestSearch;
  struct Entry {
    double x, y, z;  // on the unit sphere
    Position position;
    uint32_t group;
    uint32_t order;  // position in the list given to Build
  };
  struct Node {
    // A box around the entries [begin, end): their bounding box rounded outward to floats, so
    // a node takes 36 bytes rather than 64 and the bound on its entries' distance stays a lower
    // bound.
    float lo[3], hi[3];
    uint32_t begin, end;
    uint32_t children = 0;  // index of the first of two children; 0 for a leaf
  };
  void BuildNode(uint32_t node);

  std::vector<Entry> entries_;
  std::vector<Node> nodes_;  // nodes_[0] is the root when there are entries
};

class NearestSearch {
 public:
  explicit NearestSearch(Position near);
  // Adds `tree`'s entries; among equal distances they come after those of trees added before.
  void Add(const NearestIndex& tree);
  // Forgets every tree added (and what is left of them), to search others from the same place.
  void Clear();
  // The group index of the nearest entry not yet yielded, or nullopt when all are.
  std::optional<size_t> Next();

 private:
  struct Pending {  // a node not yet opened, keyed by a lower bound of its entries' squared chords
    double chord2;
    uint32_t tree;
    uint32_t index;  // into the tree's nodes_
    bool operator>(const Pending& other) const { return chord2 > other.chord2; }
  };
  struct Measured {  // an entry of an opened leaf, not yet yielded
    double chord2;
    double km;  // its DistanceKm once needed, else negative
    uint32_t tree;
    const NearestIndex::Entry* entry;
  };
  double Bound(uint32_t tree, uint32_t node) const;  // of the squared chord to the node's box
  void Push(const Pending& p);
  void Expand(const Pending& p);  // opens the node: its entries go to measured_

  Position near_;
  double x_, y_, z_;
  std::vector<const NearestIndex*> trees_;
  std::vector<Pending> heap_;     // min-heap on chord2
  std::vector<Measured> measured_;
};

}  // namespace selvhjelp::plugin
