package net.dtm.testkit.dataplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Short commands with a deadline, and bounded polling: the lab's only ways to wait (also the
 * benchmarks' script tests').
 */
public final class Sh {

    private Sh() {
    }

    /** A finished command: its exit status and its merged output. */
    public record Result(int status, String out) {
        boolean ok() {
            return status == 0;
        }

        /** The output, or an {@link IllegalStateException} naming the command if it failed. */
        String orThrow(List<String> command) {
            if (!ok()) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + status + "): " + out.strip());
            }
            return out;
        }
    }

    /** Runs {@code command} with standard input closed, for at most 20 s. */
    static Result run(String... command) {
        return run(Duration.ofSeconds(20), null, Map.of(), command);
    }

    /** Runs {@code command} with {@code stdin} (or none) and extra environment, for at most {@code timeout}. */
    public static Result run(Duration timeout, String stdin, Map<String, String> env, String... command) {
        Path out = null;
        try {
            out = Files.createTempFile("dtm-dataplane-", ".out");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, Files.readString(out) + " (timed out after " + timeout.toSeconds() + " s)");
            }
            return new Result(p.exitValue(), Files.readString(out));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    /** Runs {@code command} and returns its output, failing if it does. */
    static String must(String... command) {
        return run(command).orThrow(List.of(command));
    }

    /**
     * Polls {@code probe} every {@code every} until it returns a value or {@code atMost} passes.
     *
     * @param what    what is awaited, for the failure message
     * @param details what the failure message adds (the processes' logs)
     * @throws LabException if nothing came in time
     */
    public static <T> T await(String what, Duration atMost, Duration every, Supplier<Optional<T>> probe, Supplier<String> details) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new LabException("no " + what + " within " + atMost.toSeconds() + " s" + details.get());
            }
            try {
                Thread.sleep(every.toMillis()); // polling interval of a bounded wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while waiting for " + what);
            }
        }
    }
}
