package net.dtm.api.fakes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import net.dtm.api.DtmException;
import net.dtm.api.config.AdapterInfo;
import net.dtm.api.config.ConfigurationService;
import net.dtm.api.config.EndView;
import net.dtm.api.config.Preview;
import net.dtm.api.config.Transaction;

/**
 * The configuration service over maps: ends with a preview each, a history per end (newest
 * first), and the refusals the real one gives (unknown end or entry, nothing pending) as
 * {@link DtmException} BAD_REQUEST. {@link #calls} records what was asked and by whom.
 */
public class FakeConfig implements ConfigurationService {
    public static final Instant T0 = Instant.parse("2030-01-01T09:00:00Z");

    public final List<AdapterInfo> adapters = new ArrayList<>();
    public final Map<String, EndView> ends = new TreeMap<>();
    public final Map<String, Preview> previews = new HashMap<>();
    public final Map<String, List<Transaction>> history = new HashMap<>();
    public final List<String> calls = new ArrayList<>();
    /** When set, the next apply ends like this (e.g. rolled back) instead of confirmed. */
    public Transaction.Result forcedResult;
    public boolean restored = true;

    public void addEnd(String end, String role, String device, String adapter, String state, List<String> diff) {
        ends.put(end, new EndView(end, role, device, Optional.ofNullable(adapter), Optional.of("vxlan mtu=1400 inner=10.64.0.2/16"),
                Optional.of("vxlan mtu=1500 inner=10.64.0.2/16"), diff, state, 0));
        previews.put(end, new Preview(end, diff, diff.isEmpty() ? List.of() : List.of("ip link set " + end + " mtu 1400"),
                List.of()));
        history.put(end, new ArrayList<>());
    }

    /** Adds a history entry; numbers follow on from the newest. */
    public Transaction record(String end, String trigger, List<String> diff, Transaction.Result result, String detail,
                       boolean restoredAfter) {
        List<Transaction> entries = history.get(end);
        int number = entries.isEmpty() ? 1 : entries.get(0).number() + 1;
        Transaction t = new Transaction(end, number, T0.plusSeconds(60L * number), trigger, "vxlan mtu=1400", diff,
                diff.isEmpty() ? List.of() : List.of("ip link set " + end + " mtu 1400"), result, detail, restoredAfter);
        entries.add(0, t);
        EndView v = ends.get(end);
        ends.put(end, new EndView(v.end(), v.role(), v.device(), v.adapter(), v.intent(), v.running(), v.diff(),
                result == Transaction.Result.PENDING_CONFIRM ? "pending-confirm" : v.state(), number));
        return t;
    }

    private EndView known(String end) {
        EndView v = ends.get(end);
        if (v == null) {
            throw new DtmException(DtmException.Reason.BAD_REQUEST, "no tunnel end named " + end);
        }
        return v;
    }

    @Override
    public List<AdapterInfo> adapters() {
        return List.copyOf(adapters);
    }

    @Override
    public List<EndView> ends() {
        return List.copyOf(ends.values());
    }

    @Override
    public Optional<EndView> show(String end) {
        return Optional.ofNullable(ends.get(end));
    }

    @Override
    public Preview preview(String end) {
        known(end);
        return previews.get(end);
    }

    @Override
    public Transaction apply(String end, String who, boolean holdForConfirm) {
        known(end);
        calls.add("apply " + end + " by " + who + (holdForConfirm ? " hold" : ""));
        Preview p = previews.get(end);
        if (!p.problems().isEmpty()) {
            return record(end, who, p.diff(), Transaction.Result.REFUSED, String.join("; ", p.problems()), false);
        }
        if (p.diff().isEmpty()) {
            return new Transaction(end, 0, T0, who, "vxlan mtu=1400", List.of(), List.of(), Transaction.Result.NO_CHANGE,
                    "", false);
        }
        if (forcedResult != null) {
            return record(end, who, p.diff(), forcedResult, "probe unanswered for 15 s", restored);
        }
        return holdForConfirm
                ? record(end, who, p.diff(), Transaction.Result.PENDING_CONFIRM, "verified; waiting for confirmation", false)
                : record(end, who, p.diff(), Transaction.Result.CONFIRMED, "verified: read back matches, probe answered", false);
    }

    @Override
    public Transaction confirm(String end, String who) {
        known(end);
        calls.add("confirm " + end + " by " + who);
        List<Transaction> entries = history.get(end);
        if (entries.isEmpty() || entries.get(0).result() != Transaction.Result.PENDING_CONFIRM) {
            throw new DtmException(DtmException.Reason.BAD_REQUEST, "nothing is pending on " + end);
        }
        Transaction t = entries.get(0);
        Transaction done = new Transaction(end, t.number(), t.time(), t.trigger(), t.intent(), t.diff(), t.commands(),
                Transaction.Result.CONFIRMED, "confirmed by " + who, false);
        entries.set(0, done);
        return done;
    }

    @Override
    public List<Transaction> history(String end) {
        List<Transaction> entries = history.get(end);
        return entries == null ? List.of() : List.copyOf(entries);
    }

    @Override
    public Transaction rollback(String end, int number, String who) {
        known(end);
        calls.add("rollback " + end + " to " + number + " by " + who);
        if (history.get(end).stream().noneMatch(t -> t.number() == number)) {
            throw new DtmException(DtmException.Reason.BAD_REQUEST, end + " has no history entry " + number);
        }
        return record(end, "rollback to " + number, List.of("mtu: 1400 -> 1500"), Transaction.Result.CONFIRMED,
                "verified: read back matches, probe answered", false);
    }
}
