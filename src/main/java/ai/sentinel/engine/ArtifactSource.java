package ai.sentinel.engine;

import java.io.IOException;
import java.nio.file.Path;

/** Where the jars of an engine come from. */
public interface ArtifactSource {
    /**
     * A local file holding the artifact's bytes (checked against its SHA-256 by the caller),
     * fetched into {@code downloads} if it has to be fetched.
     */
    Path fetch(MavenArtifact artifact, Path downloads) throws IOException;
}
