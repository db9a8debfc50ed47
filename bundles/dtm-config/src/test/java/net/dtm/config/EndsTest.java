package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseEvent;
import net.dtm.api.LeaseState;
import net.dtm.api.OuterPath;
import net.dtm.api.Pool;
import net.dtm.api.TunnelEvent;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelPeer;
import net.dtm.api.TunnelType;
import net.dtm.api.config.Transaction;
import net.dtm.config.ends.CoreEnds;
import net.dtm.config.fake.FakeDevice;
import net.dtm.config.ends.RouterEnd;
import net.dtm.config.ends.TunnelHealth;
import net.dtm.config.intent.DeviceIntents;
import net.dtm.config.intent.GatewayIntents;
import net.dtm.spi.config.TunnelIntent;

/** The router's end from tunnel events, the core ends from lease events, and the tunnel health check. */
class EndsTest extends OnRig {

    static InetAddress ip(String s) {
        return Cidr.parseLiteral(s);
    }

    static final DeviceId DEVICE = DeviceId.of("smr-1");
    static final TunnelParameters PARAMS = new TunnelParameters(ip("10.64.0.5"), 16, ip("10.64.0.1"),
            new InetSocketAddress(ip("198.51.100.1"), 4789), TunnelType.VXLAN, 1400, 10, 3600, "node-a", 100, "");
    static final OuterPath LTE = new OuterPath("lte", new InetSocketAddress(ip("192.0.2.10"), 40000));
    static final OuterPath FIVE_G = new OuterPath("5g", new InetSocketAddress(ip("192.0.2.20"), 40001));

    static TunnelEvent event(TunnelEvent.Type type, TunnelParameters p, OuterPath path) {
        return new TunnelEvent(type, DEVICE, Optional.ofNullable(p), Optional.empty(), Optional.ofNullable(path),
                Instant.EPOCH);
    }

    @Test
    void theRouterEndIsBuiltFromTheEstablishedTunnelAndFollowsItsPath() {
        RouterEnd end = new RouterEnd(new DeviceIntents("dtm0", List.of(Cidr.parse("10.0.0.0/8")), Path.of("wg.key")),
                rig.manager, Rig.TARGET);
        end.tunnelChanged(event(TunnelEvent.Type.ESTABLISHED, PARAMS, LTE));
        TunnelIntent built = rig.state("dtm0").orElseThrow();
        assertEquals(ip("192.0.2.10"), built.localOuter());
        assertEquals(100, built.key());
        assertEquals(ip("10.64.0.5"), built.innerAddress());
        assertEquals(List.of(Cidr.parse("10.0.0.0/8")), built.routes());
        Transaction first = rig.manager.history("dtm0").get(0);
        assertEquals(Transaction.Result.CONFIRMED, first.result());
        assertEquals("tunnel established (server node-a) over lte", first.trigger());

        end.tunnelChanged(event(TunnelEvent.Type.PATH_MOVED, PARAMS, FIVE_G));
        assertEquals(ip("192.0.2.20"), rig.state("dtm0").orElseThrow().localOuter());
        assertEquals(ip("10.64.0.5"), rig.state("dtm0").orElseThrow().innerAddress(), "the inner address stays");
        assertEquals("tunnel path moved over 5g", rig.manager.history("dtm0").get(0).trigger());

        int batches = rig.device.batches().size();
        end.tunnelChanged(event(TunnelEvent.Type.RELEASED, null, FIVE_G));
        end.tunnelChanged(event(TunnelEvent.Type.LOST, null, FIVE_G));
        end.tunnelChanged(event(TunnelEvent.Type.ESTABLISHED, PARAMS, FIVE_G));
        assertEquals(batches, rig.device.batches().size(),
                "released, lost and the same tunnel again push nothing: " + rig.device.batches());
        assertTrue(rig.state("dtm0").isPresent(), "the tunnel stays until a new one replaces it");
    }

