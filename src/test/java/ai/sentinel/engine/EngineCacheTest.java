package ai.sentinel.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine folders are assembled from pinned jars once, whole or not at all: checksums checked, a
 * half-written or damaged folder assembled again, a wrong download refused and not kept.
 */
class EngineCacheTest {
    @TempDir Path dir;

    /** A jar holding {@code entries} (name → text), and its artifact pinned to its real bytes. */
    private MavenArtifact jar(String artifactId, Map<String, String> entries) throws IOException {
        Path repo = dir.resolve("repo");
        MavenArtifact unpinned =
                new MavenArtifact(
                        "org.example", artifactId, "1.0", "linux-x86_64", 0, "0".repeat(64));
        Path file = repo.resolve(unpinned.repositoryPath());
        Files.createDirectories(file.getParent());
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return new MavenArtifact(
                "org.example",
                artifactId,
                "1.0",
                "linux-x86_64",
                Files.size(file),
                EngineCache.sha256(file));
    }

    /** Serves jars from the folder it was given and counts the fetches. */
    private static final class CountingSource implements ArtifactSource {
        final Path repo;
        final List<String> fetched = new ArrayList<>();

        CountingSource(Path repo) {
            this.repo = repo;
        }

        @Override
        public Path fetch(MavenArtifact artifact, Path downloads) {
            fetched.add(artifact.fileName());
            return repo.resolve(artifact.repositoryPath());
        }
    }

    private EngineRecipe recipe() throws IOException {
        MavenArtifact torch =
                jar(
                        "torch",
                        Map.of(
                                "org/example/linux-x86_64/libtorch.so", "torch",
                                "org/example/linux-x86_64/libc10.so", "c10",
                                "org/example/linux-x86_64/libunused.so", "not extracted"));
        MavenArtifact blas = jar("blas", Map.of("org/example/linux-x86_64/libblas.so.0", "blas"));
        return new EngineRecipe(
                "test-engine-1",
                "2.7.1",
                "cpu",
                List.of(
                        new EngineRecipe.Part(
                                torch,
                                List.of(
                                        "org/example/linux-x86_64/libtorch.so",
                                        "org/example/linux-x86_64/libc10.so")),
                        new EngineRecipe.Part(
                                blas, List.of("org/example/linux-x86_64/libblas.so.0"))));
    }

    @Test
    void assemblesOnceWithAManifestOfEveryFile() throws IOException {
        EngineRecipe recipe = recipe();
        CountingSource source = new CountingSource(dir.resolve("repo"));
        EngineCache cache = new EngineCache(dir.resolve("engines"), source);
        assertFalse(cache.isComplete(recipe));
        Path folder = cache.assemble(recipe);
        assertEquals(dir.resolve("engines").resolve("test-engine-1"), folder);
        assertEquals("torch", Files.readString(folder.resolve("libtorch.so")));
        assertEquals("c10", Files.readString(folder.resolve("libc10.so")));
        assertEquals("blas", Files.readString(folder.resolve("libblas.so.0")));
        assertFalse(Files.exists(folder.resolve("libunused.so")), "only the recipe's entries");
        List<String> manifest = Files.readAllLines(folder.resolve(EngineCache.MANIFEST));
        assertEquals(3, manifest.size());
        for (String line : manifest) {
            String[] f = line.split("  ");
            assertEquals(EngineCache.sha256(folder.resolve(f[1])), f[0], line);
            assertEquals(Files.size(folder.resolve(f[1])), Long.parseLong(f[2]), line);
        }
        assertEquals(2, source.fetched.size());
        assertTrue(cache.isComplete(recipe));
        assertEquals(folder, cache.assemble(recipe));
        assertEquals(2, source.fetched.size(), "a whole folder is used as it is");
        try (var left = Files.list(dir.resolve("engines"))) {
            assertTrue(
                    left.noneMatch(p -> p.getFileName().toString().startsWith(".")),
                    "no building folder is left behind");
        }
    }

    @Test
    void aHalfWrittenOrDamagedFolderIsAssembledAgain() throws IOException {
        EngineRecipe recipe = recipe();
        CountingSource source = new CountingSource(dir.resolve("repo"));
        EngineCache cache = new EngineCache(dir.resolve("engines"), source);
        Path folder = cache.folder(recipe);
        Files.createDirectories(folder); // as a killed assembly of an older Sentinel might leave it
        Files.writeString(folder.resolve("libtorch.so"), "to");
        assertFalse(cache.isComplete(recipe), "no manifest: not whole");
        cache.assemble(recipe);
        assertEquals("torch", Files.readString(folder.resolve("libtorch.so")));

        Files.writeString(folder.resolve("libc10.so"), "c1"); // truncated after assembly
        assertFalse(cache.isComplete(recipe), "a file of another size: not whole");
        cache.assemble(recipe);
        assertEquals("c10", Files.readString(folder.resolve("libc10.so")));

        Files.delete(folder.resolve("libblas.so.0"));
        assertFalse(cache.isComplete(recipe), "a file missing: not whole");
        cache.assemble(recipe);
        assertTrue(cache.isComplete(recipe));
        assertEquals(6, source.fetched.size(), "each repair fetched both jars again");
    }

