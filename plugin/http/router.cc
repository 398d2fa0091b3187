#include "plugin/http/router.h"

namespace selvhjelp::plugin {
namespace {

// "/a/b/" -> {"a", "b", ""}; "/" -> {""}.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    const size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    path.remove_prefix(slash + 1);
  }
}

bool IsCapture(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::Add(std::string method, std::string_view pattern, Handler handler) {
  Route route{std::move(method), {}, std::move(handler)};
  for (std::string_view s : Segments(pattern)) route.segments.emplace_back(s);
  routes_.push_back(std::move(route));
}

bool Router::Matches(const Route& route, const std::vector<std::string_view>& segments,
                     std::vector<std::string>* captured) {
  if (route.segments.size() != segments.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (IsCapture(route.segments[i])) {
      if (segments[i].empty()) return false;
      if (captured) captured->emplace_back(segments[i]);
    } else if (route.segments[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  const std::vector<std::string_view> segments = Segments(path);
  Match match;
  for (const Route& route : routes_) {
    if (route.method == method) {
      std::vector<std::string> captured;
      if (Matches(route, segments, &captured)) {
        match.handler = &route.handler;
        match.captured = std::move(captured);
        match.allow.clear();
        return match;
      }
    } else if (Matches(route, segments, nullptr) &&
               (", " + match.allow + ", ").find(", " + route.method + ", ") == std::string::npos) {
      match.allow += (match.allow.empty() ? "" : ", ") + route.method;
    }
  }
  return match;
}

}  // namespace selvhjelp::plugin
