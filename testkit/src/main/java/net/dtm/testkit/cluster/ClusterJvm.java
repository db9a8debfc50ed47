package net.dtm.testkit.cluster;

import java.util.List;
import java.util.Locale;

/**
 * The JVM options of the cluster's child processes, as the system property {@value #PROPERTY}
 * chooses: {@code test} (the default) keeps two cores' worth of tests light, with the serial
 * collector everywhere and the ZooKeeper peers compiled by C1 only; {@code production} runs peers
 * and nodes on the JVM's own defaults (G1, both compilers), as a deployment does, for the
 * benchmarks ({@code run-cluster.sh}).
 */
enum ClusterJvm {
    TEST, PRODUCTION;

    /** System property naming the choice: {@code test} or {@code production}. */
    static final String PROPERTY = "dtm.cluster.jvm";

    /** The choice from {@link #PROPERTY}, checked. */
    static ClusterJvm current() {
        String v = System.getProperty(PROPERTY, "test").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "test" -> TEST;
            case "production" -> PRODUCTION;
            default -> throw new IllegalArgumentException(PROPERTY + " must be 'test' or 'production', got '"
                    + System.getProperty(PROPERTY) + "'");
        };
    }

    /** Options for a ZooKeeper peer. */
    List<String> peer() {
        return this == TEST ? List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1") : List.of();
    }

    /** Options for a DTM node. */
    List<String> node() {
        return this == TEST ? List.of("-XX:+UseSerialGC") : List.of();
    }
}
