#include "plugin/groups/group_directory.h"

#include <algorithm>
#include <ctime>
#include <functional>
#include <limits>
#include <set>

#include "plugin/groups/healthcare_service.h"

namespace selvhjelp::plugin {

namespace {

bool HasPosition(const Group& g) { return g.address.latitude && g.address.longitude; }

size_t IdHashOf(const Group& g) { return std::hash<std::string_view>{}(HealthcareServiceId(g)); }

// Today's date in UTC as YYYY-MM-DD into `out` (no allocation: Match is on the hook's path).
void TodayUtc(char (&out)[11]) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(out, sizeof out, "%Y-%m-%d", &utc);
}

// (group index, position) of the groups in `list` that have coordinates, appended to `points`.
void AddPoints(const std::vector<const Group*>& groups, const std::vector<size_t>& list,
               std::vector<std::pair<size_t, Position>>& points) {
  for (size_t i : list) {
    const Group& g = *groups[i];
    if (HasPosition(g)) points.push_back({i, Position{*g.address.latitude, *g.address.longitude}});
  }
}

}  // namespace

GroupDirectory GroupDirectory::Build(std::vector<Group> groups, const mappings::Geography* geography) {
  auto owned = std::make_shared<const std::vector<Group>>(std::move(groups));
  std::vector<const Group*> pointers;
  pointers.reserve(owned->size());
  for (const Group& g : *owned) pointers.push_back(&g);
  return Build(std::move(pointers), {std::move(owned)}, geography);
}

GroupDirectory GroupDirectory::Build(std::vector<const Group*> groups,
                                     std::vector<std::shared_ptr<const std::vector<Group>>> owners,
                                     const mappings::Geography* geography,
                                     const std::vector<const Group*>& hidden) {
  GroupDirectory d;
  d.owners_ = std::move(owners);
  d.groups_ = std::move(groups);
  // A stable order, so the same request gives the same card.
  std::stable_sort(d.groups_.begin(), d.groups_.end(),
                   [](const Group* a, const Group* b) { return a->name < b->name; });
  d.by_id_.reserve(d.groups_.size() + hidden.size());
  for (size_t i = 0; i < d.groups_.size(); ++i) {
    const Group& g = *d.groups_[i];
    d.by_id_.push_back({IdHashOf(g), &g});
    for (PlaceIndex* index : {ServesPerson(g) ? &d.for_patient_ : nullptr,
                              ServesRelatives(g) ? &d.for_relatives_ : nullptr}) {
      if (index == nullptr) continue;
      if (g.national) {
        index->national.push_back(i);
        continue;
      }
      if (IsDigital(g)) index->digital.push_back(i);
      auto place = [&](const std::string& municipality) {
        auto [it, added] = index->by_municipality.try_emplace(municipality);
        it->second.groups.push_back(i);
        if (added) index->county_municipalities[municipality.substr(0, 2)].push_back(it->first);
      };
      if (MeetsInPerson(g) && g.address.municipality.size() == 4) place(g.address.municipality);
      for (const std::string& area : g.details->areas) {
        if (area.size() == 4 && area != g.address.municipality) place(area);
      }
    }
    if (g.temporarily_closed) d.any_closed_ = true;
  }
  for (const Group* g : hidden) d.by_id_.push_back({IdHashOf(*g), g});
  std::stable_sort(d.by_id_.begin(), d.by_id_.end(), [](const IdHash& a, const IdHash& b) { return a.hash < b.hash; });
  for (PlaceIndex* index : {&d.for_patient_, &d.for_relatives_}) {
    std::vector<std::pair<size_t, Position>> points;
    for (auto& [municipality, area] : index->by_municipality) {
      AddPoints(d.groups_, area.groups, points);
      area.nearest = NearestIndex::Build(points);
      points.clear();
    }
    for (auto& [county, municipalities] : index->county_municipalities) {
      std::sort(municipalities.begin(), municipalities.end());
      for (const std::string& m : municipalities) AddPoints(d.groups_, index->by_municipality.at(m).groups, points);
      index->county_nearest[county] = NearestIndex::Build(points);
      points.clear();
    }
  }
  if (geography != nullptr) {
    // Counties with groups, by region, so a match can look at the rest of the patient's region.
    std::map<std::string, std::set<std::string>> by_region;
    for (const PlaceIndex* index : {&d.for_patient_, &d.for_relatives_}) {
      for (const auto& [county, municipalities] : index->county_municipalities) {
        if (auto region = geography->HealthRegion(county)) by_region[*region].insert(county);
      }
    }
    for (const std::string& county : geography->Counties()) {
      auto region = by_region.find(geography->HealthRegion(county).value_or(""));
      if (region == by_region.end()) continue;
      for (const std::string& other : region->second) {
        if (other != county) d.region_counties_[county].push_back(other);
      }
    }
  }
  return d;
}

