package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Params;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.Transactions;
import net.dtm.spi.store.StoreUnavailableException;
import net.dtm.api.fakes.SettableClock;

/** The request path over the device registry: removed, disabled and re-keyed devices. */
class RevocationRequestTest {

    private static final InetSocketAddress SOURCE = new InetSocketAddress("127.0.0.1", 40000);
    private static final Establish ESTABLISH = new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty());

    private final SettableClock clock = new SettableClock(Instant.parse("2030-03-01T12:00:00Z"));
    private final FakeDeviceStore store = new FakeDeviceStore();
    private final DeviceManager devices = new DeviceManager(store, clock);
    private final Counters counters = new Counters();
    private final TestDevice device = new TestDevice("smr-1");
    private RequestHandler handler;

    @BeforeEach
    void setUp() {
        FakePools pools = new FakePools(clock);
        pools.createPool(Pool.of("demo", "10.64.0.0/24", 3600));
        ServerSettings settings = new ServerSettings("node-a", new InetSocketAddress("127.0.0.1", 47800),
                new InetSocketAddress("192.0.2.1", 4789), TunnelType.VXLAN, 1400, 10, "demo", List.of());
        handler = RequestHandler.withDevices(settings, devices, pools, clock, counters, Duration.ofSeconds(60), 1000, null);
        devices.enroll(device.id, device.key);
    }

    /** An ESTABLISH of the device under {@code key}; its answer, opened with the same key, or empty. */
    private Optional<Envelope> establishWith(byte[] key) {
        byte[] datagram = Codec.encode(new Envelope(Direction.TO_SERVER, device.id, Transactions.newId(),
                device.nextSequence(), ESTABLISH), key);
        return handler.handle(datagram, SOURCE).map(answer -> {
            try {
                return Codec.decode(answer, key);
            } catch (ProtocolException e) {
                throw new AssertionError("the answer is not under the request's key: " + e.kind(), e);
            }
        });
    }

    @Test
    void aRemovedDevicesNextDatagramIsDropped() {
        assertInstanceOf(Params.class, establishWith(device.key).orElseThrow().body());
        devices.remove(device.id);
        assertTrue(establishWith(device.key).isEmpty());
        assertEquals(1, counters.get("dropped.unknown-device"));
    }

    @Test
    void aDisabledDeviceIsDroppedUnansweredUntilEnabled() {
        devices.disable(device.id);
        assertTrue(establishWith(device.key).isEmpty());
        assertTrue(establishWith(device.key).isEmpty());
        assertEquals(2, counters.get("dropped.disabled"));
        devices.enable(device.id);
        assertInstanceOf(Params.class, establishWith(device.key).orElseThrow().body());
    }

    @Test
    void bothKeysWorkUntilTheOverlapEndsThenOnlyTheNewOne() {
        byte[] oldKey = device.key;
        byte[] newKey = devices.rekey(device.id, Duration.ofMinutes(10)).key();
        assertInstanceOf(Params.class, establishWith(oldKey).orElseThrow().body(), "old key, answered under it");
        assertInstanceOf(Params.class, establishWith(newKey).orElseThrow().body(), "new key, answered under it");
        assertEquals(1, counters.get("accepted.previous-key"));

        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        assertTrue(establishWith(oldKey).isPresent(), "still inside the overlap");
        clock.advance(Duration.ofMillis(1));
        assertTrue(establishWith(oldKey).isEmpty(), "the overlap is over");
        assertEquals(1, counters.get("dropped.auth_failed"));
        assertTrue(establishWith(newKey).isPresent());
    }

    @Test
    void aRekeyWithoutOverlapShutsTheOldKeyOutAtOnce() {
        byte[] newKey = devices.rekey(device.id, Duration.ZERO).key();
        assertTrue(establishWith(device.key).isEmpty());
        assertTrue(establishWith(newKey).isPresent());
    }

    @Test
    void anUnavailableRegistryDropsUnansweredAndWarnsAtMostOnceAMinuteWithTheCount() {
        List<String> warnings = new ArrayList<>();
        ThrottledWarning warning = new ThrottledWarning(clock, Duration.ofMinutes(1), warnings::add);
        Counters c = new Counters();
        RequestAuthenticator auth = new RequestAuthenticator(id -> {
            throw new StoreUnavailableException("store down", null);
        }, clock, c, warning);
        for (int i = 0; i < 5; i++) {
            assertTrue(auth.open(device.request(ESTABLISH), SOURCE).isEmpty());
        }
        assertEquals(5, c.get("dropped.key-lookup-failed"));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("1 datagram(s) dropped unanswered"), warnings.get(0));
        assertTrue(warnings.get(0).contains("device=smr-1") && warnings.get(0).contains("store down"), warnings.get(0));
        clock.advance(Duration.ofSeconds(59));
        auth.open(device.request(ESTABLISH), SOURCE);
        assertEquals(1, warnings.size());
        clock.advance(Duration.ofSeconds(1));
        auth.open(device.request(ESTABLISH), SOURCE);
        assertEquals(2, warnings.size());
        assertTrue(warnings.get(1).startsWith("6 datagram(s)"), "counts every drop since the last: " + warnings.get(1));
    }

    @Test
    void aCredentialNeedsItsPreviousKeyAndItsEndTogether() {
        assertThrows(IllegalArgumentException.class,
                () -> new DeviceCredential(DeviceId.of("x"), new byte[32], Instant.EPOCH, false, new byte[32], null));
        assertThrows(IllegalArgumentException.class,
                () -> new DeviceCredential(DeviceId.of("x"), new byte[32], Instant.EPOCH, false, new byte[3], Instant.EPOCH));
    }
}
