// The --http_listen port of entente-server: on one cpp-httplib listener,
// /metrics, the JSON API (/v1/..., service/http_gateway.h) and the
// explorer's static files at / (docs/http.md, docs/explorer.md).
//
// A page of any web site can make a browser send requests to an address on
// this machine, so the port also guards what a browser would let through:
//  - writes only by POST with Content-Type application/json, which a page
//    of another origin cannot send without a CORS preflight this server
//    never grants (the gateway);
//  - without tokens, the Host header must name this machine by IP address
//    or as localhost: a site whose name resolves to 127.0.0.1 (DNS
//    rebinding) is refused with 421, so it cannot read answers either;
//  - every answer says nosniff, no framing, and a Content-Security-Policy
//    that lets the explorer run only its own scripts, so a quote in a
//    statement can never run as code.
#ifndef ENTENTE_SERVICE_HTTP_SITE_H_
#define ENTENTE_SERVICE_HTTP_SITE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "service/http_gateway.h"
#include "service/http_server.h"

namespace entente::service {

struct HttpSiteOptions {
  // HOST:PORT; port 0 picks a free one.
  std::string listen;
  // Renders GET /metrics; null: no /metrics on this port.
  std::function<std::string()> metrics;
  // Serves /v1/...; must outlive the site.
  const HttpGateway* gateway = nullptr;
  // The explorer's files (index.html and its assets); empty or missing: /
  // answers 404 with a page saying how to build it.
  std::string assets_dir;
  // True when the server checks tokens: then any Host is accepted, since a
  // page cannot present the user's token.
  bool any_host = false;
  HttpServerOptions http;
};

// True for a Host header that names this machine without a DNS name:
// "localhost", an IPv4 address or a bracketed IPv6 address, with or
// without a port; and for an absent Host (HTTP/1.0, which no browser sends).
bool IsLiteralHost(absl::string_view host);

absl::StatusOr<std::unique_ptr<HttpServer>> StartHttpSite(const HttpSiteOptions& options);

}  // namespace entente::service

#endif  // ENTENTE_SERVICE_HTTP_SITE_H_
