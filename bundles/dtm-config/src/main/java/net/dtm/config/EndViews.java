package net.dtm.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DtmException;
import net.dtm.api.config.EndView;
import net.dtm.api.config.Preview;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/**
 * What operators and health checks see of the ends, changing nothing: each end's wanted and running
 * state, its difference and state word, a fresh read of one end's device, the preview of applying
 * it, and a probe of its tunnel.
 */
final class EndViews {

    // the manager's logger: these lines were always the manager's
    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationManager.class);

    private final ConfigContext ctx;
    private final AdapterRegistry registry;
    private final Map<String, EndState> ends;

    EndViews(ConfigContext ctx, AdapterRegistry registry, Map<String, EndState> ends) {
        this.ctx = ctx;
        this.registry = registry;
        this.ends = ends;
    }

    /** Every end by name, as last known (no device is read). */
    List<EndView> ends() {
        return ends.values().stream().sorted(Comparator.comparing(e -> e.name)).map(this::view).toList();
    }

    /** End {@code end} with its device read now (unless no adapter serves it); empty for an unknown end. */
    Optional<EndView> show(String end) {
        EndState e = ends.get(end);
        if (e == null) {
            return Optional.empty();
        }
        DeviceTarget target;
        String device;
        TunnelIntent.Role role;
        synchronized (e) {
            target = e.target;
            device = e.device;
            role = e.role;
        }
        Optional<VendorAdapter> adapter = registry.select(target);
        if (adapter.isEmpty()) {
            return Optional.of(view(e));
        }
        Optional<TunnelIntent> running = readNow(adapter.get(), target, end, device, role);
        synchronized (e) {
            if (e.current == null) {
                e.running = running;
                e.runningKnown = true;
            }
            return Optional.of(view(e, true, running));
        }
    }

    /** What applying end {@code end} now would change and send, or the problems that stop it. */
    Preview preview(String end) {
        EndState e = EndState.known(ends, end);
        DeviceTarget target;
        String device;
        TunnelIntent.Role role;
        Optional<TunnelIntent> wanted;
        synchronized (e) {
            target = e.target;
            device = e.device;
            role = e.role;
            wanted = e.intent;
        }
        VendorAdapter adapter = registry.require(end, target);
        List<String> problems = new ArrayList<>(wanted.map(w -> ctx.validator().validate(w, adapter)).orElse(List.of()));
        try (ConfigSession session = adapter.open(target)) {
            if (problems.isEmpty() && wanted.isPresent()) {
                problems.addAll(session.check(wanted.get()));
            }
            Optional<TunnelIntent> running = session.read(end, role);
            IntentDiff diff = IntentDiff.between(running, wanted);
            List<String> commands = problems.isEmpty() ? new Renderer(adapter).render(wanted, running, diff) : List.of();
            return new Preview(end, diff.lines(), commands, problems);
        } catch (ConfigException | RuntimeException ex) {
            throw unreadable(end, device, ex);
        }
    }

    /**
     * Probes the tunnel of end {@code end} now (traffic to its peer's inner address), outside any
     * transaction: for a health check of a confirmed tunnel. Empty when there is nothing to judge:
     * no such end, probing switched off (the device does not answer probes), no intent, no adapter,
     * a transaction running, or the device could not be asked.
     */
    Optional<Boolean> probe(String end, Duration timeout) {
        EndState e = ends.get(end);
        if (e == null || !ctx.settings().probeEnabled()) {
            return Optional.empty();
        }
        DeviceTarget target;
        TunnelIntent intent;
        synchronized (e) {
            if (e.current != null || e.intent.isEmpty()) {
                return Optional.empty();
            }
            target = e.target;
            intent = e.intent.get();
        }
        Optional<VendorAdapter> adapter = registry.select(target);
        if (adapter.isEmpty()) {
            return Optional.empty();
        }
        try (ConfigSession session = adapter.get().open(target)) {
            return Optional.of(session.probe(intent, timeout));
        } catch (ConfigException | RuntimeException ex) {
            LOG.debug("{}: health probe not run: {}", end, ex.getMessage());
            return Optional.empty();
        }
    }

    private EndView view(EndState e) {
        synchronized (e) {
            return view(e, e.runningKnown, e.running);
        }
    }

    /** The end as operators see it, {@code running} ignored unless {@code known}. Caller locks e. */
    private EndView view(EndState e, boolean known, Optional<TunnelIntent> running) {
        Optional<IntentDiff> diff = known ? Optional.of(IntentDiff.between(running, e.intent)) : Optional.empty();
        return new EndView(e.name, role(e.role), e.device, registry.select(e.target).map(VendorAdapter::vendor),
                e.intent.map(TunnelIntent::describe), known ? running.map(TunnelIntent::describe) : Optional.empty(),
                diff.map(IntentDiff::lines).orElse(List.of()), state(e, diff), lastEntry(e.name));
    }

    private String state(EndState e, Optional<IntentDiff> diff) {
        if (e.current != null) {
            return e.current.pendingEntry().isPresent() ? "pending-confirm" : "applying";
        }
        if (registry.select(e.target).isEmpty()) {
            return "no-adapter";
        }
        if (!e.lastState.equals("synced") && !e.lastState.equals("out-of-sync")) {
            return e.lastState;
        }
        return diff.map(d -> d.isEmpty() ? "in-sync" : "out-of-sync").orElse("out-of-sync");
    }

    private Optional<TunnelIntent> readNow(VendorAdapter adapter, DeviceTarget target, String end, String device,
                                           TunnelIntent.Role role) {
        try (ConfigSession session = adapter.open(target)) {
            return session.read(end, role);
        } catch (ConfigException | RuntimeException ex) {
            throw unreadable(end, device, ex);
        }
    }

    private static DtmException unreadable(String end, String device, Exception ex) {
        return new DtmException(DtmException.Reason.BAD_REQUEST, "cannot read " + end + " on device " + device + ": "
                + ex.getMessage(), ex);
    }

    private int lastEntry(String end) {
        try {
            return ctx.history().lastNumber(end);
        } catch (RuntimeException e) {
            LOG.warn("{}: history unreadable: {}", end, e.getMessage());
            return 0;
        }
    }

    private static String role(TunnelIntent.Role role) {
        return role.name().toLowerCase(Locale.ROOT);
    }
}
