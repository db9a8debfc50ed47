package net.dtm.testkit.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What every agent went through during a cluster run, in the order it happened, and the run's
 * phases (named spans of time: "baseline", "kill -9 node 1", ...). Thread-safe: agents append from
 * their scheduler threads, the test marks phases from its own.
 * <p>
 * Times are milliseconds since the history was created, on the monotonic clock
 * ({@link System#nanoTime()}), as doubles.
 */
public final class History {

    /** What happened to an agent. */
    public enum Kind {
        /** The agent was started (its first establishment begins). */
        STARTED,
        /** It holds tunnel parameters from an establishment: address, lease sequence, node, time taken. */
        ESTABLISHED,
        /** The CONFIRM of its current establishment was acknowledged (the lease is bound): node. */
        CONFIRMED,
        /** A renewal was answered: address, lease sequence, node. */
        RENEWED,
        /** A renewal attempt failed and will be retried; the tunnel is still up. */
        RENEWAL_FAILED,
        /** The tunnel it held went down (lease unknown to the servers, refused confirm, or expired unrenewed). */
        LOST,
        /** An establishment attempt failed (every server refused, or none answered); it will be retried. */
        FAILED
    }

    /**
     * One event.
     *
     * @param at       ms since the history's origin
     * @param device   the agent's device id
     * @param kind     what happened
     * @param address  the inner address concerned (established, renewed or lost), or "" if none
     * @param sequence the lease sequence the answer carried, -1 if unknown
     * @param node     the node that served it (ESTABLISHED, RENEWED), or ""
     * @param ms       ESTABLISHED: time from the start of the establishment (first attempt) to holding
     *                 the parameters, retries included; otherwise 0
     * @param detail   reason of a failure or loss; attempts of an establishment
     */
    public record Event(double at, String device, Kind kind, String address, long sequence, String node, double ms,
                        String detail) {
        public Event {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(kind, "kind");
            address = address == null ? "" : address;
            node = node == null ? "" : node;
            detail = detail == null ? "" : detail;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%10.1f %-16s %-14s address=%s seq=%d node=%s ms=%.1f %s", at, device, kind,
                    address, sequence, node, ms, detail);
        }
    }

    /** A named span of the run, from {@code start} until the next phase starts (or the end). */
    public record Phase(String name, double start) {
    }

    private final long origin;
    private final List<Event> events = new ArrayList<>();
    private final List<Phase> phases = new ArrayList<>();

    public History() {
        this.origin = System.nanoTime();
    }

    /** Ms since the origin, now. */
    public double now() {
        return (System.nanoTime() - origin) / 1e6;
    }

    /** Appends an event stamped now. */
    public Event record(String device, Kind kind, String address, long sequence, String node, double ms, String detail) {
        Event e = new Event(now(), device, kind, address, sequence, node, ms, detail);
        synchronized (this) {
            events.add(e);
        }
        return e;
    }

    /** Appends an event as given (synthetic histories, replay). */
    public synchronized void add(Event e) {
        events.add(Objects.requireNonNull(e, "event"));
    }

    /** Starts a phase now; the previous one ends here. */
    public Phase phase(String name) {
        Phase p = new Phase(name, now());
        synchronized (this) {
            phases.add(p);
        }
        return p;
    }

    /** Starts a phase at {@code at} (synthetic histories). */
    public synchronized void phase(String name, double at) {
        phases.add(new Phase(name, at));
    }

    /** The events so far, in the order they were recorded. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    public synchronized List<Phase> phases() {
        return List.copyOf(phases);
    }

    /** The phase in force at {@code at}, or "" before the first one. */
    public String phaseAt(double at) {
        String name = "";
        for (Phase p : phases()) {
            if (p.start() <= at) {
                name = p.name();
            }
        }
        return name;
    }

    /** Writes the phases and every event, one a line. */
    public void write(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Phase p : phases()) {
            lines.add(String.format(Locale.ROOT, "%10.1f PHASE %s", p.start(), p.name()));
        }
        for (Event e : events()) {
            lines.add(e.toString());
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
