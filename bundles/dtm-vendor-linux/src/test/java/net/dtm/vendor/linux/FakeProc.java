package net.dtm.vendor.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Entries of a fake {@code /proc}: command line, state and network namespace of a process id. */
final class FakeProc {

    private FakeProc() {
    }

    /** Makes {@code proc/self/ns/net} point at {@code net:[ns]}. */
    static void self(Path proc, long ns) throws IOException {
        Path dir = Files.createDirectories(proc.resolve("self/ns"));
        Files.deleteIfExists(dir.resolve("net"));
        Files.createSymbolicLink(dir.resolve("net"), Path.of("net:[" + ns + "]"));
    }

    /** Makes {@code proc/PID} a process with {@code argv}, in state {@code state}, in namespace {@code ns}. */
    static void process(Path proc, long pid, char state, long ns, String... argv) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.write(dir.resolve("cmdline"), (String.join("\0", argv) + "\0").getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("stat"), pid + " (" + Path.of(argv[0]).getFileName() + ") " + state + " 1 " + pid + " 0");
        Files.createDirectories(dir.resolve("ns"));
        Files.deleteIfExists(dir.resolve("ns/net"));
        Files.createSymbolicLink(dir.resolve("ns/net"), Path.of("net:[" + ns + "]"));
    }
}
