package net.dtm.store.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.BindResult.Outcome;

/**
 * The binding part of the {@link LeaseStoreContract}: atomic {@code tryBind} that stores the
 * proposed lease exactly (a device holds at most one binding per pool, an address at most one
 * device, also under concurrent calls), and compare-and-set on the sequence for {@code update}
 * and {@code remove}, reservation flag, device request mark and instance included.
 */
public abstract class BindingContract extends PoolCatalogueContract {

    // ---------------------------------------------------------------- tryBind

    @Test
    void tryBindCreatesLockedBindingWithSequenceOne() {
        v4Pool("p");
        BindResult r = bind("p", dev("d1"), ip("10.64.0.2"), T0, "node-a");
        assertEquals(Outcome.BOUND, r.outcome());
        Lease expected = new Lease("p", dev("d1"), ip("10.64.0.2"), LeaseState.LOCKED, 1, T0, "node-a");
        assertEquals(expected, r.lease());
        assertEquals(Optional.of(expected), store.findByDevice("p", dev("d1")));
        assertEquals(Optional.of(expected), store.findByAddress("p", ip("10.64.0.2")));
    }

    @Test
    void addressHeldByAnotherDeviceIsTaken() {
        v4Pool("p");
        Lease first = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        BindResult r = bind("p", dev("d2"), ip("10.64.0.2"), T0.plusSeconds(5), "n2");
        assertEquals(Outcome.ADDRESS_TAKEN, r.outcome());
        assertEquals(Optional.of(first), store.findByAddress("p", ip("10.64.0.2")));
        assertEquals(Optional.empty(), store.findByDevice("p", dev("d2")), "loser got nothing");
    }

    @Test
    void deviceAlreadyBoundGetsItsExistingBindingBack() {
        v4Pool("p");
        Lease first = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        BindResult r = bind("p", dev("d1"), ip("10.64.0.3"), T0.plusSeconds(5), "n2");
        assertEquals(Outcome.DEVICE_ALREADY_BOUND, r.outcome());
        assertEquals(first, r.lease());
        assertEquals(Optional.empty(), store.findByAddress("p", ip("10.64.0.3")), "second address not taken");
        assertEquals(List.of(first), store.leases("p"));
    }

    @Test
    void sameDeviceSameAddressAgainIsAlreadyBound() {
        v4Pool("p");
        Lease first = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        BindResult r = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1");
        assertEquals(Outcome.DEVICE_ALREADY_BOUND, r.outcome());
        assertEquals(first, r.lease());
    }

    @Test
    void asyncBindAndUpdateAnswerAsTheSynchronousOnes() throws Exception {
        v4Pool("p");
        Lease offer = new Lease("p", dev("d1"), ip("10.64.0.2"), LeaseState.LOCKED, 1, T0, "n1");
        BindResult r = store.tryBindAsync(offer).get(30, TimeUnit.SECONDS);
        assertEquals(Outcome.BOUND, r.outcome());
        assertEquals(offer, r.lease());
        Lease other = new Lease("p", dev("d2"), ip("10.64.0.2"), LeaseState.LOCKED, 1, T0, "n2");
        assertEquals(Outcome.ADDRESS_TAKEN, store.tryBindAsync(other).get(30, TimeUnit.SECONDS).outcome());
        Lease again = new Lease("p", dev("d1"), ip("10.64.0.3"), LeaseState.LOCKED, 1, T0, "n2");
        BindResult mine = store.tryBindAsync(again).get(30, TimeUnit.SECONDS);
        assertEquals(Outcome.DEVICE_ALREADY_BOUND, mine.outcome());
        assertEquals(offer, mine.lease());

        Lease bound = offer.with(LeaseState.BOUND, 2, T0.plusSeconds(3600), "n1");
        assertEquals(Optional.empty(), store.updateAsync(bound.with(LeaseState.BOUND, 3, T0, "n1"), 2)
                .get(30, TimeUnit.SECONDS), "a stale expected sequence changes nothing");
        assertEquals(Optional.empty(), store.updateAsync(new Lease("p", dev("d1"), ip("10.64.0.4"), LeaseState.BOUND, 2,
                T0, "n1"), 1).get(30, TimeUnit.SECONDS), "another address than the stored one changes nothing");
        assertEquals(Optional.empty(), store.updateAsync(new Lease("p", dev("nobody"), ip("10.64.0.5"), LeaseState.BOUND,
                2, T0, "n1"), 1).get(30, TimeUnit.SECONDS), "a device with no binding: nothing is written");
        assertEquals(Optional.of(bound), store.updateAsync(bound, 1).get(30, TimeUnit.SECONDS));
        assertEquals(Optional.of(bound), store.findByDevice("p", dev("d1")), "stored once answered");
        assertTrue(store.findByAddress("p", ip("10.64.0.5")).isEmpty(), "nothing written for the device with none");
    }

