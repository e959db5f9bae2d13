package ai.sentinel.engine;

import java.util.Locale;

/**
 * One jar on Maven Central, pinned by its SHA-256: where it lives in a Maven repository and what
 * its bytes must hash to.
 */
public record MavenArtifact(
        String groupId,
        String artifactId,
        String version,
        String classifier,
        long bytes,
        String sha256) {
    public MavenArtifact {
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 in hex: " + sha256);
        }
    }

    /** The jar's file name, e.g. {@code pytorch-2.7.1-1.5.12-linux-x86_64.jar}. */
    public String fileName() {
        return artifactId + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + ".jar";
    }

    /** Its path in a Maven repository's layout (local {@code ~/.m2/repository} or remote). */
    public String repositoryPath() {
        return groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/" + fileName();
    }

    /** {@code group:artifact:version:jar:classifier}, as Maven names it. */
    public String coordinates() {
        return String.format(
                Locale.ROOT,
                "%s:%s:%s:jar%s",
                groupId,
                artifactId,
                version,
                classifier.isEmpty() ? "" : ":" + classifier);
    }
}
