// SPDX-License-Identifier: Apache-2.0
package sysql.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Authentication;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.HandlerWrapper;

/**
 * Failed logins back off, per user name, per remote address (an IPv6 client's /64, all of loopback as one: see
 * {@link Clients#network}) and per user at an address: after {@code maxFailures}
 * failures (a request with credentials answered 401) the next attempt waits {@code backoff}, and each further
 * failure doubles the wait up to {@code maxBackoff}; an attempt in the wait is answered HTTP 429 with
 * {@code Retry-After} and one line, before authentication, so its password is not even checked. A successful login
 * forgets the failures of that user at that address and trusts them for an hour: a trusted user waits only for the
 * failures of that same user at that same address, so neither guessing of the user's password from elsewhere nor
 * another's guessing from the same host locks out a user who logged in from there, while guessing from the user's
 * own address still backs off. Memory is bounded: each table keeps at most {@link #MAX_KEYS} keys, the least
 * recently failed going first, and a key without a failure for {@link #FORGET} is forgotten.
 *
 * <p>A request without credentials gets its challenge (401) and its connection is closed after it: clients that never
 * authenticate hold no connection longer than a request.
 *
 * <p>Wraps the server's handlers, so it runs before Jetty's authentication (basic: the user of the decoded
 * {@code Authorization}; digest: its {@code username} parameter) and sees its answer after it.
 */
final class LoginBackoff extends HandlerWrapper {
    static final int MAX_KEYS = 10_000;
    static final Duration FORGET = Duration.ofMinutes(10);
    private static final Duration TRUST = Duration.ofHours(1);
    private static final int MAX_USER_CHARS = 200;
    private static final Pattern DIGEST_USER =
            Pattern.compile("(?i)(?:^|[\\s,])username\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^\\s,]+))");

    private final Failures users;
    private final Failures addresses;
    private final Failures pairs;
    private final Recent trusted = new Recent(MAX_KEYS, TRUST.toNanos());

    LoginBackoff(int maxFailures, Duration backoff, Duration maxBackoff) {
        users = new Failures(maxFailures, backoff.toNanos(), maxBackoff.toNanos());
        addresses = new Failures(maxFailures, backoff.toNanos(), maxBackoff.toNanos());
        pairs = new Failures(maxFailures, backoff.toNanos(), maxBackoff.toNanos());
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        String authorization = request.getHeader(HttpHeader.AUTHORIZATION.asString());
        if (authorization == null) {
            // a challenge (401 without a password to check): its connection closes after it, so that clients who
            // never authenticate cannot keep the server's connections (a client that does comes back with its
            // credentials on a new connection)
            response.setHeader(HttpHeader.CONNECTION.asString(), "close");
            super.handle(target, baseRequest, request, response);
            return;
        }
        String user = user(authorization);
        String address = "address " + Clients.network(request.getRemoteAddr());
        String pair = user == null ? null : user + "\n" + address;
        long now = System.nanoTime();
        long wait = pair == null ? 0 : pairs.waiting(pair, now);
        if (pair == null || !trusted.contains(pair, now)) {
            wait = Math.max(wait, addresses.waiting(address, now));
            if (user != null) {
                wait = Math.max(wait, users.waiting(user, now));
            }
        }
        if (wait > 0) {
            baseRequest.setHandled(true);
            long seconds = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
            response.setHeader(HttpHeader.RETRY_AFTER.asString(), Long.toString(seconds));
            BothSerializations.refuse(
                    response,
                    429,
                    "too many failed logins from this user or address: retry after " + seconds + " s",
                    BothSerializations.hasBody(request));
            return;
        }
        super.handle(target, baseRequest, request, response);
        now = System.nanoTime();
        if (response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
            if (!stale(response)) {
                if (user != null) {
                    users.failed(user, now);
                    pairs.failed(pair, now);
                }
                addresses.failed(address, now);
            }
        } else if (user != null && baseRequest.getAuthentication() instanceof Authentication.User) {
            pairs.forget(pair); // the user's own failures stay: guessing from elsewhere still backs off there
            trusted.add(pair, now);
        }
    }

