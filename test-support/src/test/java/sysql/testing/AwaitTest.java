// SPDX-License-Identifier: Apache-2.0
package sysql.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
    @Test
    void returnsOnceTheConditionHolds() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        Await.until(() -> polls.incrementAndGet() >= 3, Duration.ofMinutes(1), "never");
        assertEquals(3, polls.get());
    }

    @Test
    void failsWithTheMessageWhenTheConditionNeverHolds() {
        AtomicInteger polls = new AtomicInteger();
        AssertionError e = assertThrows(
                AssertionError.class,
                () -> Await.until(() -> polls.incrementAndGet() < 0, Duration.ofMillis(50), () -> "polled " + polls));
        assertTrue(e.getMessage().startsWith("polled ") && e.getMessage().endsWith("(waited 50 ms)"), e.getMessage());
        assertTrue(polls.get() >= 2, "polled once only");
    }

    @Test
    void whatTheConditionThrowsPropagates() {
        assertThrows(
                IllegalStateException.class,
                () -> Await.until(
                        () -> {
                            throw new IllegalStateException("query failed");
                        },
                        Duration.ofSeconds(1),
                        "never"));
    }
}
