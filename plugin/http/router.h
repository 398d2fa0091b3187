#pragma once
// Router: the route table of the HTTP layer. Each route is a method and a path pattern of literal
// segments and "{name}" segments (one non-empty segment each); the handler gets the captured
// segments in order. A path that some route serves, asked with another method, is told which
// methods it takes (405 with Allow); any other path is not found (404).
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/http/http_message.h"

namespace selvhjelp::plugin {

class Router {
 public:
  using Handler = std::function<void(const std::shared_ptr<HttpExchange>&, const std::vector<std::string>& captured)>;

  // Adds a route; the first route added wins when two match.
  void Add(std::string method, std::string_view pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // null: no route for this method and path
    std::vector<std::string> captured;
    std::string allow;  // when handler is null: the methods the path takes ("GET, POST"), or empty (404)
  };
  Match Find(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{...}" captures
    Handler handler;
  };
  static bool Matches(const Route& route, const std::vector<std::string_view>& segments,
                      std::vector<std::string>* captured);
  std::vector<Route> routes_;
};

}  // namespace selvhjelp::plugin