    /** A digest answer for an expired nonce is no failure: the client repeats with a new one. */
    private static boolean stale(HttpServletResponse response) {
        String challenge = response.getHeader(HttpHeader.WWW_AUTHENTICATE.asString());
        return challenge != null && challenge.toLowerCase(java.util.Locale.ROOT).contains("stale=true");
    }

    /** The user name of an {@code Authorization} header (basic or digest), or null. */
    static String user(String authorization) {
        String a = authorization.strip();
        String name = null;
        if (a.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String credentials =
                        new String(Base64.getDecoder().decode(a.substring(6).strip()), StandardCharsets.ISO_8859_1);
                int colon = credentials.indexOf(':');
                name = colon < 0 ? credentials : credentials.substring(0, colon);
            } catch (IllegalArgumentException e) {
                return null;
            }
        } else if (a.regionMatches(true, 0, "Digest ", 0, 7)) {
            Matcher m = DIGEST_USER.matcher(a.substring(7));
            if (m.find()) {
                name = m.group(1) != null ? m.group(1).replaceAll("\\\\(.)", "$1") : m.group(2);
            }
        }
        if (name == null || name.isEmpty()) {
            return null;
        }
        // a key of bounded size (names of users are short; a long one is an attacker's, told apart by its hash)
        return name.length() <= MAX_USER_CHARS
                ? "user " + name
                : "user " + name.substring(0, MAX_USER_CHARS) + "#" + Integer.toHexString(name.hashCode());
    }

    /** Failures per key, and the wait they impose. */
    static final class Failures {
        private final int maxFailures;
        private final long backoff;
        private final long maxBackoff;
        private final long forget;
        private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > MAX_KEYS;
            }
        };

        Failures(int maxFailures, long backoff, long maxBackoff) {
            this.maxFailures = maxFailures;
            this.backoff = backoff;
            this.maxBackoff = maxBackoff;
            this.forget = Math.max(FORGET.toNanos(), 2 * maxBackoff);
        }

        /** Nanoseconds {@code key} must still wait before its next attempt; 0 if none. */
        synchronized long waiting(String key, long now) {
            Entry e = entries.get(key);
            if (e == null) {
                return 0;
            }
            if (now - e.lastFailure > forget) {
                entries.remove(key);
                return 0;
            }
            return Math.max(0, e.blockedUntil - now);
        }

        synchronized void failed(String key, long now) {
            Entry e = entries.get(key);
            if (e == null || now - e.lastFailure > forget) {
                e = new Entry();
                entries.put(key, e);
            }
            e.failures++;
            e.lastFailure = now;
            if (e.failures >= maxFailures) {
                long wait = backoff;
                for (int i = maxFailures; i < e.failures && wait < maxBackoff; i++) {
                    wait *= 2;
                }
                e.blockedUntil = now + Math.min(wait, maxBackoff);
            }
        }

        synchronized void forget(String key) {
            entries.remove(key);
        }

        synchronized int size() {
            return entries.size();
        }
    }

    private static final class Entry {
        int failures;
        long lastFailure;
        long blockedUntil;
    }

    /** Keys seen recently (user and address pairs that logged in), at most {@code max}, each for {@code keep}. */
    static final class Recent {
        private final long keep;
        private final LinkedHashMap<String, Long> seen;

        Recent(int max, long keep) {
            this.keep = keep;
            this.seen = new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > max;
                }
            };
        }

        synchronized void add(String key, long now) {
            seen.put(key, now);
        }

        synchronized boolean contains(String key, long now) {
            Long at = seen.get(key);
            if (at == null) {
                return false;
            }
            if (now - at > keep) {
                seen.remove(key);
                return false;
            }
            return true;
        }
    }
}
