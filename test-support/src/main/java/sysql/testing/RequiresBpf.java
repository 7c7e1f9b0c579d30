// SPDX-License-Identifier: Apache-2.0
package sysql.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test (class or method) that loads the eBPF probe, so needs root or CAP_BPF+CAP_PERFMON. Without them the
 * test fails loudly, saying how to fix it; only with {@code -Dsysql.allowSkipPrivileged=true} (a developer
 * laptop) is it skipped, saying why. See {@link Privileges}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(Privileges.Extension.class)
public @interface RequiresBpf {}
