package net.dtm.testkit;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for a process a test starts, free now and outside the kernel's ephemeral range.
 * <p>
 * Why not port 0's answer: that port comes from the ephemeral range, the same range the kernel
 * takes an outgoing connection's local port from. Between the test closing its probe and the
 * process binding the port, any connection on the machine may take it (seen in CI: Karaf's SSH
 * console "Address already in use" at boot). A port below the range is never handed out that way.
 * No port is given twice by one JVM.
 */
public final class FreePorts {

    private static final int LOWEST = 20_000;
    private static final int ATTEMPTS = 500;
    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {
    }

    /** A TCP port free on the loopback address. */
    public static int tcp() throws IOException {
        return pick(FreePorts::tcpFree);
    }

    /** A UDP port free on every address. */
    public static int udp() throws IOException {
        return pick(FreePorts::udpFree);
    }

    /** The kernel's ephemeral range [low, high], or the Linux default if it cannot be read. */
    public static int[] ephemeralRange() {
        try {
            String[] f = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"), StandardCharsets.US_ASCII)
                    .trim().split("\\s+");
            return new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {32_768, 60_999};
        }
    }

    private interface Probe {
        boolean free(int port);
    }

    private static synchronized int pick(Probe probe) throws IOException {
        int[] ephemeral = ephemeralRange();
        int low = LOWEST;
        int high = ephemeral[0] - 1;          // below the range
        if (high - low < 1_000) {
            low = ephemeral[1] + 1;           // or above it
            high = 65_535;
        }
        for (int i = 0; i < ATTEMPTS && high - low >= 1_000; i++) {
            int port = ThreadLocalRandom.current().nextInt(low, high + 1);
            if (!GIVEN.contains(port) && probe.free(port)) {
                GIVEN.add(port);
                return port;
            }
        }
        throw new IOException("no free port outside the ephemeral range " + ephemeral[0] + "-" + ephemeral[1]
                + " after " + ATTEMPTS + " tries");
    }

    private static boolean tcpFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean udpFree(int port) {
        try (DatagramSocket s = new DatagramSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
