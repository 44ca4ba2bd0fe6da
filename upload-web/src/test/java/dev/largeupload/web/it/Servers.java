package dev.largeupload.web.it;

import java.util.List;

/** Every server {@link ServerExtension} started for a class with {@code @Server(instances = n)}, in order. */
record Servers(List<ServerProcess> all) {

    ServerProcess get(int index) {
        return all.get(index);
    }
}
