package net.dtm.testkit.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lab's probe sees what forwarded traffic would: two namespaces joined by two veth links and a
 * VXLAN tunnel over the first; the router's end of that link goes down, the router moves the tunnel
 * to the second link at once, the gateway follows 1 s later (meanwhile it sends into the dead link,
 * whose next hop never answers ARP). Traffic from the gateway must flow as soon as the gateway has
 * moved. With ping's own one-packet send buffer it did not: the packets queued for the dead next
 * hop kept the socket full until the kernel gave up on that neighbour, about 3 s after the link
 * died (measured: first reply 2.2 s after the gateway moved, {@code sendmsg: No buffer space
 * available}). Needs root, {@code ip netns} and {@code ping}; skips otherwise.
 */
class PingerOverADeadLinkTest {

    private final String gateway = "dtm-pgw-" + ProcessHandle.current().pid();
    private final String router = "dtm-prt-" + ProcessHandle.current().pid();

    @BeforeEach
    void namespaces() {
        assumeTrue(Sh.run("id", "-u").out().strip().equals("0"), "needs root");
        assumeTrue(Sh.run("ip", "netns", "list").ok(), "needs ip netns (iproute2)");
        assumeTrue(Sh.run("ping", "-V").ok(), "needs ping (iputils-ping)");
        Sh.must("ip", "netns", "add", gateway);
        Sh.must("ip", "netns", "add", router);
        for (int i = 1; i <= 2; i++) {
            Sh.must("ip", "-n", gateway, "link", "add", "s" + i, "type", "veth", "peer", "name", "a" + i, "netns", router);
            Sh.must("ip", "-n", gateway, "addr", "add", "10.99." + i + ".1/30", "dev", "s" + i);
            Sh.must("ip", "-n", router, "addr", "add", "10.99." + i + ".2/30", "dev", "a" + i);
            Sh.must("ip", "-n", gateway, "link", "set", "s" + i, "up");
            Sh.must("ip", "-n", router, "link", "set", "a" + i, "up");
        }
        tunnel(gateway, "dtmg", 1, "1", "2", "10.200.0.1");
        tunnel(router, "dtm0", 1, "2", "1", "10.200.0.2");
    }

    @AfterEach
    void cleanUp() {
        Sh.run("ip", "netns", "del", gateway);
        Sh.run("ip", "netns", "del", router);
    }

    /** (Re)creates a VXLAN device over link {@code link}, as the product's Linux adapter does on a move. */
    private static void tunnel(String ns, String dev, int link, String localHost, String remoteHost, String inner) {
        Sh.run("ip", "-n", ns, "link", "del", dev);
        Sh.must("ip", "-n", ns, "link", "add", dev, "type", "vxlan", "id", "42", "local", "10.99." + link + "." + localHost,
                "remote", "10.99." + link + "." + remoteHost, "dstport", "4789");
        Sh.must("ip", "-n", ns, "addr", "add", inner + "/30", "dev", dev);
        Sh.must("ip", "-n", ns, "link", "set", dev, "up");
    }

    @Test
    void trafficFromTheGatewayFlowsAsSoonAsItHasMovedOffADeadLink() throws Exception {
        try (Pinger ping = Pinger.start("gateway->router", gateway, "10.200.0.2", 0.05)) {
            Sh.await("replies over the first link", Duration.ofSeconds(10), Duration.ofMillis(50),
                    () -> ping.repliesSince(0) >= 5 ? Optional.of(true) : Optional.empty(), () -> "");
            Sh.must("ip", "-n", router, "link", "set", "a1", "down");
            tunnel(router, "dtm0", 2, "2", "1", "10.200.0.2");
            Thread.sleep(1_000); // the scenario: the gateway follows 1 s late, sending into the dead link meanwhile
            double moved = System.currentTimeMillis() / 1000.0;
            tunnel(gateway, "dtmg", 2, "1", "2", "10.200.0.1");
            double firstReply = Sh.await("a reply over the second link", Duration.ofSeconds(10), Duration.ofMillis(20),
                    () -> ping.repliesSince(moved) > 0 ? Optional.of(System.currentTimeMillis() / 1000.0)
                            : Optional.empty(), () -> "ping printed " + ping.errors());
            double afterMoveMs = (firstReply - moved) * 1000;
            assertTrue(afterMoveMs < 1_000, "first reply " + Math.round(afterMoveMs) + " ms after the gateway moved; ping printed "
                    + ping.errors());
            assertEquals(List.of(), ping.errors().stream().filter(e -> e.contains("No buffer space")).toList());
        }
    }
}