GroupMatch GroupDirectory::Match(const std::string& municipality, Recipient recipient,
                                 int per_section, std::string_view theme, std::optional<Position> near) const {
  const PlaceIndex& index = recipient == Recipient::kPatient ? for_patient_ : for_relatives_;
  const size_t cap = static_cast<size_t>(per_section);
  GroupMatch match;
  std::vector<const Group*> other_candidates;  // non-12-step groups not chosen
  using Lists = std::vector<const std::vector<size_t>*>;  // index lists visited in turn, never copied
  auto full = [&](const std::vector<const Group*>& out) { return out.size() >= cap && other_candidates.size() >= cap; };
  // Puts `g` in `out` while it has room, then (when not a 12-step group) among the candidates
  // for the alternatives.
  char today[11] = "";
  if (any_closed_) TodayUtc(today);
  // A contact point covering several municipalities is in several lists: offered once.
  auto chosen = [&](const Group& g) {
    for (const auto* list : {&match.municipality, &match.county, &match.region, &other_candidates}) {
      if (std::find(list->begin(), list->end(), &g) != list->end()) return true;
    }
    return false;
  };
  auto offer = [&](const Group& g, std::vector<const Group*>& out) {
    if (!theme.empty() && std::find(g.themes.begin(), g.themes.end(), theme) == g.themes.end()) return;
    if (any_closed_ && IsClosedOn(g, today)) return;
    if (!g.details->areas.empty() && chosen(g)) return;
    if (out.size() < cap) {
      out.push_back(&g);
    } else if (!g.twelve_step && other_candidates.size() < cap) {
      other_candidates.push_back(&g);
    }
  };
  // Offers the groups of `lists` in list order until `out` and the candidates are full.
  auto take = [&](const Lists& lists, std::vector<const Group*>& out, auto&& also_skip) {
    for (const std::vector<size_t>* list : lists) {
      for (size_t i : *list) {
        if (full(out)) return;
        if (!also_skip(*groups_[i])) offer(*groups_[i], out);
      }
    }
  };
  // The same choice as `take` over the groups of `lists` sorted nearest first (list order among
  // equals; groups without coordinates last, in list order): `search` holds the trees of the
  // same lists and yields only as many groups as are taken; `lists` is called for the groups
  // without coordinates only when the trees run out.
  auto take_nearest = [&](NearestSearch& search, auto&& lists, std::vector<const Group*>& out) {
    while (!full(out)) {
      const std::optional<size_t> i = search.Next();
      if (!i) break;
      offer(*groups_[*i], out);
    }
    if (!full(out)) take(lists(), out, [](const Group& g) { return HasPosition(g); });
  };
  auto none = [](const Group&) { return false; };
  std::optional<NearestSearch> search;  // one for every section: it keeps its buffers
  if (near) search.emplace(*near);
  if (municipality.size() == 4) {
    const std::string county_number = municipality.substr(0, 2);
    if (auto it = index.by_municipality.find(municipality); it != index.by_municipality.end()) {
      const Lists here = {&it->second.groups};
      if (search) {
        search->Add(it->second.nearest);
        take_nearest(*search, [&] { return here; }, match.municipality);
      } else {
        take(here, match.municipality, none);
      }
    }
    // The rest of the county: nearest first, or municipality by municipality (in number order).
    if (auto county = index.county_municipalities.find(county_number); county != index.county_municipalities.end()) {
      auto rest = [&] {
        Lists lists;
        for (const std::string& other : county->second) {
          if (other != municipality) lists.push_back(&index.by_municipality.at(other).groups);
        }
        return lists;
      };
      if (search) {
        search->Clear();
        for (const std::string& other : county->second) {
          if (other != municipality) search->Add(index.by_municipality.at(other).nearest);
        }
        take_nearest(*search, rest, match.county);
      } else {
        take(rest(), match.county, none);
      }
    }
    // The rest of the health region, county by county.
    if (auto region = region_counties_.find(county_number); region != region_counties_.end()) {
      auto rest = [&] {
        Lists lists;
        for (const std::string& other : region->second) {
          auto in_county = index.county_municipalities.find(other);
          if (in_county == index.county_municipalities.end()) continue;
          for (const std::string& m : in_county->second) lists.push_back(&index.by_municipality.at(m).groups);
        }
        return lists;
      };
      if (search) {
        search->Clear();
        for (const std::string& other : region->second) {
          if (auto tree = index.county_nearest.find(other); tree != index.county_nearest.end()) search->Add(tree->second);
        }
        take_nearest(*search, rest, match.region);
      } else {
        take(rest(), match.region, none);
      }
    }
  }
  auto chosen_in_person = [&](const Group& g) {
    auto has = [&g](const std::vector<const Group*>& list) {
      return std::find(list.begin(), list.end(), &g) != list.end();
    };
    return has(match.municipality) || has(match.county) || has(match.region);
  };
  take({&index.digital}, match.digital, chosen_in_person);
  auto is_twelve_step = [](const Group* g) { return g->twelve_step; };
  bool all_twelve_step = std::all_of(match.municipality.begin(), match.municipality.end(), is_twelve_step) &&
                         std::all_of(match.county.begin(), match.county.end(), is_twelve_step) &&
                         std::all_of(match.region.begin(), match.region.end(), is_twelve_step) &&
                         std::all_of(match.digital.begin(), match.digital.end(), is_twelve_step);
  if (all_twelve_step) match.alternatives = std::move(other_candidates);
  for (size_t i : index.national) {
    if (match.national.size() >= cap) break;
    const Group& g = *groups_[i];
    if (!theme.empty() && std::find(g.themes.begin(), g.themes.end(), theme) == g.themes.end()) continue;
    if (!(any_closed_ && IsClosedOn(g, today))) match.national.push_back(&g);
  }
  return match;
}

