package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.EnrolmentService;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.pool.PoolManager;
import net.dtm.pool.PoolSettings;
import net.dtm.protocol.EnrolReply;
import net.dtm.protocol.EnrolmentToken;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Params;
import net.dtm.server.node.ServerNode;
import net.dtm.store.derby.DerbyStore;

/**
 * A router out of the box against a whole node over Derby: the operator makes an enrolment key,
 * the router (holding only its token) enrols over UDP and establishes with the key it was granted.
 */
class EnrolEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void aRouterWithOnlyATokenEnrolsAndEstablishes() throws Exception {
        try (DerbyStore derby = new DerbyStore(dir.resolve("derby"));
             DeviceManager devices = new DeviceManager(derby)) {
            PoolManager pools = new PoolManager(derby, "node-e", Clock.systemUTC(),
                    PoolSettings.of(Duration.ofSeconds(30), 0.5), null);
            pools.createPool(Pool.of("buses", "10.80.0.0/24", 3600));
            EnrolmentService operator = new EnrolmentManager(derby.enrolmentKeys(), pools, Clock.systemUTC());
            String token = operator.create("depot north", "bus-*", "buses", 1, Duration.ofDays(1)).token();

            ServerNode.Config config = ServerNode.Config.defaults().toBuilder().nodeId("node-e")
                    .bind(new InetSocketAddress("127.0.0.1", 0)).workers(2, 64, 16).defaultPool("buses").build();
            try (ServerNode node = ServerNode.start(config, pools, devices, null,
                    new ServerNode.Enrolment(derby.enrolmentKeys(), null));
                 DatagramChannel channel = DatagramChannel.open();
                 Selector selector = Selector.open()) {
                channel.bind(new InetSocketAddress("127.0.0.1", 0));
                channel.connect(node.localAddress());
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ);

                TestRouter router = new TestRouter("bus-0042");
                byte[] enrol = router.enrol(EnrolmentToken.parse(token));
                EnrolReply reply = router.open(enrol, exchange(channel, selector, enrol));
                assertEquals(EnrolReply.Status.GRANTED, reply.status());
                assertEquals("buses", reply.pool());
                assertTrue(reply.keyUsedUp());
                assertArrayEquals(reply.deviceKey(), derby.find(router.id).orElseThrow().key());

                TestDevice device = new TestDevice(router.id, reply.deviceKey());
                byte[] establish = device.request(new Establish(TunnelType.VXLAN, reply.pool(), List.of(), Optional.empty()));
                Params params = assertInstanceOf(Params.class, device.open(exchange(channel, selector, establish)).body());
                assertEquals("buses", params.pool());
                assertEquals(1, node.counters().get("enrol.granted"));
                assertEquals(1, operator.keys().get(0).uses());

                TestRouter late = new TestRouter("bus-0043");
                byte[] second = late.enrol(EnrolmentToken.parse(token));
                assertEquals(EnrolReply.Status.REFUSED, late.open(second, exchange(channel, selector, second)).status(),
                        "the single-use key is used up");
                assertThrows(IllegalArgumentException.class, () -> EnrolmentToken.parse("dtmek1-nonsense"));
            }
        }
    }

    /** Sends {@code request} and waits (at most 10 s) for one reply. */
    private static byte[] exchange(DatagramChannel channel, Selector selector, byte[] request) throws IOException {
        channel.write(ByteBuffer.wrap(request));
        ByteBuffer in = ByteBuffer.allocate(2048);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            selector.select(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            selector.selectedKeys().clear();
            in.clear();
            if (channel.read(in) > 0) {
                return Arrays.copyOf(in.array(), in.position());
            }
        }
        throw new AssertionError("no reply within 10 s");
    }
}
