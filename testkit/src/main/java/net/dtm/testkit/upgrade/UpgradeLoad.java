package net.dtm.testkit.upgrade;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import net.dtm.agent.AgentSettings;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.testkit.cluster.AgentFleet;
import net.dtm.testkit.cluster.ChaosChecker;
import net.dtm.testkit.cluster.History;
import net.dtm.testkit.cluster.Launcher;

/**
 * The agents an upgrade test runs meanwhile, and its verdict: real agents ({@link AgentFleet}) with
 * the agent's own default timeouts (its normal retry budget), started by a {@link Launcher} from a
 * fixed device list, every event in a {@link History}; at the end the history and the store as
 * left go through {@link ChaosChecker} and {@link AddressChanges}.
 */
public final class UpgradeLoad implements AutoCloseable {

    /** Reads every lease of the pool as the store holds it. */
    @FunctionalInterface
    public interface StoreReader {
        List<Lease> leases() throws Exception;
    }

    /**
     * What the agents went through.
     *
     * @param report          the checker's report
     * @param addressChanges  one line per answer that told a device another address
     * @param renewalFailures renewal attempts not answered within one attempt
     * @param storeLeases     leases in the store at the end
     */
    public record Verdict(ChaosChecker.Report report, List<String> addressChanges, int renewalFailures, int storeLeases) {

        /**
         * Everything an upgrade must not do to agents: a lost lease, a dropped tunnel, a changed or
         * duplicated address, an agent not established, an attempt (establishment or renewal) not
         * answered within the agent's attempt time; empty if none.
         */
        public List<String> violations() {
            List<String> v = new ArrayList<>(report.problems());
            v.addAll(addressChanges);
            if (report.failedAttempts() > 0) {
                v.add(report.failedAttempts() + " establishment attempts not answered within one attempt");
            }
            if (renewalFailures > 0) {
                v.add(renewalFailures + " renewal attempts not answered within one attempt");
            }
            return v;
        }

        /** One line of figures, {@code key=value}. */
        public String result() {
            ChaosChecker.Report r = report;
            return String.format(Locale.ROOT, "agents=%d establishments=%d renewals=%d failed_attempts=%d renewal_failures=%d"
                            + " failovers=%d lost=%d dropped=%d address_changes=%d duplicates=%d not_established=%d store_leases=%d",
                    r.agents(), r.establishments(), r.renewals(), r.failedAttempts(), renewalFailures, r.failovers(), r.lost(),
                    r.dropped(), addressChanges.size(), r.duplicates(), r.notEstablished(), storeLeases);
        }
    }

    private final History history = new History();
    private final AgentFleet fleet;
    private final Launcher launcher;

    /**
     * @param devices every device that may be started, in order (enrolled with {@code keyOf}'s keys)
     * @param servers the servers every agent knows
     */
    public UpgradeLoad(List<DeviceId> devices, Function<DeviceId, byte[]> keyOf, List<InetSocketAddress> servers) {
        AgentSettings defaults = AgentSettings.of(devices.get(0), keyOf.apply(devices.get(0)), servers);
        this.fleet = new AgentFleet(history, new AgentFleet.Timing(defaults.attemptTimeout(), defaults.confirmTimeout(),
                defaults.retryMin(), defaults.retryMax()), 2);
        this.launcher = new Launcher(fleet, devices, keyOf, servers);
    }

    public History history() {
        return history;
    }

    /** Starts a named phase (an upgrade step) now. */
    public void phase(String name) {
        history.phase(name);
    }

    /** Starts {@code n} more agents evenly over {@code over} (returns at once). */
    public void start(int n, Duration over) {
        launcher.batch(n, over);
    }

    /** Waits until every agent scheduled so far has started (fails if one could not be). */
    public void awaitStarted(Duration within) throws InterruptedException {
        launcher.awaitStarted(within);
    }

    /** Waits until every agent started so far holds a confirmed lease; false if not within {@code within}. */
    public boolean awaitAllHolding(Duration within) throws InterruptedException {
        return fleet.awaitAllHolding(within);
    }

    /** Stops starting agents (those scheduled and not yet started never start). */
    public void stopStarting() {
        launcher.close();
    }

    /**
     * Stops every agent (leases are kept), then reads the store and judges the run up to now.
     */
    public Verdict finish(StoreReader store) throws Exception {
        close();
        double end = history.now();
        Instant readAt = Instant.now();
        List<Lease> leases = store.leases();
        ChaosChecker.Report report = ChaosChecker.check(history, end, leases, readAt);
        int renewalFailures = report.phases().stream().mapToInt(ChaosChecker.PhaseFigures::renewalFailures).sum();
        return new Verdict(report, AddressChanges.of(history), renewalFailures, leases.size());
    }

    /** Stops starting agents and stops every agent. Idempotent. */
    @Override
    public void close() {
        launcher.close();
        fleet.close();
    }
}
