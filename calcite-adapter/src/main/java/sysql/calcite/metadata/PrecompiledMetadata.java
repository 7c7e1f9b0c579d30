// SPDX-License-Identifier: Apache-2.0
package sysql.calcite.metadata;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.MetadataHandler;
import org.apache.calcite.rel.metadata.MetadataHandlerProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * The metadata handlers of sysql's plans, compiled with this module instead of by Janino in every process.
 * Calcite's {@link JaninoRelMetadataProvider} generates a handler class per kind of metadata (row count,
 * collations, costs...) the first time a query asks for it, and compiles it with Janino: about 0.1 s of every
 * start of a short-lived {@code sysql} process. The build generates the same classes with Calcite's own
 * generator over {@link DefaultRelMetadataProvider}, the provider every sysql plan uses (calcite-adapter/src/codegen,
 * {@code GeneratedHandlers}); this {@link MetadataHandlerProvider} serves them, one instance per kind per process
 * as Janino's provider keeps them. A kind the build did not generate, or whose handlers are no longer the ones
 * it generated for, is compiled by Janino's provider at its first use ({@link #revise}), as without this class.
 *
 * <p>A plan gets it through its cluster ({@code SysqlPrepare.createCluster}): {@link #query} is the cluster's
 * metadata query supplier. A plan that needs another metadata provider than Calcite's default must not use it.
 */
public final class PrecompiledMetadata implements MetadataHandlerProvider {
    public static final PrecompiledMetadata INSTANCE = new PrecompiledMetadata();

    private static final java.util.concurrent.atomic.AtomicLong QUERIES = new java.util.concurrent.atomic.AtomicLong();

    private final Map<Class<?>, MetadataHandler<?>> handlers = new ConcurrentHashMap<>();

    private PrecompiledMetadata() {}

    /** A new metadata query over these handlers (a cluster's metadata query supplier). */
    public static RelMetadataQuery query() {
        QUERIES.incrementAndGet();
        return new RelMetadataQuery(INSTANCE);
    }

    /** Metadata queries {@link #query} made so far (a test's view). */
    public static long queriesMade() {
        return QUERIES.get();
    }

    @Override
    public <MH extends MetadataHandler<?>> MH handler(Class<MH> kind) {
        return kind.cast(handlers.computeIfAbsent(kind, PrecompiledMetadata::create));
    }

    @Override
    public <MH extends MetadataHandler<?>> MH revise(Class<MH> kind) {
        MH revised = JaninoRelMetadataProvider.DEFAULT.revise(kind);
        handlers.put(kind, revised);
        return revised;
    }

    /** True when {@code kind}'s handler is the class the build generated (a test's view). */
    public static boolean isPrecompiled(Class<? extends MetadataHandler<?>> kind) {
        return INSTANCE.handler(kind)
                .getClass()
                .getName()
                .startsWith(PrecompiledMetadata.class.getPackageName() + ".GeneratedMetadata_");
    }

    private static MetadataHandler<?> create(Class<?> kind) {
        Function<List<MetadataHandler<?>>, MetadataHandler<?>> factory = GeneratedHandlers.BY_KIND.get(kind);
        @SuppressWarnings("unchecked")
        Class<? extends MetadataHandler<?>> handlerKind = (Class<? extends MetadataHandler<?>>) kind;
        if (factory != null) {
            List<MetadataHandler<?>> providers = DefaultRelMetadataProvider.INSTANCE.handlers(handlerKind).stream()
                    .distinct()
                    .map(handler -> nameable(handler.getClass()) ? handler : forwarding(handlerKind, handler))
                    .collect(Collectors.toList());
            try {
                MetadataHandler<?> handler = factory.apply(providers);
                if (handler != null) {
                    return handler;
                }
            } catch (ClassCastException e) {
                // the default provider's handlers are of other classes than at build time: Janino's below
            }
        }
        // Janino's provider's own first handler: it has the query revise it (revise, below: Janino's) at its first
        // use, so a kind no query uses is never compiled
        return JaninoRelMetadataProvider.DEFAULT.handler(handlerKind);
    }

    /** True when code in another package can name {@code c} (as the build's GenerateMetadataHandlers judges). */
    private static boolean nameable(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!java.lang.reflect.Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code handler} seen as a {@code kind}: Calcite's provider finds a handler's methods by name, and a few of
     * its handlers are private classes that do not implement the kind's interface (the non-cumulative cost's).
     * The build types those as the interface when the interface's methods are all they have; their calls go
     * through here.
     */
    private static MetadataHandler<?> forwarding(Class<? extends MetadataHandler<?>> kind, MetadataHandler<?> handler) {
        Map<Method, Method> targets = new java.util.HashMap<>();
        for (Method m : kind.getMethods()) {
            try {
                Method target = handler.getClass().getMethod(m.getName(), m.getParameterTypes());
                target.setAccessible(true);
                targets.put(m, target);
            } catch (NoSuchMethodException e) {
                // not a method this handler has: a call of it fails below, in one line
            }
        }
        return (MetadataHandler<?>) Proxy.newProxyInstance(
                RelMetadataQuery.class.getClassLoader(), new Class<?>[] {kind}, (proxy, method, args) -> {
                    Method target = targets.get(method);
                    if (target == null) {
                        throw new IllegalStateException(handler.getClass().getName() + " has no " + method);
                    }
                    try {
                        return target.invoke(handler, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
