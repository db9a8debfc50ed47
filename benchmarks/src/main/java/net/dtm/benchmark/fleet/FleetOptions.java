package net.dtm.benchmark.fleet;

import java.nio.file.Path;
import java.util.List;

/**
 * The fleet recovery benchmark's options.
 *
 * @param devices  enrolled devices holding leases
 * @param modes    "standalone", "cluster" or both, in that order
 * @param timeout  seconds each step (first leases, recovery) may take at most
 * @param sources  loopback source addresses the devices share
 * @param window   devices establishing their first lease at once
 * @param jitter   each back-off pause drawn from [(1 - jitter) x, x]; 0.5 is the agent's (RetryBackoff), 0 the lockstep of earlier agents
 * @param workers  request-handling threads of each cluster node (the standalone node runs Karaf's 64)
 * @param out      where the CSV files and the PNG go
 * @param keep     work directory kept (stores, node logs) instead of deleted
 */
record FleetOptions(int devices, List<String> modes, int timeout, int sources, int window, double jitter, int workers, Path out,
                    boolean keep) {

    static final String USAGE = "usage: run-fleet-recovery.sh [--devices N (100000)] [--mode standalone|cluster|both"
            + " (both)] [--timeout S per step (600)] [--sources N loopback addresses the devices share (1000)]"
            + " [--window N devices establishing their first lease at once (500)] [--jitter F: back-off pauses drawn from [(1-F) x, x]; 0.5 = the agent (0.5)]"
            + " [--workers N per cluster node (64)]"
            + " [--out DIR (target/fleet)] [--keep: keep the work directory] [--help]";

    /** The options in {@code args}; {@code --help} and every mistake throw with the message to print. */
    static FleetOptions parse(String... args) {
        int devices = 100_000;
        List<String> modes = List.of("standalone", "cluster");
        int timeout = 600;
        int sources = 1000;
        int window = 500;
        double jitter = 0.5;
        int workers = 64;
        Path out = Path.of("target", "fleet");
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                throw new IllegalArgumentException("help");
            }
            if (a.equals("--keep")) {
                keep = true;
                continue;
            }
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--devices" -> devices = positive(a, v, 2_000_000);
                case "--mode" -> modes = switch (v) {
                    case "standalone" -> List.of("standalone");
                    case "cluster" -> List.of("cluster");
                    case "both" -> List.of("standalone", "cluster");
                    default -> throw new IllegalArgumentException("--mode expects standalone, cluster or both, got '" + v + "'");
                };
                case "--timeout" -> timeout = positive(a, v, 24 * 3600);
                case "--sources" -> sources = positive(a, v, 250 * 250);
                case "--window" -> window = positive(a, v, 1_000_000);
                case "--jitter" -> jitter = fraction(a, v);
                case "--workers" -> workers = positive(a, v, 1024);
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return new FleetOptions(devices, modes, timeout, Math.min(sources, devices), window, jitter, workers, out, keep);
    }

    private static double fraction(String name, String v) {
        double f;
        try {
            f = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " expects a number between 0 and 1, got '" + v + "'");
        }
        if (!(f >= 0 && f <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, got " + v);
        }
        return f;
    }

    private static int positive(String name, String v, int max) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " expects a whole number, got '" + v + "'");
        }
        if (n <= 0 || n > max) {
            throw new IllegalArgumentException(name + " must be between 1 and " + max + ", got " + n);
        }
        return n;
    }
}
