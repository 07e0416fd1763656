package main

// Every extension the library's Envoy configuration packs in an Any, registered
// so that protojson can resolve its type URL. A configuration naming a type that
// is not imported here fails the check: add the package when the library starts
// using a new extension.
import (
	// envoy.extensions.access_loggers.stream.v3.StdoutAccessLog
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/access_loggers/stream/v3"
	// envoy.extensions.filters.http.aws_request_signing.v3.AwsRequestSigning(PerRoute)
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/aws_request_signing/v3"
	// envoy.extensions.filters.http.router.v3.Router
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	// envoy.extensions.filters.listener.original_dst.v3.OriginalDst
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/original_dst/v3"
	// envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
	// (also registers envoy.config.route.v3.FilterConfig)
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	// envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	// envoy.extensions.upstreams.http.v3.HttpProtocolOptions
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"
)
