package net.dtm.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** CPU time of this JVM and of its child JVMs running a given main class, as the operating system counts it. */
public final class ChildCpu {

    private ChildCpu() {
    }

    /** CPU time in ns used so far by this JVM's live children whose command line names {@code mainClass}. */
    public static long nanos(String mainClass) {
        return ProcessHandle.current().children()
                .filter(p -> commandLine(p.pid()).contains(mainClass))
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                .sum();
    }

    /**
     * The full command line of process {@code pid} from /proc ({@link ProcessHandle.Info#commandLine()}
     * cuts a long one, e.g. a JVM's class path, before the main class); empty if unreadable.
     */
    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** CPU time in ns used so far by this JVM. */
    public static long self() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
}
