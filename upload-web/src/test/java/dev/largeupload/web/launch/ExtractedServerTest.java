package dev.largeupload.web.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar's extraction: once per build, reused, private when taken, and pruned. */
class ExtractedServerTest {

    @TempDir
    Path work;

    @Test
    void sameBuild_isExtractedOnce_andReused() throws IOException {
        Path jar = jar("build-1", "server.xml content");
        Path root = work.resolve("root");
        ExtractedServer first = ExtractedServer.prepare(jar, root);
        Path config = first.wlpDirectory().resolve("usr/servers/testServer/server.xml");
        assertEquals("server.xml content", Files.readString(config));
        assertEquals("testServer", first.serverName());
        Files.writeString(first.wlpDirectory().resolve("usr/servers/testServer/workarea-cache"), "warm");
        first.release();

        ExtractedServer second = ExtractedServer.prepare(jar, root);
        assertEquals(first.wlpDirectory(), second.wlpDirectory());
        assertTrue(Files.exists(second.wlpDirectory().resolve("usr/servers/testServer/workarea-cache")),
                "the second start reuses the first one's directory, caches included");
        second.release();
    }

    @Test
    void aServerHoldingTheExtraction_leavesTheNextAPrivateCopy_deletedWhenItStops() throws IOException {
        Path jar = jar("build-1", "x");
        Path root = work.resolve("root");
        ExtractedServer running = ExtractedServer.prepare(jar, root);
        ExtractedServer another = ExtractedServer.prepare(jar, root);
        assertNotEquals(running.wlpDirectory(), another.wlpDirectory());
        Path privateCopy = another.wlpDirectory().getParent();
        assertTrue(Files.isDirectory(privateCopy));
        another.release();
        assertFalse(Files.exists(privateCopy), "a private extraction is deleted when its server stops");
        assertTrue(Files.isDirectory(running.wlpDirectory()), "the shared one stays");
        running.release();
    }

    @Test
    void aNewBuild_getsItsOwnDirectory_andTheOldOneIsPrunedOnceFree() throws IOException {
        Path root = work.resolve("root");
        ExtractedServer old = ExtractedServer.prepare(jar("build-1", "old"), root);
        Path oldDir = old.wlpDirectory().getParent();
        old.release();

        ExtractedServer current = ExtractedServer.prepare(jar("build-2", "new"), root);
        assertNotEquals(oldDir, current.wlpDirectory().getParent(), "a rebuilt jar never runs a stale server");
        assertEquals("new", Files.readString(current.wlpDirectory().resolve("usr/servers/testServer/server.xml")));
        assertFalse(Files.exists(oldDir), "the older build's extraction is deleted");
        current.release();
    }

    private Path jar(String name, String serverXml) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Server-Name", "testServer");
        Path jar = work.resolve(name + ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("wlp/usr/servers/testServer/server.xml"));
            out.write(serverXml.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new JarEntry("wlp/bin/server"));
            out.write("#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }
}
