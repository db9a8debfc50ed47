package net.dtm.testkit.cluster;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import net.dtm.api.Lease;
import net.dtm.testkit.cluster.History.Event;
import net.dtm.testkit.cluster.History.Kind;
import net.dtm.testkit.cluster.History.Phase;

/**
 * Reads the whole history of a cluster run and the store as it was left, and says what went wrong
 * and what the run's figures are. Plain Java; no clock, no I/O.
 * <p>
 * What it holds against the run:
 * <ul>
 * <li><b>duplicate</b>: an address held by two devices at the same time. A device holds the address
 * of an ESTABLISHED event from that event until its tunnel is LOST, it is told another address, or
 * the run ends; two such holding intervals of different devices on one address that overlap are a
 * duplicate. The store too must give no address to two devices and no device two addresses.</li>
 * <li><b>lost</b>: a lease the device held is gone: a LOST whose reason is the servers no longer
 * knowing the lease ({@code unknown-lease}), a device told a different address than the one it
 * held, or a device holding at the end an address the store does not give it (no lease for the
 * device, another address, not active, or a lower sequence than the device was told: recreated).</li>
 * <li><b>dropped</b>: a running tunnel went down (any LOST).</li>
 * <li><b>not established</b>: a started device that does not hold an address at the end.</li>
 * </ul>
 * Figures: establishments, renewals, failed attempts, failovers (devices whose serving node changed
 * between consecutive answers), and per phase the establishments that started in it with their
 * p50/p99/max time.
 */
public final class ChaosChecker {

