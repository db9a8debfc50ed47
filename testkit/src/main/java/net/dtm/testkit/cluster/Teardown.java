package net.dtm.testkit.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The end of a test on a real cluster: what its processes printed (for the failure message), every
 * node and the ensemble closed, and the run's folder deleted (before a run and after a passing one;
 * a failing run leaves it for the post-mortem).
 */
public final class Teardown {

    private Teardown() {
    }

    /** Every node's diagnostics, then the ensemble's; {@code ensemble} is null if it never started. */
    public static String diagnostics(List<NodeProcess> nodes, Ensemble ensemble) {
        StringBuilder b = new StringBuilder();
        for (NodeProcess n : nodes) {
            b.append(n.diagnostics());
        }
        if (ensemble != null) {
            b.append(ensemble.diagnostics());
        }
        return b.toString();
    }

    /** Closes every node, then the ensemble ({@code null} if it never started). */
    public static void close(List<NodeProcess> nodes, Ensemble ensemble) {
        for (NodeProcess n : nodes) {
            n.close();
        }
        if (ensemble != null) {
            ensemble.close();
        }
    }

    /** Deletes {@code root} and all below it; nothing if it does not exist. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
