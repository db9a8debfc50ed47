package net.dtm.testkit.dataplane;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A continuous {@code ping -D} from a namespace: the receive time of every echo reply, as ping
 * stamps it ({@code -D}: Unix time in microseconds). Errors and unanswered requests print no reply
 * line, so the gaps between reply times are the outages as the traffic saw them. What ping prints
 * on standard error is kept ({@link #errors}).
 * <p>
 * Ping gets a send buffer of {@value #SEND_BUFFER} bytes ({@code -S}). Its own default holds about
 * one packet, and packets a tunnel device has queued for a next hop that does not answer ARP (a
 * link just gone dead) stay charged to the socket until the kernel gives up on that neighbour,
 * 3 s later: every send failed meanwhile ({@code sendmsg: No buffer space available}), even
 * after the tunnel had moved to a working link. That was the 3.15 s gateway-to-router gap CI saw
 * twice in {@code DataPlaneIT}; forwarded traffic, which no local socket owns, never waits so.
 */
final class Pinger implements AutoCloseable {

    private static final Pattern REPLY = Pattern.compile("^\\[(\\d+\\.\\d+)\\] \\d+ bytes from ");

    /** Ping's send buffer, bytes: room for over a thousand of its packets. */
    private static final int SEND_BUFFER = 1 << 20;
    /** At most this many lines of ping's standard error are kept. */
    private static final int MAX_ERRORS = 100;

    private final String label;
    private final Process process;
    private final List<Double> replies = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    private Pinger(String label, Process process) {
        this.label = label;
        this.process = process;
        readLines("dtm-ping-" + label, process.getInputStream(), line -> replyTime(line).ifPresent(replies::add));
        readLines("dtm-ping-errors-" + label, process.getErrorStream(), line -> {
            if (errors.size() < MAX_ERRORS) {
                errors.add(line);
            }
        });
    }

    /** Hands every line of {@code in} to {@code sink} on a daemon thread of its own, until ping ends. */
    private static void readLines(String thread, InputStream in, Consumer<String> sink) {
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    sink.accept(line);
                }
            } catch (IOException ignored) {
                // ping ended
            }
        }, thread);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts pinging {@code target} from {@code ns} every {@code intervalSeconds}. */
    static Pinger start(String label, String ns, String target, double intervalSeconds) throws IOException {
        Process p = new ProcessBuilder(command(ns, target, intervalSeconds))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new Pinger(label, p);
    }

    private static List<String> command(String ns, String target, double intervalSeconds) {
        return List.of("ip", "netns", "exec", ns, "ping", "-D", "-n", "-S", Integer.toString(SEND_BUFFER), "-i",
                String.format(Locale.ROOT, "%.3f", intervalSeconds), "-W", "1", target);
    }

    /** What ping printed on standard error so far (the first {@value #MAX_ERRORS} lines). */
    List<String> errors() {
        return List.copyOf(errors);
    }

    /** The receive time of an echo reply line of {@code ping -D}, Unix seconds; empty for any other line. */
    static Optional<Double> replyTime(String line) {
        Matcher m = REPLY.matcher(line);
        return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
    }

    String label() {
        return label;
    }

    /** Replies received at or after {@code epochSeconds}. */
    long repliesSince(double epochSeconds) {
        return replies.stream().filter(t -> t >= epochSeconds).count();
    }

    /** The longest time between two consecutive replies, the first of them at or after {@code fromEpochSeconds}, in ms. */
    Gap longestGap(double fromEpochSeconds) {
        return longestGap(label, List.copyOf(replies), fromEpochSeconds);
    }

    /** The longest time between consecutive reply times {@code r}, the first of them at or after {@code fromEpochSeconds}. */
    static Gap longestGap(String label, List<Double> r, double fromEpochSeconds) {
        double longest = 0;
        double start = 0;
        for (int i = 1; i < r.size(); i++) {
            if (r.get(i - 1) < fromEpochSeconds) {
                continue;
            }
            double g = r.get(i) - r.get(i - 1);
            if (g > longest) {
                longest = g;
                start = r.get(i - 1);
            }
        }
        return new Gap(label, longest * 1000, start);
    }

    /**
     * The longest outage one ping saw.
     *
     * @param label     which ping
     * @param ms        the longest time between two consecutive replies
     * @param lastReply when the reply before it came, Unix time in seconds
     */
    record Gap(String label, double ms, double lastReply) {
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
