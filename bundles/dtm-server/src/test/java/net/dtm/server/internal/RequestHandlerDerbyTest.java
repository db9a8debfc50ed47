package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.Cidr;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Confirm;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;
import net.dtm.protocol.Renew;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.pool.PoolManager;
import net.dtm.store.derby.DerbyStore;

/** The contract over the real pool manager and embedded Derby: what a standalone node runs. */
class RequestHandlerDerbyTest extends RequestHandlerContract {

    // One database for the class: creating a Derby database takes seconds, so each test gets
    // fresh pools in the same store instead (deleted again after the test).
    @TempDir
    static Path dir;

    private static DerbyStore store;

    @AfterAll
    static void closeDatabase() {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    @Override
    protected AddressPoolAdminService newPools() {
        if (store == null) {
            store = new DerbyStore(dir.resolve("derby"));
        }
        return new PoolManager(store, "node-a", Clock.systemUTC(), net.dtm.pool.PoolSettings.of(Duration.ofSeconds(30), 0.5), null);
    }

    @Override
    protected AddressPoolAdminService otherNode() {
        return new PoolManager(store, "node-b", Clock.systemUTC(), net.dtm.pool.PoolSettings.of(Duration.ofSeconds(30), 0.5), null);
    }

    @Override
    protected void closeStore() {
        store.deletePool("demo");
        store.deletePool("tiny");
        store.deletePool("v6pd");
    }

    @Test
    void aDelegatedPrefixIsHandedOutAndQuotedByItsInnerAddress() {
        pools.createPool(Pool.of("v6pd", "2001:db8:100::/48", 3600).withDelegatedLength(64)
                .withDevicePatterns(List.of("pd-*")));
        TestDevice pd = enrolled("pd-1");
        Params params = ask(pd, establish(""), Params.class);
        assertEquals("v6pd", params.pool(), "the device group's pool, chosen by the server");
        assertEquals(Cidr.parseLiteral("2001:db8:100:1::1"), params.parameters().innerAddress());
        assertEquals(64, params.parameters().prefixLength());
        assertEquals(Cidr.parseLiteral("2001:db8:100::1"), params.parameters().gateway());
        ask(pd, new Confirm("v6pd", params.parameters().innerAddress(), params.leaseSequence()), Ack.class);
        Lease lease = pools.lease("v6pd", pd.id).orElseThrow();
        assertEquals(LeaseState.BOUND, lease.state());
        assertEquals(Cidr.parseLiteral("2001:db8:100:1::"), lease.address(), "the lease holds the whole /64");
        Params renewed = ask(pd, new Renew("v6pd", params.parameters().innerAddress(), params.leaseSequence()), Params.class);
        assertEquals(params.parameters().innerAddress(), renewed.parameters().innerAddress());

        Nak nak = ask(device, establish("v6pd"), Nak.class);
        assertEquals(Reason.NO_POOL, nak.reason(), "smr-1 is not in the pool's device group");
        assertTrue(nak.text().contains("does not serve device smr-1"), nak.text());
    }

    @Test
    void aDeviceAskingForItsPreviousAddressGetsItWhenFree() {
        InetAddress previous = Cidr.parseLiteral("10.64.0.77");
        Params params = ask(device, new Establish(TunnelType.VXLAN, "", List.of(), Optional.of(previous)), Params.class);
        assertEquals(previous, params.parameters().innerAddress());
        TestDevice other = enrolled("smr-2");
        Params taken = ask(other, new Establish(TunnelType.VXLAN, "demo", List.of(), Optional.of(previous)), Params.class);
        assertNotEquals(previous, taken.parameters().innerAddress(), "held by smr-1: another address");
    }

    @Test
    void devicesSurviveAReopenOfTheStore() {
        Path own = dir.resolve("devices");
        DeviceCredential credential;
        try (DerbyStore first = new DerbyStore(own)) {
            credential = new DeviceManager(first).enroll(DeviceId.of("smr-derby"));
        }
        try (DerbyStore reopened = new DerbyStore(own)) {
            DeviceManager devices = new DeviceManager(reopened);
            assertArrayEquals(credential.key(), devices.key(DeviceId.of("smr-derby")).orElseThrow());
            assertTrue(devices.remove(DeviceId.of("smr-derby")));
            assertEquals(0, devices.devices().size());
        }
    }
}