std::vector<const Group*> GroupMatch::InOrder() const {
  std::vector<const Group*> all;
  for (const auto* section : {&municipality, &county, &region, &digital, &alternatives, &national}) {
    all.insert(all.end(), section->begin(), section->end());
  }
  return all;
}

std::vector<const Group*> GroupDirectory::List(const std::string& municipality, Recipient recipient,
                                               std::string_view theme) const {
  constexpr int kNoCap = std::numeric_limits<int>::max();
  if (!municipality.empty()) return Match(municipality, recipient, kNoCap, theme).InOrder();
  std::vector<const Group*> all;
  char today[11] = "";
  if (any_closed_) TodayUtc(today);
  for (const Group* group : groups_) {
    const Group& g = *group;
    if (any_closed_ && IsClosedOn(g, today)) continue;
    bool fits = recipient == Recipient::kPatient ? ServesPerson(g) : ServesRelatives(g);
    bool has_theme = theme.empty() || std::find(g.themes.begin(), g.themes.end(), theme) != g.themes.end();
    if (fits && has_theme) all.push_back(&g);
  }
  return all;
}

const Group* GroupDirectory::Find(std::string_view id) const {
  const size_t hash = std::hash<std::string_view>{}(id);
  auto at = std::lower_bound(by_id_.begin(), by_id_.end(), hash, [](const IdHash& e, size_t h) { return e.hash < h; });
  for (; at != by_id_.end() && at->hash == hash; ++at) {
    if (HealthcareServiceId(*at->group) == id) return at->group;
  }
  return nullptr;
}

}  // namespace selvhjelp::plugin