    /**
     * Figures of one phase. Establishments and their failed attempts are counted in the phase the
     * establishment started in (a device still retrying after the fault that made it fail is that
     * fault's figure); renewals, losses and serving-node changes in the phase they happened in.
     */
    public record PhaseFigures(String name, double start, double end, int establishments, double p50Ms, double p99Ms,
                               double maxMs, int failedAttempts, int renewals, int renewalFailures, int lost,
                               int nodeChanges) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "phase %-28s %6.1f-%6.1f s: establishments=%d p50=%.1f ms p99=%.1f ms max=%.1f ms failed_attempts=%d"
                            + " renewals=%d renewal_failures=%d lost_tunnels=%d serving_node_changes=%d",
                    name, start / 1000, end / 1000, establishments, p50Ms, p99Ms, maxMs, failedAttempts, renewals,
                    renewalFailures, lost, nodeChanges);
        }
    }

    /**
     * The verdict.
     *
     * @param agents         devices started
     * @param holding        devices holding an address at the end
     * @param establishments ESTABLISHED events
     * @param renewals       RENEWED events
     * @param failedAttempts FAILED events
     * @param failovers      devices whose serving node changed at least once
     * @param duplicates     overlapping holdings of one address by two devices, plus store duplicates
     * @param lost           devices that lost a lease they held
     * @param dropped        devices whose running tunnel went down
     * @param notEstablished started devices not holding at the end
     * @param servedBy       answers (establishments and renewals) per node
     * @param phases         per phase
     * @param problems       one line per finding
     */
    public record Report(int agents, int holding, int establishments, int renewals, int failedAttempts, int failovers,
                         int duplicates, int lost, int dropped, int notEstablished, Map<String, Integer> servedBy,
                         List<PhaseFigures> phases, List<String> problems) {

        public boolean ok() {
            return problems.isEmpty();
        }

        public PhaseFigures phase(String name) {
            return phases.stream().filter(p -> p.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no phase " + name + " in " + phases));
        }

        /** The figures, several lines. */
        public String figures() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT,
                    "agents=%d holding_at_end=%d establishments=%d renewals=%d failed_attempts=%d failovers=%d"
                            + " duplicates=%d lost=%d dropped=%d not_established=%d served_by=%s",
                    agents, holding, establishments, renewals, failedAttempts, failovers, duplicates, lost, dropped,
                    notEstablished, servedBy));
            for (PhaseFigures p : phases) {
                b.append('\n').append(p);
            }
            return b.toString();
        }
    }

    private record Holding(String device, String address, double from, double to) {
    }

    private ChaosChecker() {
    }

    /**
     * @param history     the run
     * @param end         the run's end (ms on the history's clock); open holdings last until here, and
     *                    later events are left out (the store was read at the end)
     * @param store       every lease of the pool as the store holds it after the run
     * @param storeReadAt when the store was read (for {@link Lease#isActiveAt})
     */
    public static Report check(History history, double end, List<Lease> store, Instant storeReadAt) {
        List<String> problems = new ArrayList<>();
        Map<String, List<Event>> byDevice = new LinkedHashMap<>();
        List<Event> all = new ArrayList<>(history.events());
        all.removeIf(e -> e.at() > end);   // after the store was read: not the checker's to judge
        all.sort(Comparator.comparingDouble(Event::at));
        for (Event e : all) {
            byDevice.computeIfAbsent(e.device(), k -> new ArrayList<>()).add(e);
        }

        List<Holding> holdings = new ArrayList<>();
        Map<String, Event> holdingAtEnd = new LinkedHashMap<>();   // device -> last ESTABLISHED/RENEWED
        Set<String> lost = new LinkedHashSet<>();
        Set<String> dropped = new LinkedHashSet<>();
        Set<String> failovers = new LinkedHashSet<>();
        Set<String> started = new LinkedHashSet<>();
        Map<String, Integer> servedBy = new TreeMap<>();
        int establishments = 0;
        int renewals = 0;
        int failed = 0;
        for (Map.Entry<String, List<Event>> d : byDevice.entrySet()) {
            String device = d.getKey();
            String held = null;       // address held now
            double since = 0;
            Event last = null;        // last answer (ESTABLISHED or RENEWED) while holding
            String lastNode = null;
            for (Event e : d.getValue()) {
                switch (e.kind()) {
                    case STARTED -> started.add(device);
                    case ESTABLISHED, RENEWED -> {
                        if (e.kind() == Kind.ESTABLISHED) {
                            establishments++;
                        } else {
                            renewals++;
                        }
                        if (!e.node().isEmpty()) {
                            servedBy.merge(e.node(), 1, Integer::sum);
                            if (lastNode != null && !lastNode.equals(e.node())) {
                                failovers.add(device);
                            }
                            lastNode = e.node();
                        }
                        if (held != null && !held.equals(e.address())) {
                            lost.add(device);
                            problems.add(String.format(Locale.ROOT, "lost: %s held %s since %.1f ms and was told %s at %.1f ms (%s)",
                                    device, held, since, e.address(), e.at(), e.kind()));
                            holdings.add(new Holding(device, held, since, e.at()));
                            held = null;
                        }
                        if (held == null) {
                            held = e.address();
                            since = e.at();
                        }
                        last = e;
                    }
                    case LOST -> {
                        dropped.add(device);
                        problems.add(String.format(Locale.ROOT, "dropped: %s's tunnel on %s went down at %.1f ms (%s)",
                                device, e.address().isEmpty() ? held : e.address(), e.at(), e.detail()));
                        if (e.detail().contains("unknown-lease")) {
                            lost.add(device);
                            problems.add(String.format(Locale.ROOT, "lost: %s's lease on %s unknown to the servers at %.1f ms",
                                    device, e.address().isEmpty() ? held : e.address(), e.at()));
                        }
                        if (held != null) {
                            holdings.add(new Holding(device, held, since, e.at()));
                        }
                        held = null;
                        last = null;
                    }
                    case FAILED -> failed++;
                    case CONFIRMED, RENEWAL_FAILED -> {
                        // counted per phase; the tunnel is still up
                    }
                    default -> throw new IllegalStateException("unknown kind " + e.kind());
                }
            }
            if (held != null) {
                holdings.add(new Holding(device, held, since, end));
                holdingAtEnd.put(device, last);
            }
        }

        int duplicates = duplicates(holdings, problems);
        duplicates += storeDuplicates(store, problems);
        checkAgainstStore(holdingAtEnd, store, storeReadAt, lost, problems);

        int notEstablished = 0;
        for (String device : started) {
            if (!holdingAtEnd.containsKey(device)) {
                notEstablished++;
                List<Event> evs = byDevice.get(device);
                problems.add("not established: " + device + " holds no address at the end; last event: "
                        + evs.get(evs.size() - 1));
            }
        }

        List<PhaseFigures> phases = phases(history.phases(), all, end);
        return new Report(started.size(), holdingAtEnd.size(), establishments, renewals, failed, failovers.size(),
                duplicates, lost.size(), dropped.size(), notEstablished, servedBy, phases, problems);
    }

    private static int duplicates(List<Holding> holdings, List<String> problems) {
        Map<String, List<Holding>> byAddress = new HashMap<>();
        for (Holding h : holdings) {
            byAddress.computeIfAbsent(h.address(), k -> new ArrayList<>()).add(h);
        }
        int n = 0;
        for (List<Holding> hs : byAddress.values()) {
            hs.sort(Comparator.comparingDouble(Holding::from));
            for (int i = 0; i < hs.size(); i++) {
                for (int j = i + 1; j < hs.size(); j++) {
                    Holding a = hs.get(i);
                    Holding b = hs.get(j);
                    if (b.from() >= a.to()) {
                        break;   // sorted by start: every later one starts after a ended too
                    }
                    if (!a.device().equals(b.device())) {
                        n++;
                        problems.add(String.format(Locale.ROOT,
                                "duplicate: %s held by %s (%.1f-%.1f ms) and by %s (%.1f-%.1f ms)", a.address(), a.device(),
                                a.from(), a.to(), b.device(), b.from(), b.to()));
                    }
                }
            }
        }
        return n;
    }

    private static int storeDuplicates(List<Lease> store, List<String> problems) {
        int n = 0;
        Map<InetAddress, Lease> byAddress = new HashMap<>();
        Map<String, Lease> byDevice = new HashMap<>();
        for (Lease l : store) {
            Lease other = byAddress.putIfAbsent(l.address(), l);
            if (other != null && !other.device().equals(l.device())) {
                n++;
                problems.add("duplicate in the store: " + l.address().getHostAddress() + " bound to " + other.device()
                        + " and " + l.device());
            }
            Lease mine = byDevice.putIfAbsent(l.pool() + "/" + l.device().value(), l);
            if (mine != null && !mine.address().equals(l.address())) {
                n++;
                problems.add("duplicate in the store: " + l.device() + " holds " + mine.address().getHostAddress() + " and "
                        + l.address().getHostAddress() + " in pool " + l.pool());
            }
        }
        return n;
    }

    private static void checkAgainstStore(Map<String, Event> holdingAtEnd, List<Lease> store, Instant at, Set<String> lost,
                                          List<String> problems) {
        Map<String, Lease> byDevice = new HashMap<>();
        for (Lease l : store) {
            byDevice.put(l.device().value(), l);
        }
        for (Map.Entry<String, Event> h : holdingAtEnd.entrySet()) {
            String device = h.getKey();
            Event e = h.getValue();
            Lease l = byDevice.get(device);
            String why = null;
            if (l == null) {
                why = "the store has no lease for it";
            } else if (!l.address().getHostAddress().equals(e.address())) {
                why = "the store gives it " + l.address().getHostAddress();
            } else if (!l.isActiveAt(at)) {
                why = "the store's lease is " + l.state() + " expiring " + l.expiresAt() + ", not active at " + at;
            } else if (e.sequence() > l.sequence()) {
                why = "the store's lease has sequence " + l.sequence() + " < " + e.sequence() + " the device was told (recreated)";
            }
            if (why != null) {
                lost.add(device);
                problems.add("lost: " + device + " holds " + e.address() + " but " + why);
            }
        }
    }

    private static List<PhaseFigures> phases(List<Phase> phases, List<Event> all, double end) {
        List<PhaseFigures> out = new ArrayList<>();
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            double to = i + 1 < phases.size() ? phases.get(i + 1).start() : end;
            List<Double> times = new ArrayList<>();
            int failed = 0;
            int renewals = 0;
            int renewalFailures = 0;
            int lost = 0;
            int changes = 0;
            Map<String, String> lastNode = new HashMap<>();
            Map<String, Double> episode = new HashMap<>();   // device -> start of its current establishment
            for (Event e : all) {
                if (e.kind() == Kind.STARTED || e.kind() == Kind.LOST) {
                    episode.put(e.device(), e.at());
                }
                if (e.kind() == Kind.FAILED) {
                    double began = episode.getOrDefault(e.device(), e.at());
                    if (began >= p.start() && began < to) {
                        failed++;
                    }
                    continue;
                }
                if (!e.node().isEmpty() && (e.kind() == Kind.ESTABLISHED || e.kind() == Kind.RENEWED)) {
                    String before = lastNode.put(e.device(), e.node());
                    if (before != null && !before.equals(e.node()) && e.at() >= p.start() && e.at() < to) {
                        changes++;
                    }
                }
                if (e.kind() == Kind.ESTABLISHED) {
                    double began = e.at() - e.ms();
                    if (began >= p.start() && began < to) {
                        times.add(e.ms());
                    }
                    continue;
                }
                if (e.at() < p.start() || e.at() >= to) {
                    continue;
                }
                switch (e.kind()) {
                    case RENEWED -> renewals++;
                    case RENEWAL_FAILED -> renewalFailures++;
                    case LOST -> lost++;
                    default -> {
                    }
                }
            }
            times.sort(Double::compare);
            out.add(new PhaseFigures(p.name(), p.start(), to, times.size(), quantile(times, 0.5), quantile(times, 0.99),
                    times.isEmpty() ? 0 : times.get(times.size() - 1), failed, renewals, renewalFailures, lost, changes));
        }
        return out;
    }

    /** The {@code q}-quantile (nearest rank) of ascending {@code sorted}, 0 if empty. */
    public static double quantile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
