package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.api.config.Transaction;
import net.dtm.config.fake.FakeAdapter;
import net.dtm.config.fake.Samples;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;

/**
 * Two ends on one remote router never change it at the same time (its safety net is device-wide);
 * ends on this machine, or on different routers, do not wait for each other.
 */
class DeviceLanesTest extends OnRig {

    static DeviceTarget router(String host) {
        return new DeviceTarget(FakeAdapter.VENDOR, "", "", host, 22, "dtm", Optional.empty(), Map.of());
    }

    /** dtm0 held pending confirmation on {@code first}; then dtm1 set on {@code second}. */
    private CompletableFuture<Transaction> secondWhileFirstIsHeld(DeviceTarget first, DeviceTarget second) {
        TunnelIntent a = Samples.of(TunnelType.VXLAN, "dtm0");
        rig.device.unreachable(true);
        rig.manager.setIntent("dtm0", a.role(), Rig.DEVICE, first, Optional.of(a), "event");
        rig.device.unreachable(false);
        assertEquals(Transaction.Result.PENDING_CONFIRM, rig.manager.apply("dtm0", "operator admin", true).result());
        TunnelIntent b = Samples.of(TunnelType.GRE, "dtm1");
        b = new TunnelIntent(b.name(), b.role(), b.type(), b.localOuter(), b.remoteOuter(), b.key(),
                ip("10.64.0.9"), b.prefixLength(), b.peerInner(), b.routes(), b.mtu(), b.wireGuard(), 0);
        return rig.manager.setIntent("dtm1", b.role(), "smr-2", second, Optional.of(b), "event");
    }

    static InetAddress ip(String s) {
        return Cidr.parseLiteral(s);
    }

    @Test
    void aSecondEndOnTheSameRouterWaitsUntilTheFirstChangeIsConfirmed() {
        CompletableFuture<Transaction> second = secondWhileFirstIsHeld(router("10.0.0.5"), router("10.0.0.5"));
        assertFalse(second.isDone(), "dtm1 must not change the router while dtm0 waits for its confirmation");
        assertTrue(rig.state("dtm1").isEmpty());
        assertEquals(Transaction.Result.CONFIRMED, rig.manager.confirm("dtm0", "admin").result());
        assertEquals(Transaction.Result.CONFIRMED, second.getNow(null).result(), "applied right after");
        assertTrue(rig.state("dtm1").isPresent());
    }

    @Test
    void endsOnDifferentRoutersOrOnThisMachineDoNotWait() {
        assertEquals(Transaction.Result.CONFIRMED,
                secondWhileFirstIsHeld(router("10.0.0.5"), router("10.0.0.6")).getNow(null).result());
        rig.manager.confirm("dtm0", "admin");
        rig.close();
        rig = new Rig(dir.resolve("local"));
        assertEquals(Transaction.Result.CONFIRMED, secondWhileFirstIsHeld(Rig.TARGET, Rig.TARGET).getNow(null).result());
    }
}