    @Test
    void aRouterEndFromAV1ServerIsRefusedAndThePreviousTunnelStays() {
        RouterEnd end = new RouterEnd(new DeviceIntents("dtm0", List.of(), Path.of("wg.key")), rig.manager, Rig.TARGET);
        end.tunnelChanged(event(TunnelEvent.Type.ESTABLISHED, PARAMS, LTE));
        TunnelParameters v1 = new TunnelParameters(ip("10.64.0.5"), 16, ip("10.64.0.1"),
                new InetSocketAddress(ip("198.51.100.9"), 4789), TunnelType.VXLAN, 1400, 10, 3600, "node-old");
        end.tunnelChanged(event(TunnelEvent.Type.PARAMETERS_CHANGED, v1, LTE));
        Transaction refused = rig.manager.history("dtm0").get(0);
        assertEquals(Transaction.Result.REFUSED, refused.result());
        assertTrue(refused.detail().contains("VXLAN network identifier 0"),
                refused.detail());
        assertEquals(ip("198.51.100.1"), rig.state("dtm0").orElseThrow().remoteOuter().getAddress());
    }

    /** Retries the router end would run later: run by hand. */
    final List<Runnable> later = new ArrayList<>();

    RouterEnd routerEnd() {
        return new RouterEnd(new DeviceIntents("dtm0", List.of(), Path.of("wg.key")), rig.manager, Rig.TARGET, later::add);
    }

    static TunnelParameters endpoint(String address) {
        return new TunnelParameters(ip("10.64.0.5"), 16, ip("10.64.0.1"), new InetSocketAddress(ip(address), 4789),
                TunnelType.VXLAN, 1400, 10, 3600, "node-a", 100, "");
    }

    @Test
    void parametersThatFailedAreNotTriedAgainAndTheWorkingTunnelFollowsTheLinks() {
        RouterEnd end = routerEnd();
        end.tunnelChanged(event(TunnelEvent.Type.ESTABLISHED, PARAMS, LTE));
        assertEquals(Transaction.Result.CONFIRMED, rig.manager.history("dtm0").get(0).result());

        // the server hands out an endpoint nothing answers on: verify fails, rolled back
        TunnelParameters bad = endpoint("198.51.100.99");
        rig.device.probeAnswers(false);
        end.tunnelChanged(event(TunnelEvent.Type.PARAMETERS_CHANGED, bad, LTE));
        rig.advance(Duration.ofSeconds(20));
        assertEquals(Transaction.Result.ROLLED_BACK, rig.manager.history("dtm0").get(0).result());
        assertEquals(ip("198.51.100.1"), rig.state("dtm0").orElseThrow().remoteOuter().getAddress());
        rig.device.probeAnswers(true);

        // the carrying link dies; the agent still holds the bad parameters: the working tunnel moves
        end.tunnelChanged(event(TunnelEvent.Type.PATH_MOVED, bad, FIVE_G));
        TunnelIntent now = rig.state("dtm0").orElseThrow();
        assertEquals(ip("198.51.100.1"), now.remoteOuter().getAddress(), "not the refused endpoint again");
        assertEquals(ip("192.0.2.20"), now.localOuter(), "on the agent's new link");
        assertEquals(Transaction.Result.CONFIRMED, rig.manager.history("dtm0").get(0).result());

        // new, different parameters are tried normally
        TunnelParameters good = endpoint("198.51.100.2");
        end.tunnelChanged(event(TunnelEvent.Type.PARAMETERS_CHANGED, good, FIVE_G));
        assertEquals(ip("198.51.100.2"), rig.state("dtm0").orElseThrow().remoteOuter().getAddress());
    }

