package net.dtm.vendor.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real runner against /bin/sh. */
class ProcessCommandRunnerTest {

    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    private static CommandRunner.Command sh(String script, String stdin, Duration timeout) {
        return new CommandRunner.Command(List.of("/bin/sh", "-c", script), stdin, timeout, Set.of());
    }

    @Test
    void returnsExitCodeOutputAndErrorAndFeedsStandardInput() throws Exception {
        CommandRunner.Result r = runner.run(sh("cat; echo oops >&2; exit 3", "line 1\nline 2\n", Duration.ofSeconds(10)));
        assertEquals(3, r.exitCode());
        assertEquals("line 1\nline 2\n", r.stdout());
        assertEquals("oops\n", r.stderr());
    }

    @Test
    void largeOutputOnBothStreamsDoesNotBlock() throws Exception {
        CommandRunner.Result r = runner.run(sh("head -c 3000000 /dev/zero; head -c 3000000 /dev/zero >&2", "", Duration.ofSeconds(30)));
        assertEquals(0, r.exitCode());
        assertEquals(3_000_000, r.stdout().length());
        assertEquals(3_000_000, r.stderr().length());
    }

    @Test
    void aProgramThatIgnoresItsInputStillFinishes() throws Exception {
        String big = "x".repeat(1_000_000);
        assertEquals(0, runner.run(sh("exit 0", big, Duration.ofSeconds(10))).exitCode());
    }

    @Test
    void anOverrunningProgramIsKilledWithItsChildren(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        TimeoutException e = assertThrows(TimeoutException.class,
                () -> runner.run(sh("sleep 60 & echo $! > " + pidFile + "; wait", "", Duration.ofMillis(500))));
        assertTrue(e.getMessage().endsWith("did not finish within 500 ms and was killed"), e.getMessage());
        long child = Long.parseLong(java.nio.file.Files.readString(pidFile).strip());
        ProcessHandle.of(child).ifPresent(h -> {
            try {
                h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ex) {
                throw new AssertionError("the child sleep survived", ex);
            }
        });
    }

    @Test
    void aProgramThatNeitherReadsNorEndsIsKilledAtTheTimeout() {
        String big = "x".repeat(1_000_000);
        assertThrows(TimeoutException.class, () -> runner.run(sh("sleep 60", big, Duration.ofMillis(500))));
    }

    @Test
    void outputBeyondTheLimitIsRefused() {
        IOException e = assertThrows(IOException.class, () -> runner.run(
                sh("head -c " + (ProcessCommandRunner.MAX_OUTPUT_BYTES + 1) + " /dev/zero", "", Duration.ofSeconds(30))));
        assertEquals("output larger than " + ProcessCommandRunner.MAX_OUTPUT_BYTES + " bytes", e.getMessage());
    }

    @Test
    void aDaemonHoldingTheOutputPipesDoesNotHoldTheCaller() throws Exception {
        CommandRunner.Result r = runner.run(sh("echo started; sleep 30 & echo $! >&2", "", Duration.ofSeconds(10)));
        assertEquals(0, r.exitCode());
        assertEquals("started\n", r.stdout());
        long daemon = Long.parseLong(r.stderr().strip());
        ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void anInterruptedWaitKillsTheProgramAndSaysSo() {
        Thread.currentThread().interrupt();
        try {
            IOException e = assertThrows(IOException.class, () -> runner.run(sh("sleep 60", "", Duration.ofSeconds(30))));
            assertTrue(e.getMessage().startsWith("interrupted while waiting for /bin/sh -c sleep 60"), e.getMessage());
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aMissingProgramIsNoSuchFile() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> runner.run(
                new CommandRunner.Command(List.of("/nonexistent/dtm-tool"), "", Duration.ofSeconds(1), Set.of())));
        assertEquals("/nonexistent/dtm-tool", e.getFile());
    }

    @Test
    void aProgramThatCannotRunIsAnIoFailure(@TempDir Path dir) throws Exception {
        Path notExecutable = java.nio.file.Files.writeString(dir.resolve("tool"), "#!/bin/sh\n");
        IOException e = assertThrows(IOException.class, () -> runner.run(
                new CommandRunner.Command(List.of(notExecutable.toString()), "", Duration.ofSeconds(1), Set.of())));
        assertTrue(e.getMessage().contains("Permission denied"), e.getMessage());
    }

    @Test
    void environmentVariablesCanBeRemoved() throws Exception {
        CommandRunner.Result r = runner.run(new CommandRunner.Command(List.of("/bin/sh", "-c", "echo \"[${HOME-unset}]\""), "",
                Duration.ofSeconds(5), Set.of("HOME")));
        assertEquals("[unset]\n", r.stdout());
    }

    @Test
    void anEmptyCommandIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CommandRunner.Command(List.of(), "", Duration.ofSeconds(1), Set.of()));
    }
}
