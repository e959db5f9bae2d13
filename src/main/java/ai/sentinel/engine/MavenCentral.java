package ai.sentinel.engine;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Jars from the local Maven repository when Maven already fetched them, else from Maven Central (or
 * the mirror in {@code SENTINEL_MAVEN_REPOSITORY}, for a network that reaches Central only through
 * one). Nothing is fetched from anywhere else.
 */
public final class MavenCentral implements ArtifactSource {
    public static final String CENTRAL = "https://repo1.maven.org/maven2/";

    private final Path localRepository;
    private final String remote;

    public MavenCentral(Path localRepository, String remote) {
        this.localRepository = localRepository;
        this.remote = remote.endsWith("/") ? remote : remote + "/";
    }

    /** {@code ~/.m2/repository} and Maven Central, or the mirror the environment names. */
    public static MavenCentral fromEnvironment() {
        String mirror = System.getenv("SENTINEL_MAVEN_REPOSITORY");
        return new MavenCentral(
                Path.of(System.getProperty("user.home"), ".m2", "repository"),
                mirror == null || mirror.isBlank() ? CENTRAL : mirror);
    }

    @Override
    public Path fetch(MavenArtifact artifact, Path downloads) throws IOException {
        Path local = localRepository.resolve(artifact.repositoryPath());
        if (Files.isRegularFile(local) && Files.size(local) == artifact.bytes()) {
            return local;
        }
        Files.createDirectories(downloads);
        Path target = downloads.resolve(artifact.fileName());
        if (Files.isRegularFile(target) && Files.size(target) == artifact.bytes()) {
            return target;
        }
        String url = remote + artifact.repositoryPath();
        Path part = downloads.resolve(artifact.fileName() + ".part");
        System.err.printf(
                "fetching %s (%.0f MB) from %s%n",
                artifact.coordinates(), artifact.bytes() / 1e6, remote);
        HttpClient client =
                HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .connectTimeout(Duration.ofSeconds(30))
                        .build();
        try {
            HttpResponse<InputStream> response =
                    client.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(60)) // until the response starts
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException(
                            "fetching " + url + " failed: HTTP " + response.statusCode());
                }
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (InterruptedException e) {
            Files.deleteIfExists(part);
            Thread.currentThread().interrupt();
            throw new IOException("fetching " + url + " was interrupted", e);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            if (e instanceof IOException io
                    && io.getMessage() != null
                    && io.getMessage().startsWith("fetching ")) {
                throw io; // already says what failed
            }
            throw new IOException(
                    "cannot fetch "
                            + url
                            + " ("
                            + e.getMessage()
                            + "); put the jar in "
                            + local
                            + " (e.g. mvn dependency:get -Dartifact="
                            + artifact.coordinates()
                            + ") or set SENTINEL_MAVEN_REPOSITORY to a mirror",
                    e);
        }
        Files.move(
                part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
