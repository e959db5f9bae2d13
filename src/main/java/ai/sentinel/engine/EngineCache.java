package ai.sentinel.engine;

import ai.sentinel.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Engine folders assembled from pinned jars, once per build and version: {@code <root>/<recipe
 * key>/}. A folder is built beside its final place and renamed into it with its manifest (each
 * file's SHA-256 and size) already inside, so it is either whole or absent; a folder whose manifest
 * is missing or whose files no longer have their recorded sizes (a disk filled up, a file deleted)
 * is assembled again. Two processes assembling the same engine wait for each other.
 */
public final class EngineCache {
    /** The file that marks a folder as whole and lists what it holds. */
    public static final String MANIFEST = "sentinel-engine.sha256";

    private final Path root;
    private final ArtifactSource source;

    public EngineCache(Path root, ArtifactSource source) {
        this.root = root;
        this.source = source;
    }

    /**
     * {@code $SENTINEL_ENGINE_CACHE}, else {@code ~/.sentinel/engines}, filled from the local Maven
     * repository or Maven Central.
     */
    public static EngineCache fromEnvironment() {
        String dir = System.getenv("SENTINEL_ENGINE_CACHE");
        Path root =
                dir == null || dir.isBlank()
                        ? Path.of(System.getProperty("user.home"), ".sentinel", "engines")
                        : Path.of(dir);
        return new EngineCache(root, MavenCentral.fromEnvironment());
    }

    /** Where the recipe's folder is (whether or not it is assembled yet). */
    public Path folder(EngineRecipe recipe) {
        return root.resolve(recipe.key());
    }

    /**
     * Whether the recipe's folder is whole: its manifest there, naming exactly the recipe's files,
     * each of its recorded size. (The SHA-256s were checked when the folder was assembled; {@link
     * #verify} reads every file again.)
     */
    public boolean isComplete(EngineRecipe recipe) {
        Path folder = folder(recipe);
        Path manifest = folder.resolve(MANIFEST);
        try {
            if (!Files.isRegularFile(manifest)) {
                return false;
            }
            Set<String> names = new TreeSet<>();
            for (String line : Files.readAllLines(manifest)) {
                String[] f = line.split("  ");
                if (f.length != 3) {
                    return false;
                }
                Path file = folder.resolve(f[1]);
                if (!Files.isRegularFile(file) || Files.size(file) != Long.parseLong(f[2])) {
                    return false;
                }
                names.add(f[1]);
            }
            return names.equals(fileNames(recipe));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The names of the files a recipe's folder holds. */
    private static Set<String> fileNames(EngineRecipe recipe) {
        Set<String> names = new TreeSet<>();
        for (EngineRecipe.Part part : recipe.parts()) {
            for (String entry : part.entries()) {
                names.add(entry.substring(entry.lastIndexOf('/') + 1));
            }
        }
        return names;
    }

    /**
     * The files of the recipe's folder whose SHA-256 no longer matches its manifest (empty: all do,
     * or the folder is not whole and will be assembled again anyway).
     */
    public List<String> verify(EngineRecipe recipe) throws IOException {
        List<String> changed = new ArrayList<>();
        if (!isComplete(recipe)) {
            return changed;
        }
        Path folder = folder(recipe);
        for (String line : Files.readAllLines(folder.resolve(MANIFEST))) {
            String[] f = line.split("  ");
            if (!sha256(folder.resolve(f[1])).equals(f[0])) {
                changed.add(f[1]);
            }
        }
        return changed;
    }

    /** The recipe's folder, assembled first if it is not whole. */
    public Path assemble(EngineRecipe recipe) throws IOException {
        Path folder = folder(recipe);
        if (isComplete(recipe)) {
            return folder;
        }
        Files.createDirectories(root);
        try (FileChannel channel =
                        FileChannel.open(
                                root.resolve(recipe.key() + ".lock"),
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            if (isComplete(recipe)) { // another process assembled it while this one waited
                return folder;
            }
            if (Files.exists(folder)) {
                AtomicFiles.deleteRecursively(folder); // half-written or damaged
            }
            sweepKilledAssemblies(recipe);
            Path building = Files.createTempDirectory(root, "." + recipe.key() + "-");
            Path downloads = downloads(recipe);
            try {
                List<String> manifest = new ArrayList<>();
                for (EngineRecipe.Part part : recipe.parts()) {
                    extract(part, building, downloads, manifest);
                }
                Files.write(building.resolve(MANIFEST), manifest);
                sync(building.resolve(MANIFEST));
                Files.setPosixFilePermissions(
                        building, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(building, folder, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                if (Files.exists(building)) {
                    AtomicFiles.deleteRecursively(building);
                }
            }
            if (Files.isDirectory(downloads)) {
                AtomicFiles.deleteRecursively(downloads); // the folder is what is kept
            }
            return folder;
        }
    }

    /** Where this recipe's jars are downloaded to (its own, so two assemblies never share one). */
    private Path downloads(EngineRecipe recipe) {
        return root.resolve("downloads").resolve(recipe.key());
    }

    /** Deletes the building folders of this recipe's killed assemblies (called under its lock). */
    private void sweepKilledAssemblies(EngineRecipe recipe) throws IOException {
        try (var entries = Files.newDirectoryStream(root, "." + recipe.key() + "-*")) {
            for (Path stale : entries) {
                AtomicFiles.deleteRecursively(stale);
            }
        }
    }

    private static void sync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private void extract(EngineRecipe.Part part, Path into, Path downloads, List<String> manifest)
            throws IOException {
        MavenArtifact artifact = part.artifact();
        Path jar = source.fetch(artifact, downloads);
        String actual = sha256(jar);
        if (!actual.equals(artifact.sha256())) {
            if (jar.startsWith(root)) {
                Files.deleteIfExists(jar); // a corrupt download is not kept to fail again
            }
            throw new IOException(
                    String.format(
                            Locale.ROOT,
                            "%s (%s) has SHA-256 %s, not the pinned %s; nothing was assembled",
                            artifact.coordinates(),
                            jar,
                            actual,
                            artifact.sha256()));
        }
        List<String> missing = new ArrayList<>(part.entries());
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (!missing.remove(e.getName())) {
                    continue;
                }
                String name = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                Path file = into.resolve(name);
                MessageDigest digest = newSha256();
                try (OutputStream out = Files.newOutputStream(file)) {
                    DigestInputStream in = new DigestInputStream(zip, digest);
                    in.transferTo(out);
                }
                sync(file);
                manifest.add(
                        HexFormat.of().formatHex(digest.digest())
                                + "  "
                                + name
                                + "  "
                                + Files.size(file));
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException(artifact.coordinates() + " has no " + missing);
        }
    }

    /** The file's SHA-256 in lower-case hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = newSha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
