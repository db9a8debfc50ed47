package net.dtm.systest;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;

/**
 * What the devices of a load run were told, as the devices saw it, and the checks of the kill -9
 * test against it. Plain Java, thread-safe (every method is synchronised; the load client calls it
 * from its receiver threads).
 * <ul>
 * <li><em>told</em>: the device received PARAMS with an address: from then on it believes it owns
 * that address;</li>
 * <li><em>confirmed</em>: its CONFIRM was acknowledged: the lease is bound.</li>
 * </ul>
 * A device told two different addresses, or an address told to two devices, is a duplicate and is
 * recorded as a conflict at once. An action can be attached to the first device told its address
 * once n devices are confirmed (the test kills the server there); it runs under the ledger's lock, so
 * the {@link Snapshot} it gets is exactly the state then, and that device is in it as told and not
 * confirmed: the load client reports PARAMS before it sends the CONFIRM.
 */
final class LeaseLedger {

    /**
     * The ledger at one moment.
     *
     * @param confirmed         devices confirmed so far
     * @param told              devices told an address so far
     * @param inFlight          devices started and not finished (confirmed, refused or timed out)
     * @param toldNotConfirmed  of those in flight, the ones already told their address
     */
    record Snapshot(int confirmed, int told, Set<DeviceId> inFlight, Set<DeviceId> toldNotConfirmed) {
    }

    /**
     * The store compared with the ledger.
     *
     * @param leases          bindings in the store
     * @param bound           of them BOUND
     * @param lostConfirmed   devices confirmed on an address whose binding is missing, elsewhere, not
     *                        BOUND or expired
     * @param lostTold        devices told an address (confirmed or not) that no longer hold it
     * @param duplicates      addresses told to two devices, devices told two addresses, and the same
     *                        in the store
     * @param problems        one line per finding, saying what is wrong
     */
    record Verdict(int leases, int bound, int lostConfirmed, int lostTold, int duplicates, List<String> problems) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    private final Map<DeviceId, InetAddress> told = new HashMap<>();
    private final Map<InetAddress, DeviceId> holders = new HashMap<>();
    private final Map<DeviceId, InetAddress> confirmed = new HashMap<>();
    private final Set<DeviceId> started = new LinkedHashSet<>();
    private final Set<DeviceId> finished = new HashSet<>();
    private final Map<DeviceId, String> refused = new HashMap<>();
    private final Set<DeviceId> timedOut = new HashSet<>();
    /** Each conflict once, though a device's confirmation repeats what it was told. */
    private final Set<String> conflicts = new LinkedHashSet<>();
    /** Actions by the confirmation count after which the next newly told device runs them. */
    private final TreeMap<Integer, Consumer<Snapshot>> atToldAfterConfirmed = new TreeMap<>();

    /**
     * Runs {@code action} (quickly, under the ledger's lock) when a device is first told its address
     * after {@code n} devices are confirmed. The load client tells its listener before it sends that
     * device's CONFIRM, so an action that kills the server kills it with this device told and its
     * CONFIRM not yet sent: the case a timing-dependent kill may miss.
     */
    synchronized void atToldAfterConfirmed(int n, Consumer<Snapshot> action) {
        if (n < 1) {
            throw new IllegalArgumentException("confirmation count must be positive, got " + n);
        }
        atToldAfterConfirmed.put(n, Objects.requireNonNull(action, "action"));
    }

    synchronized void started(DeviceId device) {
        started.add(device);
    }

    synchronized void told(DeviceId device, InetAddress address) {
        if (record(device, address) && !atToldAfterConfirmed.isEmpty()
                && confirmed.size() >= atToldAfterConfirmed.firstKey()) {
            atToldAfterConfirmed.pollFirstEntry().getValue().accept(snapshot());
        }
    }

    /** Records what {@code device} was told; true if it is the first time it was told anything. */
    private boolean record(DeviceId device, InetAddress address) {
        InetAddress before = told.putIfAbsent(device, address);
        if (before != null && !before.equals(address)) {
            conflicts.add("device " + device + " was told " + address.getHostAddress() + " after "
                    + before.getHostAddress());
        }
        DeviceId holder = holders.putIfAbsent(address, device);
        if (holder != null && !holder.equals(device)) {
            conflicts.add("address " + address.getHostAddress() + " was told to " + device + " while " + holder
                    + " holds it");
        }
        return before == null;
    }

    synchronized void confirmed(DeviceId device, InetAddress address) {
        record(device, address);
        finished.add(device);
        InetAddress before = confirmed.putIfAbsent(device, address);
        if (before != null && !before.equals(address)) {
            conflicts.add("device " + device + " was confirmed on " + address.getHostAddress() + " after "
                    + before.getHostAddress());
        }
    }

