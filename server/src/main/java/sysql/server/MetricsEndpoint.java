// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Enumeration;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * {@code GET /metrics} on the server's own port: the Prometheus client's {@link PrometheusScrapeHandler} (the text
 * and OpenMetrics formats as the scraper's {@code Accept} asks, gzip, {@code name[]} filters) over
 * {@link SqlMetrics}' registry, behind the same authentication and local-user check as the Avatica requests.
 */
final class MetricsEndpoint {
    static final String PATH = "/metrics";

    private final PrometheusScrapeHandler handler;

    MetricsEndpoint(SqlMetrics metrics) {
        handler = new PrometheusScrapeHandler(metrics.registry());
    }

    void answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
        handler.handleRequest(new Exchange(request, response));
    }

    /** A servlet request and response as the scrape handler sees an exchange. */
    private record Exchange(HttpServletRequest request, HttpServletResponse response)
            implements PrometheusHttpExchange, PrometheusHttpRequest, PrometheusHttpResponse {
        @Override
        public PrometheusHttpRequest getRequest() {
            return this;
        }

        @Override
        public PrometheusHttpResponse getResponse() {
            return this;
        }

        @Override
        public String getQueryString() {
            return request.getQueryString();
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return request.getHeaders(name);
        }

        @Override
        public String getMethod() {
            return request.getMethod();
        }

        @Override
        public String getRequestPath() {
            return request.getRequestURI();
        }

        @Override
        public void setHeader(String name, String value) {
            response.setHeader(name, value);
        }

        @Override
        public OutputStream sendHeadersAndGetBody(int status, int contentLength) throws IOException {
            response.setStatus(status);
            if (contentLength > 0) {
                response.setContentLength(contentLength);
            }
            return response.getOutputStream();
        }

        @Override
        public void handleException(IOException e) throws IOException {
            throw e;
        }

        @Override
        public void handleException(RuntimeException e) {
            throw e;
        }

        @Override
        public void close() {
            // Jetty completes the response when the handler returns
        }
    }
}
