package ai.sentinel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.ChildJvm;
import ai.sentinel.testing.CliRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run per folder: a second run, in this process or another, is refused in one line naming the
 * holder's process id; a lock file left by a killed run is taken over; a normal end removes it.
 */
class RunFolderLockTest {
    private static final String ME = "pid " + ProcessHandle.current().pid();

    @Test
    void aSecondRunInThisProcessIsRefusedNamingTheHolder(@TempDir Path dir) throws IOException {
        try (RunFolderLock held = RunFolderLock.acquire(dir, "--out", "sentinel upgrade")) {
            assertTrue(
                    Files.readString(held.file()).contains("pid=" + ProcessHandle.current().pid()));
            IOException refused =
                    assertThrows(
                            IOException.class,
                            () -> RunFolderLock.acquire(dir, "--out", "sentinel cycle"));
            String message = refused.getMessage();
            assertEquals(1, message.lines().count(), message);
            assertTrue(message.contains(ME) && message.contains("sentinel upgrade"), message);
            assertTrue(held.file().toFile().exists(), "the refusal leaves the holder's lock alone");
        }
        assertFalse(Files.exists(dir.resolve(RunFolderLock.FILE)), "a normal end removes the file");
        RunFolderLock.acquire(dir, "--out", "sentinel cycle").close();
    }

    @Test
    void aLockFileWithoutALockIsTakenOver(@TempDir Path dir) throws IOException {
        Files.writeString(
                dir.resolve(RunFolderLock.FILE),
                "pid=2147483646\nhost=gone\nstarted=yesterday\ncommand=sentinel upgrade\n");
        try (RunFolderLock held = RunFolderLock.acquire(dir, "--out", "sentinel train")) {
            String owner = Files.readString(held.file());
            assertTrue(owner.contains("pid=" + ProcessHandle.current().pid()), owner);
            assertFalse(owner.contains("2147483646"), owner);
        }
    }

    /**
     * Two processes: while a child JVM holds the folder, {@code sentinel train} into it (fresh, and
     * with --resume) in another child exits 2 naming the holder; once the holder is killed, its
     * lock file stays behind and is taken over.
     */
    @Test
    void anotherProcessIsRefusedWhileTheHolderLivesAndTakesOverAfterItsDeath(@TempDir Path dir)
            throws Exception {
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        Process holder = ChildJvm.java(Holder.class, List.of(out.toString())).start();
        try {
            BufferedReader lines =
                    new BufferedReader(
                            new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("held", lines.readLine());
            for (List<String> extra : List.of(List.<String>of(), List.of("--resume"))) {
                List<String> args =
                        new java.util.ArrayList<>(
                                List.of(
                                        "train",
                                        "-m",
                                        "nano",
                                        "--steps",
                                        "1",
                                        "-o",
                                        out.toString()));
                args.addAll(extra);
                Process second = ChildJvm.sentinel(args).start();
                String said =
                        new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                                .strip();
                assertTrue(second.waitFor(120, TimeUnit.SECONDS));
                assertEquals(2, second.exitValue(), said);
                assertEquals(1, said.lines().count(), said);
                assertTrue(said.contains("pid " + holder.pid()) && said.contains("in use"), said);
            }
            CliRun inProcess =
                    CliRun.of("train", "-m", "nano", "--steps", "1", "-o", out.toString());
            assertEquals(2, inProcess.code(), inProcess.err());
            assertTrue(inProcess.err().contains("pid " + holder.pid()), inProcess.err());
        } finally {
            holder.destroyForcibly();
            holder.waitFor(60, TimeUnit.SECONDS);
        }
        assertTrue(Files.exists(out.resolve(RunFolderLock.FILE)), "a killed run leaves its file");
        try (RunFolderLock taken = RunFolderLock.acquire(out, "--out", "sentinel train")) {
            assertTrue(
                    Files.readString(taken.file())
                            .contains("pid=" + ProcessHandle.current().pid()));
        }
    }

    /** A child process that holds a folder until it is killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            RunFolderLock.acquire(Path.of(args[0]), "--out", "sentinel holder");
            System.out.println("held");
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        }
    }
}