    @Test
    void aRefusedParameterChangeAfterTheLinkMovedBringsTheWorkingTunnelToTheNewLink() {
        RouterEnd end = routerEnd();
        end.tunnelChanged(event(TunnelEvent.Type.ESTABLISHED, PARAMS, LTE));
        // new parameters arrive together with a move to 5g, and are refused at validation (MTU too small)
        TunnelParameters tiny = new TunnelParameters(ip("10.64.0.5"), 16, ip("10.64.0.1"),
                new InetSocketAddress(ip("198.51.100.1"), 4789), TunnelType.VXLAN, 576, 10, 3600, "node-a", 0, "");
        end.tunnelChanged(event(TunnelEvent.Type.PARAMETERS_CHANGED, tiny, FIVE_G));
        assertEquals(Transaction.Result.REFUSED, rig.manager.history("dtm0").get(0).result());
        assertEquals(1, later.size(), "the working tunnel is brought to the agent's link");
        later.remove(0).run();
        assertEquals(ip("192.0.2.20"), rig.state("dtm0").orElseThrow().localOuter());
        assertEquals(100, rig.state("dtm0").orElseThrow().key());
    }

    @Test
    void aMoveThatDidNotVerifyIsTriedAgainUntilTheRouterIsOnTheAgentsLink() {
        RouterEnd end = routerEnd();
        end.tunnelChanged(event(TunnelEvent.Type.ESTABLISHED, PARAMS, LTE));
        rig.device.probeAnswers(false);
        end.tunnelChanged(event(TunnelEvent.Type.PATH_MOVED, PARAMS, FIVE_G));
        rig.advance(Duration.ofSeconds(20));
        assertEquals(Transaction.Result.ROLLED_BACK, rig.manager.history("dtm0").get(0).result());
        assertEquals(ip("192.0.2.10"), rig.state("dtm0").orElseThrow().localOuter(), "rolled back to lte");
        assertEquals(1, later.size());
        rig.device.probeAnswers(true);
        later.remove(0).run();
        assertEquals(ip("192.0.2.20"), rig.state("dtm0").orElseThrow().localOuter(), "now on the agent's link");
        assertTrue(later.isEmpty());

        // a retry overtaken by a newer event does nothing
        rig.device.probeAnswers(false);
        end.tunnelChanged(event(TunnelEvent.Type.PATH_MOVED, PARAMS, LTE));
        rig.advance(Duration.ofSeconds(20));
        assertEquals(1, later.size());
        rig.device.probeAnswers(true);
        end.tunnelChanged(event(TunnelEvent.Type.PATH_MOVED, PARAMS, FIVE_G));
        int entries = rig.manager.history("dtm0").size();
        later.remove(0).run();
        assertEquals(entries, rig.manager.history("dtm0").size());
    }

    @Test
    void aMoveWhileTheAdapterIsGoneIsNotRetriedInALoopButAppliedWhenAnAdapterComes() {
        RouterEnd end = routerEnd();
        end.tunnelChanged(event(TunnelEvent.Type.ESTABLISHED, PARAMS, LTE));
        rig.manager.removeAdapter(rig.adapter);
        end.tunnelChanged(event(TunnelEvent.Type.PATH_MOVED, PARAMS, FIVE_G));
        assertEquals("no-adapter", rig.manager.show("dtm0").orElseThrow().state());
        assertTrue(later.isEmpty(), "no retry loop: the manager applies the end when an adapter comes");
        assertEquals(ip("192.0.2.10"), rig.state("dtm0").orElseThrow().localOuter(), "the device is as it was");

        rig.manager.addAdapter(rig.adapter, rig.adapter.properties());
        assertEquals(ip("192.0.2.20"), rig.state("dtm0").orElseThrow().localOuter(), "moved once an adapter is back");
        assertTrue(later.isEmpty());
    }

    @Test
    void withProbingOffTheHealthCheckHasNothingToJudge() throws Exception {
        try (Rig quiet = new Rig(dir.resolve("quiet"), ConfigSettings.defaults(dir.resolve("quiet")).withProbe(false),
                new FakeDevice(), Runnable::run, true)) {
            RouterEnd end = new RouterEnd(new DeviceIntents("dtm0", List.of(), Path.of("wg.key")), quiet.manager, Rig.TARGET);
            end.tunnelChanged(event(TunnelEvent.Type.ESTABLISHED, PARAMS, LTE));
            assertEquals(Transaction.Result.CONFIRMED, quiet.manager.history("dtm0").get(0).result());
            quiet.device.probeAnswers(false);
            assertEquals(Optional.empty(), quiet.manager.probe("dtm0", Duration.ofSeconds(1)),
                    "a device that does not answer probes is not judged by them (no re-homing)");
        }
    }

