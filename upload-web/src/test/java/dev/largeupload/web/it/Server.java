package dev.largeupload.web.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real server for a test class: {@link ServerExtension} opens the {@link #stores()} from
 * {@link StoreEnvironment}, starts {@link #instances()} server(s) on them before the class's first test
 * and stops everything after its last, once per class. Tests and {@code @BeforeAll} methods take a
 * {@link ServerProcess}, an {@link UploadClient}, the {@link StoreEnvironment} or all {@link Servers}
 * as parameters. A store that cannot be reached fails the class (with or without {@code CI=true}); it is
 * never skipped.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(ServerExtension.class)
@interface Server {

    /** The metadata and blob stores the server runs on. */
    Stores stores() default Stores.EMBEDDED;

    /** More environment for the server, each {@code NAME=value}; it wins over the stores' own. */
    String[] env() default {};

    /** Which store the server reaches through a {@link TcpProxy} the test can cut. */
    Proxied proxied() default Proxied.NONE;

    /** How many servers share the stores (started at once, as a scaled-out deployment starts). */
    int instances() default 1;

    /** The store that sits behind a {@link TcpProxy}. */
    enum Proxied {
        NONE, METADATA, BLOBS
    }
}