    @Test
    void releasedBindingStillOccupiesItsAddress() {
        v4Pool("p");
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        store.update(l.with(LeaseState.RELEASED, 2, T0, "n1"), 1).orElseThrow();
        assertEquals(Outcome.ADDRESS_TAKEN, bind("p", dev("d2"), ip("10.64.0.2"), T0, "n1").outcome());
    }

    @Test
    void sameAddressInTwoPoolsIsFine() {
        v4Pool("p1");
        v4Pool("p2");
        assertEquals(Outcome.BOUND, bind("p1", dev("d1"), ip("10.64.0.2"), T0, "n1").outcome());
        assertEquals(Outcome.BOUND, bind("p2", dev("d2"), ip("10.64.0.2"), T0, "n1").outcome());
        assertEquals(dev("d1"), store.findByAddress("p1", ip("10.64.0.2")).orElseThrow().device());
        assertEquals(dev("d2"), store.findByAddress("p2", ip("10.64.0.2")).orElseThrow().device());
    }

    @Test
    void sameDeviceInTwoPoolsIsFine() {
        v4Pool("p1");
        v4Pool("p2");
        assertEquals(Outcome.BOUND, bind("p1", dev("d1"), ip("10.64.0.2"), T0, "n1").outcome());
        assertEquals(Outcome.BOUND, bind("p2", dev("d1"), ip("10.64.0.3"), T0, "n1").outcome());
        assertEquals(ip("10.64.0.2"), store.findByDevice("p1", dev("d1")).orElseThrow().address());
        assertEquals(ip("10.64.0.3"), store.findByDevice("p2", dev("d1")).orElseThrow().address());
    }

    @Test
    void ipv6BindingsRoundTrip() {
        v6Pool("v6");
        InetAddress a = ip("fd00:64::2");
        InetAddress b = ip("fd00:64::ffff:ffff:ffff:fffe");
        Lease la = bind("v6", dev("d1"), a, T0, "n1").lease();
        Lease lb = bind("v6", dev("d2"), b, T0, "n1").lease();
        assertEquals(Optional.of(la), store.findByAddress("v6", a));
        assertEquals(Optional.of(lb), store.findByDevice("v6", dev("d2")));
        assertEquals(Outcome.ADDRESS_TAKEN, bind("v6", dev("d3"), ip("FD00:64:0:0:0:0:0:2"), T0, "n1").outcome(),
                "another spelling of the same IPv6 address is the same address");
        assertEquals(List.of(la, lb), store.leases("v6"));
    }