    // ---- core ends -----------------------------------------------------------------------------

    final Pool pool = Pool.of("demo", "10.64.0.0/16", 3600);
    final Map<DeviceId, Lease> store = new HashMap<>();
    final GatewayIntents gateway = new GatewayIntents("dtmg", new InetSocketAddress(ip("198.51.100.1"), 4789), 1400);

    CoreEnds coreEnds(Duration orphan) {
        return new CoreEnds(gateway, rig.manager, Rig.TARGET, name -> name.equals("demo") ? Optional.of(pool) : Optional.empty(),
                (p, d) -> Optional.ofNullable(store.get(d)), rig.clock, orphan);
    }

    LeaseEvent leaseEvent(LeaseEvent.Type type, Lease lease, OuterPath path) {
        Optional<TunnelPeer> peer = path == null ? Optional.empty() : Optional.of(new TunnelPeer(TunnelType.VXLAN,
                path.localAddress(), 100, lease.address(), Cidr.parse(lease.address().getHostAddress() + "/32"), Optional.empty()));
        return new LeaseEvent(type, lease, peer, Instant.EPOCH);
    }

    Lease lease(Instant expires) {
        Lease l = new Lease("demo", DEVICE, ip("10.64.0.5"), LeaseState.BOUND, 2, expires, "node-a");
        store.put(DEVICE, l);
        return l;
    }

    @Test
    void aCoreEndIsBuiltOnBoundFollowsTheDeviceAndGoesOnRelease() {
        CoreEnds ends = coreEnds(Duration.ofHours(1));
        Lease l = lease(rig.clock.instant().plusSeconds(3600));
        ends.leaseChanged(leaseEvent(LeaseEvent.Type.BOUND, l, LTE));
        TunnelIntent core = rig.device.state("dtmg0a400005", TunnelIntent.Role.GATEWAY).orElseThrow();
        assertEquals(ip("192.0.2.10"), core.remoteOuter().getAddress());
        assertEquals(pool.gateway(), core.innerAddress());
        assertEquals("lease bound (device smr-1)", rig.manager.history("dtmg0a400005").get(0).trigger());

        ends.leaseChanged(leaseEvent(LeaseEvent.Type.PATH_CHANGED, l, FIVE_G));
        assertEquals(ip("192.0.2.20"), rig.device.state("dtmg0a400005", TunnelIntent.Role.GATEWAY).orElseThrow()
                .remoteOuter().getAddress());

        ends.leaseChanged(leaseEvent(LeaseEvent.Type.RELEASED, l, null));
        assertTrue(rig.device.state("dtmg0a400005", TunnelIntent.Role.GATEWAY).isEmpty());
        assertTrue(ends.served().isEmpty());
    }

    @Test
    void movedAwayExpiredAndReclaimedRemoveTheCoreEndAndAnUnknownPoolChangesNothing() {
        for (LeaseEvent.Type removal : List.of(LeaseEvent.Type.MOVED_AWAY, LeaseEvent.Type.EXPIRED, LeaseEvent.Type.RECLAIMED)) {
            CoreEnds ends = coreEnds(Duration.ofHours(1));
            Lease l = lease(rig.clock.instant().plusSeconds(3600));
            ends.leaseChanged(leaseEvent(LeaseEvent.Type.BOUND, l, LTE));
            assertTrue(rig.device.state("dtmg0a400005", TunnelIntent.Role.GATEWAY).isPresent(), removal.name());
            ends.leaseChanged(leaseEvent(removal, l, null));
            assertTrue(rig.device.state("dtmg0a400005", TunnelIntent.Role.GATEWAY).isEmpty(), removal.name());
        }
        CoreEnds ends = coreEnds(Duration.ofHours(1));
        Lease elsewhere = new Lease("gone", DEVICE, ip("10.64.0.5"), LeaseState.BOUND, 2, Instant.MAX, "node-a");
        ends.leaseChanged(leaseEvent(LeaseEvent.Type.BOUND, elsewhere, LTE));
        assertTrue(rig.device.names().stream().noneMatch(n -> n.startsWith("dtmg")));
    }

