package net.dtm.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import net.dtm.protocol.MessageType;

/**
 * What one agent's links carried, datagram by datagram, so that a slow establishment can be shown
 * as it happened ({@code --trace MS}): per link, when each request went out (copies sent together
 * as {@code xN}) and when answers came back, in milliseconds from the first datagram after the
 * previous establishment. Thread-safe; {@link #take()} empties it.
 */
final class EstablishTrace {

    /** One datagram: when, on which link, which way, what type. */
    private record Event(long nanos, String link, boolean out, MessageType type) {
    }

    private final List<Event> events = new ArrayList<>();

    synchronized void sent(String link, MessageType type) {
        events.add(new Event(System.nanoTime(), link, true, type));
    }

    synchronized void received(String link, MessageType type) {
        events.add(new Event(System.nanoTime(), link, false, type));
    }

    /**
     * The events since the last call, one line per link, e.g.
     * {@code 5g: 0.0 >RELEASE, 20.4 <ACK, 20.9 >ESTABLISHx4, 48.0 >ESTABLISHx4, 69.1 <PARAMS}; then forgotten.
     */
    synchronized String take() {
        if (events.isEmpty()) {
            return "(nothing sent)";
        }
        long t0 = events.get(0).nanos();
        List<String> links = new ArrayList<>();
        for (Event e : events) {
            if (!links.contains(e.link())) {
                links.add(e.link());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String link : links) {
            out.append(out.length() == 0 ? "" : " | ").append(link).append(':');
            Event group = null;
            int n = 0;
            for (Event e : events) {
                if (!e.link().equals(link)) {
                    continue;
                }
                // copies of one round go out within a millisecond of each other
                if (group != null && group.out() == e.out() && group.type() == e.type()
                        && e.nanos() - group.nanos() < 1_000_000) {
                    n++;
                    continue;
                }
                append(out, group, n, t0);
                group = e;
                n = 1;
            }
            append(out, group, n, t0);
        }
        events.clear();
        return out.toString();
    }

    private static void append(StringBuilder out, Event e, int n, long t0) {
        if (e == null) {
            return;
        }
        out.append(String.format(Locale.ROOT, " %.1f %s%s%s", (e.nanos() - t0) / 1e6, e.out() ? ">" : "<", e.type(),
                n > 1 ? "x" + n : ""));
    }
}