    @Test
    void findOnEmptyOrUnknownReturnsEmpty() {
        v4Pool("p");
        assertEquals(Optional.empty(), store.findByDevice("p", dev("d1")));
        assertEquals(Optional.empty(), store.findByAddress("p", ip("10.64.0.2")));
        assertEquals(Optional.empty(), store.findByDevice("nope", dev("d1")));
        assertEquals(List.of(), store.leases("p"));
        assertEquals(List.of(), store.leases("nope"));
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void manyThreadsSameAddressExactlyOneWins() throws Exception {
        v4Pool("p");
        int threads = 16;
        List<BindResult> results = race(threads,
                i -> bind("p", dev("racer-" + i), ip("10.64.0.2"), T0, "n" + i));
        long won = results.stream().filter(r -> r.outcome() == Outcome.BOUND).count();
        long taken = results.stream().filter(r -> r.outcome() == Outcome.ADDRESS_TAKEN).count();
        assertEquals(1, won, "exactly one winner: " + results);
        assertEquals(threads - 1, taken);
        Lease winner = results.stream().filter(r -> r.outcome() == Outcome.BOUND).findFirst().orElseThrow().lease();
        assertEquals(List.of(winner), store.leases("p"));
    }

    @Test
    void manyThreadsSameDeviceExactlyOneWins() throws Exception {
        v4Pool("p");
        int threads = 16;
        // Every racer proposes a different lease (address, state, sequence, expiry, node, reservation).
        List<BindResult> results = race(threads, i -> store.tryBind(new Lease("p", dev("one"), ip("10.64.0." + (i + 2)),
                LeaseState.values()[i % 3], 1 + i, T0.plusSeconds(i), "n" + i, i % 2 == 0)));
        List<BindResult> won = results.stream().filter(r -> r.outcome() == Outcome.BOUND).toList();
        assertEquals(1, won.size(), "exactly one winner: " + results);
        Lease winner = won.get(0).lease();
        int index = Integer.parseInt(winner.nodeId().substring(1));
        assertEquals(new Lease("p", dev("one"), ip("10.64.0." + (index + 2)), LeaseState.values()[index % 3], 1 + index,
                T0.plusSeconds(index), "n" + index, index % 2 == 0), winner, "the winner's proposal is stored exactly");
        for (BindResult r : results) {
            if (r.outcome() != Outcome.BOUND) {
                assertEquals(Outcome.DEVICE_ALREADY_BOUND, r.outcome());
                assertEquals(winner, r.lease(), "losers see the winner's binding");
            }
        }
        assertEquals(List.of(winner), store.leases("p"));
    }

    @Test
    void concurrentDistinctBindsAllSucceedAndNeverShare() throws Exception {
        v4Pool("p");
        int threads = 8;
        int perThread = 25;
        List<List<BindResult>> all = race(threads, t -> {
            List<BindResult> mine = new ArrayList<>();
            for (int k = 0; k < perThread; k++) {
                // Every thread walks the same addresses: each address goes to exactly one device.
                mine.add(bind("p", dev("t" + t + "-" + k), ip("10.64.1." + k), T0, "n" + t));
            }
            return mine;
        });
        long bound = all.stream().flatMap(List::stream).filter(r -> r.outcome() == Outcome.BOUND).count();
        assertEquals(perThread, bound);
        List<Lease> leases = store.leases("p");
        assertEquals(perThread, leases.size());
        assertEquals(perThread, leases.stream().map(Lease::address).distinct().count());
    }

    // ---------------------------------------------------------------- update / remove (CAS)

    @Test
    void updateWithCurrentSequenceReplacesBinding() {
        v4Pool("p");
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        Lease bound = l.with(LeaseState.BOUND, 2, T0.plusSeconds(3600), "n2");
        assertEquals(Optional.of(bound), store.update(bound, 1));
        assertEquals(Optional.of(bound), store.findByDevice("p", dev("d1")));
        assertEquals(Optional.of(bound), store.findByAddress("p", ip("10.64.0.2")));
        Lease released = bound.with(LeaseState.RELEASED, 7, T0.plusSeconds(10), "n1");
        assertEquals(Optional.of(released), store.update(released, 2), "sequence may jump");
        assertEquals(Optional.of(released), store.findByDevice("p", dev("d1")));
    }

    @Test
    void deviceMarkAndInstanceRoundTrip() {
        v4Pool("p");
        long mark = 1_764_000_000_123_456L; // a device's wall-clock microseconds
        Lease proposed = new Lease("p", dev("d1"), ip("10.64.0.2"), LeaseState.LOCKED, 1, T0, "n1", false, mark, 1);
        BindResult r = store.tryBind(proposed);
        assertEquals(Outcome.BOUND, r.outcome());
        assertEquals(Optional.of(proposed), store.findByDevice("p", dev("d1")), "tryBind stores mark and instance");
        Lease renewed = proposed.with(LeaseState.BOUND, 2, T0.plusSeconds(60), "n2").withDeviceSequence(mark + 5);
        assertEquals(Optional.of(renewed), store.update(renewed, 1));
        Lease released = renewed.with(LeaseState.RELEASED, 3, T0.plusSeconds(61), "n2").withDeviceSequence(mark + 6);
        store.update(released, 2).orElseThrow();
        Lease again = released.with(LeaseState.LOCKED, 4, T0.plusSeconds(90), "n1").withDeviceSequence(Long.MAX_VALUE)
                .asNewInstance();
        assertEquals(Optional.of(again), store.update(again, 3));
        assertEquals(Optional.of(again), store.findByDevice("p", dev("d1")), "update stores mark and a new instance");
        assertEquals(Optional.of(again), store.findByAddress("p", ip("10.64.0.2")));
        assertEquals(List.of(again), store.leases("p"));
        assertEquals(Long.MAX_VALUE, store.findByDevice("p", dev("d1")).orElseThrow().deviceSequence());
        assertEquals(4, store.findByDevice("p", dev("d1")).orElseThrow().instance());
    }

    @Test
    void updateWithStaleSequenceIsRefusedAndChangesNothing() {
        v4Pool("p");
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        Lease v2 = store.update(l.with(LeaseState.BOUND, 2, T0.plusSeconds(60), "n1"), 1).orElseThrow();
        assertEquals(Optional.empty(), store.update(l.with(LeaseState.RELEASED, 3, T0, "late"), 1));
        assertEquals(Optional.empty(), store.update(l.with(LeaseState.RELEASED, 9, T0, "future"), 5));
        assertEquals(Optional.of(v2), store.findByDevice("p", dev("d1")));
    }

    @Test
    void updateOfMissingBindingReturnsEmpty() {
        v4Pool("p");
        Lease ghost = new Lease("p", dev("ghost"), ip("10.64.0.9"), LeaseState.BOUND, 2, T0, "n1");
        assertEquals(Optional.empty(), store.update(ghost, 1));
        assertEquals(List.of(), store.leases("p"), "update never creates a binding");
    }

    @Test
    void updateCannotMoveBindingToAnotherAddress() {
        v4Pool("p");
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        Lease moved = new Lease("p", dev("d1"), ip("10.64.0.3"), LeaseState.BOUND, 2, T0, "n1");
        try {
            Optional<Lease> r = store.update(moved, 1);
            assertEquals(Optional.empty(), r, "a move must be refused");
        } catch (IllegalArgumentException expected) {
            // refusing loudly is fine too
        }
        assertEquals(Optional.of(l), store.findByDevice("p", dev("d1")));
        assertEquals(Optional.empty(), store.findByAddress("p", ip("10.64.0.3")));
    }

    @Test
    void updateWithoutHigherSequenceIsRefused() {
        v4Pool("p");
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        try {
            assertEquals(Optional.empty(), store.update(l.with(LeaseState.BOUND, 1, T0, "n1"), 1));
        } catch (IllegalArgumentException expected) {
            // refusing loudly is fine too
        }
        assertEquals(Optional.of(l), store.findByDevice("p", dev("d1")));
    }

    @Test
    void concurrentUpdatesWithSameExpectedSequenceExactlyOneWins() throws Exception {
        v4Pool("p");
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        int threads = 12;
        List<Optional<Lease>> results = race(threads,
                i -> store.update(l.with(LeaseState.BOUND, 2, T0.plusSeconds(i), "n" + i), 1));
        List<Lease> won = results.stream().flatMap(Optional::stream).toList();
        assertEquals(1, won.size(), "exactly one compare-and-set wins: " + results);
        assertEquals(Optional.of(won.get(0)), store.findByDevice("p", dev("d1")));
    }

    @Test
    void removeWithCurrentSequenceFreesTheAddress() {
        v4Pool("p");
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        store.update(l.with(LeaseState.RELEASED, 2, T0, "n1"), 1).orElseThrow();
        assertTrue(store.remove("p", dev("d1"), 2));
        assertEquals(Optional.empty(), store.findByDevice("p", dev("d1")));
        assertEquals(Optional.empty(), store.findByAddress("p", ip("10.64.0.2")));
        assertEquals(Outcome.BOUND, bind("p", dev("d2"), ip("10.64.0.2"), T0, "n1").outcome());
        assertEquals(Outcome.BOUND, bind("p", dev("d1"), ip("10.64.0.3"), T0, "n1").outcome(),
                "the device may bind again");
    }

    @Test
    void removeWithStaleSequenceIsRefusedAndChangesNothing() {
        v4Pool("p");
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        Lease v2 = store.update(l.with(LeaseState.BOUND, 2, T0, "n1"), 1).orElseThrow();
        assertFalse(store.remove("p", dev("d1"), 1));
        assertFalse(store.remove("p", dev("d1"), 3));
        assertEquals(Optional.of(v2), store.findByDevice("p", dev("d1")));
        assertEquals(Outcome.ADDRESS_TAKEN, bind("p", dev("d2"), ip("10.64.0.2"), T0, "n1").outcome());
    }

    @Test
    void removeOfMissingBindingReturnsFalse() {
        v4Pool("p");
        assertFalse(store.remove("p", dev("d1"), 1));
        assertFalse(store.remove("nope", dev("d1"), 1));
    }

    // ---------------------------------------------------------------- tryBind of a proposed lease (SPI 2.0)

    @Test
    void tryBindStoresTheProposedLeaseExactly() {
        store.createPool(pdPool("pd"));
        v4Pool("p");
        List<Lease> proposals = List.of(
                new Lease("pd", dev("car-1"), ip("2001:db8:0:7::"), LeaseState.BOUND, 42, T0.plusSeconds(86400), "node-b", true),
                new Lease("pd", dev("car-2"), ip("2001:db8:0:ffff::"), LeaseState.RELEASED, 9, T0.minusSeconds(5), "node-c", false),
                new Lease("p", dev("d1"), ip("10.64.0.2"), LeaseState.LOCKED, 1, T0, "node-a", true),
                new Lease("p", dev("d2"), ip("10.64.255.254"), LeaseState.BOUND, Long.MAX_VALUE - 1, T0.plusMillis(1), "n", false));
        for (Lease proposed : proposals) {
            BindResult r = store.tryBind(proposed);
            assertEquals(Outcome.BOUND, r.outcome(), proposed.toString());
            assertEquals(proposed, r.lease());
            assertEquals(Optional.of(proposed), store.findByDevice(proposed.pool(), proposed.device()));
            assertEquals(Optional.of(proposed), store.findByAddress(proposed.pool(), proposed.address()));
        }
        assertEquals(List.of(proposals.get(0), proposals.get(1)), store.leases("pd"));
        assertEquals(List.of(proposals.get(2), proposals.get(3)), store.leases("p"));
    }

    @Test
    void tryBindOfReservedOrBoundProposalStillObeysUniqueness() {
        v4Pool("p");
        Lease first = store.tryBind(new Lease("p", dev("d1"), ip("10.64.0.2"), LeaseState.BOUND, 3, T0, "n1", true)).lease();
        BindResult taken = store.tryBind(new Lease("p", dev("d2"), ip("10.64.0.2"), LeaseState.BOUND, 1, T0, "n2", true));
        assertEquals(Outcome.ADDRESS_TAKEN, taken.outcome());
        BindResult again = store.tryBind(new Lease("p", dev("d1"), ip("10.64.0.3"), LeaseState.LOCKED, 1, T0, "n2", false));
        assertEquals(Outcome.DEVICE_ALREADY_BOUND, again.outcome());
        assertEquals(first, again.lease(), "the existing binding comes back exactly, reservation included");
        assertEquals(List.of(first), store.leases("p"));
    }

    @Test
    void tryBindInUnknownPoolIsRefusedAndStoresNothing() {
        assertThrows(IllegalArgumentException.class, () -> bind("nope", dev("d1"), ip("10.64.0.2"), T0, "n1"));
        assertEquals(List.of(), store.leases("nope"));
        assertEquals(Optional.empty(), store.findByDevice("nope", dev("d1")));
        v4Pool("nope");
        assertEquals(Outcome.BOUND, bind("nope", dev("d1"), ip("10.64.0.2"), T0, "n1").outcome());
    }

    @Test
    void updateSetsAndClearsTheReservation() {
        v4Pool("p");
        Lease l = bind("p", dev("d1"), ip("10.64.0.2"), T0, "n1").lease();
        Lease reserved = l.withReserved(true, "operator");
        assertEquals(Optional.of(reserved), store.update(reserved, l.sequence()));
        assertEquals(Optional.of(reserved), store.findByDevice("p", dev("d1")));
        assertTrue(store.findByAddress("p", ip("10.64.0.2")).orElseThrow().reserved());
        Lease releasedButReserved = reserved.with(LeaseState.RELEASED, reserved.sequence() + 1, T0, "n2");
        assertEquals(Optional.of(releasedButReserved), store.update(releasedButReserved, reserved.sequence()));
        assertTrue(store.findByDevice("p", dev("d1")).orElseThrow().reserved(), "with() keeps the reservation");
        Lease cleared = releasedButReserved.withReserved(false, "operator");
        assertEquals(Optional.of(cleared), store.update(cleared, releasedButReserved.sequence()));
        assertEquals(Optional.of(cleared), store.findByDevice("p", dev("d1")));
        assertFalse(store.leases("p").get(0).reserved());
    }
}