    @Test
    void theSweepRemovesCoreEndsWhoseLeaseEndedAndOrphansLeftFromBeforeARestart() {
        CoreEnds ends = coreEnds(Duration.ofMinutes(10));
        Lease l = lease(rig.clock.instant().plusSeconds(60));
        ends.leaseChanged(leaseEvent(LeaseEvent.Type.BOUND, l, LTE));
        assertEquals(0, ends.sweep(), "lease active");
        rig.clock.advance(Duration.ofSeconds(61));
        assertEquals(1, ends.sweep(), "expiry missed by events: the sweep catches it");
        assertTrue(rig.device.state("dtmg0a400005", TunnelIntent.Role.GATEWAY).isEmpty());

        // a core end known to the manager but not claimed since this start (e.g. from before a restart)
        TunnelIntent stray = gateway.intent(new TunnelPeer(TunnelType.VXLAN, LTE.localAddress(), 200, ip("10.64.0.9"),
                Cidr.parse("10.64.0.9/32"), Optional.empty()), pool);
        rig.manager.setIntent(stray.name(), TunnelIntent.Role.GATEWAY, "smr-9", Rig.TARGET, Optional.of(stray), "test");
        CoreEnds restarted = coreEnds(Duration.ofMinutes(10));
        assertEquals(0, restarted.sweep(), "within the orphan time its device may still renew");
        rig.clock.advance(Duration.ofMinutes(11));
        assertEquals(1, restarted.sweep());
        assertTrue(rig.device.state(stray.name(), TunnelIntent.Role.GATEWAY).isEmpty());
    }

    @Test
    void aStoreThatCannotBeReadKeepsTheCoreEnd() {
        CoreEnds ends = new CoreEnds(gateway, rig.manager, Rig.TARGET, name -> Optional.of(pool), (p, d) -> {
            throw new net.dtm.api.DtmException(net.dtm.api.DtmException.Reason.STORE_UNAVAILABLE, "quorum lost");
        }, rig.clock, Duration.ofHours(1));
        Lease l = lease(rig.clock.instant().plusSeconds(60));
        ends.leaseChanged(leaseEvent(LeaseEvent.Type.BOUND, l, LTE));
        rig.clock.advance(Duration.ofSeconds(120));
        assertEquals(0, ends.sweep());
        assertTrue(rig.device.state("dtmg0a400005", TunnelIntent.Role.GATEWAY).isPresent());
    }

    @Test
    void anAddressThatWentToAnotherDeviceKeepsItsCoreEndAgainstTheOldDevicesLateEvents() {
        CoreEnds ends = coreEnds(Duration.ofHours(1));
        Lease x = lease(rig.clock.instant().plusSeconds(3600));
        ends.leaseChanged(leaseEvent(LeaseEvent.Type.BOUND, x, LTE));
        // x's release was missed here; the address went to y after the quarantine
        store.remove(DEVICE);
        DeviceId yId = DeviceId.of("smr-2");
        Lease y = new Lease("demo", yId, ip("10.64.0.5"), LeaseState.BOUND, 9, rig.clock.instant().plusSeconds(3600), "node-a");
        store.put(yId, y);
        ends.leaseChanged(leaseEvent(LeaseEvent.Type.BOUND, y, FIVE_G));
        assertEquals(ip("192.0.2.20"), rig.device.state("dtmg0a400005", TunnelIntent.Role.GATEWAY).orElseThrow()
                .remoteOuter().getAddress(), "the old owner's lease is gone: the new device takes the end");
        // x's late EXPIRED must not take y's tunnel down
        ends.leaseChanged(leaseEvent(LeaseEvent.Type.EXPIRED, x, null));
        assertTrue(rig.device.state("dtmg0a400005", TunnelIntent.Role.GATEWAY).isPresent());
        assertEquals("smr-2", rig.manager.ends().stream().filter(v -> v.end().equals("dtmg0a400005")).findFirst()
                .orElseThrow().device());
    }

