package main

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/siogen/siogen/runtime/siootel"
)

// telemetry is the chat server's OpenTelemetry instrumentation: its
// metrics are served in the Prometheus text format at /metrics, through
// the OpenTelemetry Prometheus exporter, on a registry of its own. Spans go
// to the global tracer provider, which does nothing unless the program
// sets one (see the README for an OTLP exporter).
type telemetry struct {
	tel     *siootel.Telemetry
	meters  *sdkmetric.MeterProvider
	handler http.Handler
}

func newTelemetry() (*telemetry, error) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, err
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	tel, err := siootel.New(&siootel.Options{MeterProvider: mp})
	if err != nil {
		return nil, err
	}
	return &telemetry{tel: tel, meters: mp, handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{})}, nil
}
