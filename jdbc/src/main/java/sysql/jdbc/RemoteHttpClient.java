// SPDX-License-Identifier: Apache-2.0
package sysql.jdbc;

import java.io.IOException;
import java.net.URL;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.avatica.ConnectionConfig;
import org.apache.calcite.avatica.remote.AvaticaCommonsHttpClientImpl;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;

/**
 * Avatica's HTTP client with its one endless loop bounded: Avatica retries a request for as long as the server
 * closes the connection without an answer, which is what a TLS server does to plain HTTP — the client hung
 * forever. Here a request is retried twice (a pooled connection the server had closed is the usual, harmless
 * reason), then fails with an error that names the likely cause.
 */
public final class RemoteHttpClient extends AvaticaCommonsHttpClientImpl {
    static final int RETRIES = 2;

    // Avatica's client factory makes HTTP clients through this (deprecated) URL constructor and no other.
    @SuppressWarnings("deprecation")
    public RemoteHttpClient(URL url) {
        super(url);
    }

    @Override
    protected void initializeClient(PoolingHttpClientConnectionManager pool, ConnectionConfig config) {
        super.initializeClient(pool, config);
        client = new BoundedRetries(client, uri.toString());
    }

    /** The server closed the connection without an answer, more times than a stale connection explains. */
    static final class Unanswered extends IOException {
        private static final long serialVersionUID = 1L;

        Unanswered(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class BoundedRetries extends CloseableHttpClient {
        private final CloseableHttpClient delegate;
        private final String url;
        private final AtomicInteger unanswered = new AtomicInteger();

        BoundedRetries(CloseableHttpClient delegate, String url) {
            this.delegate = delegate;
            this.url = url;
        }

        @Override
        @SuppressWarnings("deprecation")
        protected CloseableHttpResponse doExecute(HttpHost target, ClassicHttpRequest request, HttpContext context)
                throws IOException {
            try {
                CloseableHttpResponse r = delegate.execute(target, request, context);
                unanswered.set(0);
                return r;
            } catch (NoHttpResponseException e) {
                if (unanswered.incrementAndGet() <= RETRIES) {
                    throw e; // Avatica retries it
                }
                unanswered.set(0);
                throw new Unanswered(
                        "the server at " + url + " closed the connection without answering"
                                + (url.startsWith("http://") ? " (is it a TLS server? then write https://)" : ""),
                        e);
            }
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }

        @Override
        public void close(CloseMode mode) {
            delegate.close(mode);
        }
    }
}