    @Test
    void aNameClashWithALiveDeviceIsRefusedNotOverwritten() {
        CoreEnds ends = coreEnds(Duration.ofHours(1));
        Lease x = lease(rig.clock.instant().plusSeconds(3600));
        ends.leaseChanged(leaseEvent(LeaseEvent.Type.BOUND, x, LTE));
        Lease y = new Lease("demo", DeviceId.of("smr-2"), ip("10.64.0.5"), LeaseState.BOUND, 9,
                rig.clock.instant().plusSeconds(3600), "node-a");
        ends.leaseChanged(leaseEvent(LeaseEvent.Type.BOUND, y, FIVE_G));
        assertEquals(ip("192.0.2.10"), rig.device.state("dtmg0a400005", TunnelIntent.Role.GATEWAY).orElseThrow()
                .remoteOuter().getAddress(), "the live owner keeps its end");
    }

    @Test
    void aWireGuardDeviceGetsNoCoreEndFromDtm() {
        CoreEnds ends = coreEnds(Duration.ofHours(1));
        Lease l = lease(rig.clock.instant().plusSeconds(3600));
        ends.leaseChanged(new LeaseEvent(LeaseEvent.Type.BOUND, l, Optional.of(new TunnelPeer(TunnelType.WIREGUARD,
                LTE.localAddress(), 0, l.address(), Cidr.parse("10.64.0.5/32"),
                Optional.of("yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="))), Instant.EPOCH));
        assertTrue(rig.device.names().stream().noneMatch(n -> n.startsWith("dtmg")));
        assertTrue(ends.served().isEmpty());
    }

    // ---- health ----------------------------------------------------------------------------------

    @Test
    void threeUnansweredProbesInARowReHomeOnceWithinTheHoldOff() {
        List<Optional<Boolean>> answers = new ArrayList<>(List.of(Optional.of(false), Optional.of(true),
                Optional.of(false), Optional.empty(), Optional.of(false), Optional.of(false),
                Optional.of(false), Optional.of(false), Optional.of(false)));
        AtomicInteger rehomes = new AtomicInteger();
        TunnelHealth h = new TunnelHealth("dtm0", t -> answers.remove(0), rehomes::incrementAndGet, rig.clock, 3,
                Duration.ofSeconds(60));
        List<Boolean> out = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            out.add(h.check(Duration.ofSeconds(1)));
        }
        // miss, answer (reset), miss, nothing to judge (not counted), miss, miss -> third miss in a row
        assertEquals(List.of(false, false, false, false, false, true), out);
        assertEquals(1, rehomes.get());
        // three more misses within the hold-off: no second re-home
        assertFalse(h.check(Duration.ofSeconds(1)) || h.check(Duration.ofSeconds(1)) || h.check(Duration.ofSeconds(1)));
        assertEquals(1, rehomes.get());
    }

    @Test
    void theHealthCheckProbesThroughTheManager() {
        RouterEnd end = new RouterEnd(new DeviceIntents("dtm0", List.of(), Path.of("wg.key")), rig.manager, Rig.TARGET);
        assertEquals(Optional.empty(), rig.manager.probe("dtm0", Duration.ofSeconds(1)), "no tunnel yet: nothing to judge");
        end.tunnelChanged(event(TunnelEvent.Type.ESTABLISHED, PARAMS, LTE));
        assertEquals(Optional.of(true), rig.manager.probe("dtm0", Duration.ofSeconds(1)));
        rig.device.probeAnswers(false);
        assertEquals(Optional.of(false), rig.manager.probe("dtm0", Duration.ofSeconds(1)));
    }
}
