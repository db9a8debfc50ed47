package net.dtm.vendor.linux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds a program by name. The real one searches {@code PATH} and then the system directories,
 * because a service manager often starts the JVM with a {@code PATH} that lacks {@code /usr/sbin},
 * where {@code ip} lives.
 */
@FunctionalInterface
interface ToolLocator {

    /** The directories searched after {@code PATH}. */
    List<String> SYSTEM_DIRECTORIES = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    /** The absolute path of {@code program}, or empty when it is not installed. */
    Optional<String> find(String program);

    /** Searches {@code path} (a {@code PATH} value, may be null), then {@link #SYSTEM_DIRECTORIES}. */
    static ToolLocator searching(String path) {
        Set<String> dirs = new LinkedHashSet<>();
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(d);
                }
            }
        }
        dirs.addAll(SYSTEM_DIRECTORIES);
        List<Path> candidates = new ArrayList<>();
        dirs.forEach(d -> candidates.add(Path.of(d)));
        return program -> candidates.stream()
                .map(d -> d.resolve(program))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .map(Path::toString)
                .findFirst();
    }

    /** Searches this JVM's {@code PATH}, then the system directories. */
    static ToolLocator system() {
        return searching(System.getenv("PATH"));
    }
}