    synchronized void refused(DeviceId device, String reason) {
        finished.add(device);
        refused.put(device, reason);
    }

    synchronized void timedOut(DeviceId device) {
        finished.add(device);
        timedOut.add(device);
    }

    synchronized Snapshot snapshot() {
        Set<DeviceId> inFlight = new LinkedHashSet<>(started);
        inFlight.removeAll(finished);
        Set<DeviceId> toldOnly = new LinkedHashSet<>();
        for (DeviceId d : inFlight) {
            if (told.containsKey(d)) {
                toldOnly.add(d);
            }
        }
        return new Snapshot(confirmed.size(), told.size(), Set.copyOf(inFlight), Set.copyOf(toldOnly));
    }

    synchronized Map<DeviceId, InetAddress> told() {
        return Map.copyOf(told);
    }

    synchronized Map<DeviceId, InetAddress> confirmed() {
        return Map.copyOf(confirmed);
    }

    synchronized Map<DeviceId, String> refusals() {
        return Map.copyOf(refused);
    }

    synchronized Set<DeviceId> timedOut() {
        return Set.copyOf(timedOut);
    }

    synchronized List<String> conflicts() {
        return List.copyOf(conflicts);
    }

    /**
     * Checks the store's bindings of the pool against what the devices were told: every confirmed
     * device holds a BOUND, unexpired binding on the address it was told; every told device still
     * holds its address (in any state but RELEASED); no address has two devices and no device two
     * addresses, neither in what the devices were told nor in the store.
     */
    synchronized Verdict verify(List<Lease> stored, Instant now) {
        List<String> problems = new ArrayList<>();
        int duplicates = conflicts.size();
        problems.addAll(conflicts);
        Map<DeviceId, Lease> byDevice = new HashMap<>();
        Map<InetAddress, Lease> byAddress = new HashMap<>();
        int bound = 0;
        for (Lease l : stored) {
            if (l.state() == LeaseState.BOUND) {
                bound++;
            }
            Lease other = byDevice.putIfAbsent(l.device(), l);
            if (other != null) {
                duplicates++;
                problems.add("store: device " + l.device() + " holds " + l.address().getHostAddress() + " and "
                        + other.address().getHostAddress() + " in pool " + l.pool());
            }
            other = byAddress.putIfAbsent(l.address(), l);
            if (other != null) {
                duplicates++;
                problems.add("store: address " + l.address().getHostAddress() + " is held by " + l.device() + " and "
                        + other.device() + " in pool " + l.pool());
            }
        }
        int lostConfirmed = 0;
        for (Map.Entry<DeviceId, InetAddress> e : confirmed.entrySet()) {
            Lease l = byDevice.get(e.getKey());
            if (l == null || !l.address().equals(e.getValue()) || l.state() != LeaseState.BOUND || !l.isActiveAt(now)) {
                lostConfirmed++;
                problems.add("lost confirmed lease: device " + e.getKey() + " was confirmed on "
                        + e.getValue().getHostAddress() + " but the store has " + describe(l, now));
            }
        }
        int lostTold = 0;
        for (Map.Entry<DeviceId, InetAddress> e : told.entrySet()) {
            Lease l = byDevice.get(e.getKey());
            if (l == null || !l.address().equals(e.getValue()) || l.state() == LeaseState.RELEASED) {
                lostTold++;
                problems.add("lost told address: device " + e.getKey() + " was told " + e.getValue().getHostAddress()
                        + " but the store has " + describe(l, now));
            }
        }
        return new Verdict(stored.size(), bound, lostConfirmed, lostTold, duplicates, List.copyOf(problems));
    }

    /**
     * Devices of this ledger that were told an address which {@code again} told differently, or
     * did not tell at all (re-establishing every device this ledger was told about).
     */
    synchronized List<String> differencesFrom(LeaseLedger again) {
        Map<DeviceId, InetAddress> second = again.told();
        List<String> out = new ArrayList<>();
        for (Map.Entry<DeviceId, InetAddress> e : new TreeMap<>(told).entrySet()) {
            InetAddress a = second.get(e.getKey());
            if (a == null) {
                out.add("device " + e.getKey() + " (told " + e.getValue().getHostAddress() + ") was not told any address "
                        + "when it established again");
            } else if (!a.equals(e.getValue())) {
                out.add("device " + e.getKey() + " was told " + e.getValue().getHostAddress() + ", and "
                        + a.getHostAddress() + " when it established again");
            }
        }
        return out;
    }

    private static String describe(Lease l, Instant now) {
        if (l == null) {
            return "no binding";
        }
        return l.address().getHostAddress() + " " + l.state() + " #" + l.sequence()
                + (l.isActiveAt(now) ? "" : " (expired " + l.expiresAt() + ")");
    }
}
