package dev.largeupload.web.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Starts the servers a {@link Server}-annotated test class asks for, once for the class, on stores from
 * {@link StoreEnvironment}, each with a {@code DATA_DIR} of its own under a temporary directory; stops
 * them, closes the stores and deletes the directory after the class. A test may kill and restart a
 * server ({@link ServerProcess#kill()}, {@link ServerProcess#startAgain()}); whatever state it is left
 * in, it is stopped at the end.
 */
final class ServerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ServerExtension.class);

    /** What one class's servers run on. */
    private record Started(Path work, StoreEnvironment stores, List<ServerProcess> servers) {
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Class<?> testClass = context.getRequiredTestClass();
        Server server = AnnotationSupport.findAnnotation(testClass, Server.class)
                .orElseThrow(() -> new IllegalStateException(testClass + " is not annotated with @Server"));
        Path work = Files.createTempDirectory("it-" + testClass.getSimpleName() + "-");
        StoreEnvironment stores = null;
        List<ServerProcess> servers = new ArrayList<>();
        try {
            stores = StoreEnvironment.open(server.stores(), server.proxied());
            Map<String, String> env = new HashMap<>(stores.env());
            for (String entry : server.env()) {
                int equals = entry.indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException("@Server env entry '" + entry + "' is not NAME=value");
                }
                env.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
            env.putAll(classEnv(testClass, work));
            servers.addAll(startAll(work, env, server.instances()));
        } catch (Exception | Error e) {
            servers.forEach(ServerProcess::stop);
            if (stores != null) {
                stores.close();
            }
            deleteRecursively(work);
            throw e;
        }
        context.getStore(NAMESPACE).put(Started.class, new Started(work, stores, List.copyOf(servers)));
    }

    /**
     * The environment the class makes at run time (a key it generated, a file it wrote), from its
     * {@code static Map<String, String> serverEnv(Path work)} if it declares one.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, String> classEnv(Class<?> testClass, Path work) throws Exception {
        java.lang.reflect.Method method;
        try {
            method = testClass.getDeclaredMethod("serverEnv", Path.class);
        } catch (NoSuchMethodException none) {
            return Map.of();
        }
        method.setAccessible(true);
        return (Map<String, String>) method.invoke(null, work);
    }

    /** Starts the servers at once: with shared stores, schema and container creation race as in a real deployment. */
    private static List<ServerProcess> startAll(Path work, Map<String, String> env, int instances) throws Exception {
        if (instances == 1) {
            return List.of(ServerProcess.start(work.resolve("server"), env));
        }
        List<CompletableFuture<ServerProcess>> starting = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            Path dir = work.resolve("server-" + i);
            starting.add(CompletableFuture.supplyAsync(() -> ServerProcess.start(dir, env)));
        }
        List<ServerProcess> started = new ArrayList<>();
        Exception failure = null;
        for (CompletableFuture<ServerProcess> future : starting) {
            try {
                started.add(future.get(5, TimeUnit.MINUTES));
            } catch (ExecutionException | TimeoutException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            started.forEach(ServerProcess::stop);
            throw failure;
        }
        return started;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Started started = context.getStore(NAMESPACE).remove(Started.class, Started.class);
        if (started == null) {
            return;
        }
        try {
            started.servers().forEach(ServerProcess::stop);
            started.stores().close();
        } finally {
            deleteRecursively(started.work());
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ServerProcess.class || type == UploadClient.class || type == StoreEnvironment.class
                || type == Servers.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Started started = context.getStore(NAMESPACE).get(Started.class, Started.class);
        if (started == null) {
            throw new ParameterResolutionException("no server was started for " + context.getRequiredTestClass());
        }
        Class<?> type = parameter.getParameter().getType();
        if (type == ServerProcess.class) {
            return started.servers().get(0);
        }
        if (type == UploadClient.class) {
            return new UploadClient(started.servers().get(0).base());
        }
        if (type == StoreEnvironment.class) {
            return started.stores();
        }
        return new Servers(started.servers());
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