    @Test
    void aJarWithAnotherChecksumIsRefusedAndNothingIsAssembled() throws IOException {
        EngineRecipe good = recipe();
        EngineRecipe.Part first = good.parts().get(0);
        MavenArtifact a = first.artifact();
        MavenArtifact wrongPin =
                new MavenArtifact(
                        a.groupId(),
                        a.artifactId(),
                        a.version(),
                        a.classifier(),
                        a.bytes(),
                        "ab".repeat(32));
        EngineRecipe bad =
                new EngineRecipe(
                        good.key(),
                        good.libtorchVersion(),
                        good.flavor(),
                        List.of(new EngineRecipe.Part(wrongPin, first.entries())));
        EngineCache cache =
                new EngineCache(dir.resolve("engines"), new CountingSource(dir.resolve("repo")));
        IOException e = assertThrows(IOException.class, () -> cache.assemble(bad));
        assertTrue(
                e.getMessage().contains("org.example:torch:1.0:jar:linux-x86_64"), e.getMessage());
        assertTrue(e.getMessage().contains("ab".repeat(32)), e.getMessage());
        assertTrue(e.getMessage().contains(a.sha256()), "names the SHA-256 it found");
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertFalse(Files.exists(cache.folder(bad)));
    }

    @Test
    void aMissingEntryIsNamed() throws IOException {
        EngineRecipe good = recipe();
        EngineRecipe.Part first = good.parts().get(0);
        EngineRecipe bad =
                new EngineRecipe(
                        good.key(),
                        good.libtorchVersion(),
                        good.flavor(),
                        List.of(
                                new EngineRecipe.Part(
                                        first.artifact(),
                                        List.of("org/example/linux-x86_64/libnothere.so"))));
        EngineCache cache =
                new EngineCache(dir.resolve("engines"), new CountingSource(dir.resolve("repo")));
        IOException e = assertThrows(IOException.class, () -> cache.assemble(bad));
        assertTrue(e.getMessage().contains("libnothere.so"), e.getMessage());
        assertFalse(Files.exists(cache.folder(bad)));
    }

    @Test
    void mavenCentralTakesTheLocalRepositoryFirstThenDownloads() throws IOException {
        MavenArtifact local = jar("torch", Map.of("x/libtorch.so", "torch"));
        Path downloads = dir.resolve("downloads");
        MavenCentral fromLocal = new MavenCentral(dir.resolve("repo"), "http://127.0.0.1:1/");
        assertEquals(
                dir.resolve("repo").resolve(local.repositoryPath()),
                fromLocal.fetch(local, downloads),
                "found in the local repository: no network");

        byte[] bytes = Files.readAllBytes(dir.resolve("repo").resolve(local.repositoryPath()));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/maven2/",
                exchange -> {
                    boolean known =
                            exchange.getRequestURI().getPath().endsWith(local.repositoryPath());
                    exchange.sendResponseHeaders(known ? 200 : 404, known ? bytes.length : -1);
                    try (OutputStream out = exchange.getResponseBody()) {
                        if (known) {
                            out.write(bytes);
                        }
                    }
                });
        server.start();
        try {
            String remote = "http://127.0.0.1:" + server.getAddress().getPort() + "/maven2";
            MavenCentral central = new MavenCentral(dir.resolve("empty-repo"), remote);
            Path fetched = central.fetch(local, downloads);
            assertArrayEquals(bytes, Files.readAllBytes(fetched));
            assertFalse(Files.exists(downloads.resolve(local.fileName() + ".part")));

            MavenArtifact absent =
                    new MavenArtifact("org.example", "absent", "1.0", "", 10, "0".repeat(64));
            IOException e = assertThrows(IOException.class, () -> central.fetch(absent, downloads));
            assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
            assertFalse(Files.exists(downloads.resolve(absent.fileName() + ".part")));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aCorruptDownloadIsDeletedAndKilledAssembliesAreSweptAway() throws IOException {
        EngineRecipe recipe = recipe();
        Path root = dir.resolve("engines");
        Files.createDirectories(root);
        Path killed = Files.createDirectory(root.resolve("." + recipe.key() + "-123"));
        Files.writeString(killed.resolve("libtorch.so"), "half");
        // a source that downloads into the cache, and the first time gets other bytes
        ArtifactSource flaky =
                new ArtifactSource() {
                    int calls;

                    @Override
                    public Path fetch(MavenArtifact artifact, Path downloads) throws IOException {
                        Files.createDirectories(downloads);
                        Path target = downloads.resolve(artifact.fileName());
                        Path original = dir.resolve("repo").resolve(artifact.repositoryPath());
                        if (calls++ == 0) {
                            Files.writeString(target, "not the jar");
                        } else {
                            Files.copy(
                                    original,
                                    target,
                                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        }
                        return target;
                    }
                };
        EngineCache cache = new EngineCache(root, flaky);
        IOException e = assertThrows(IOException.class, () -> cache.assemble(recipe));
        assertTrue(e.getMessage().contains("not the pinned"), e.getMessage());
        assertFalse(Files.exists(killed), "a killed assembly's folder is swept away");
        try (var left = Files.walk(root.resolve("downloads"))) {
            assertTrue(
                    left.noneMatch(p -> p.toString().endsWith(".jar")),
                    "the corrupt download is not kept");
        }
        cache.assemble(recipe);
        assertTrue(cache.isComplete(recipe));
        assertFalse(Files.exists(root.resolve("downloads").resolve(recipe.key())));
        assertEquals(List.of(), cache.verify(recipe));
        Files.writeString(cache.folder(recipe).resolve("libc10.so"), "c11"); // same size
        assertEquals(List.of("libc10.so"), cache.verify(recipe), "verify reads every byte");
    }

    @Test
    void aFolderFromAnotherRecipeUnderTheSameKeyIsNotWhole() throws IOException {
        EngineRecipe recipe = recipe();
        EngineCache cache =
                new EngineCache(dir.resolve("engines"), new CountingSource(dir.resolve("repo")));
        cache.assemble(recipe);
        EngineRecipe fewer =
                new EngineRecipe(
                        recipe.key(),
                        recipe.libtorchVersion(),
                        recipe.flavor(),
                        List.of(recipe.parts().get(1)));
        assertFalse(cache.isComplete(fewer), "the manifest names files the recipe does not");
    }
}
