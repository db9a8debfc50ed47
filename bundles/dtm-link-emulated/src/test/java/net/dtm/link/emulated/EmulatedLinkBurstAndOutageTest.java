package net.dtm.link.emulated;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import net.dtm.link.emulated.EmulatedLinkTest.Peer;
import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkState;

class EmulatedLinkBurstAndOutageTest {

    private static final GilbertElliott.Params BURSTS = new GilbertElliott.Params(0.1, 0.3, 0.0, 1.0);

    private static Set<Integer> deliveredOutbound(EmulatedLinkSettings s, int n) throws Exception {
        try (Peer p = new Peer(false); EmulatedLink link = new EmulatedLink(s)) {
            for (int i = 0; i < n; i++) {
                link.send(p.address(), EmulatedLinkTest.index(i));
            }
            long expected = link.counters().datagramsSent();
            assertEquals(n, expected + link.counters().droppedOutbound());
            await().atMost(Duration.ofSeconds(5)).until(() -> p.count.get() == expected);
            return Set.copyOf(p.indices);
        }
    }

    @Test
    void burstyLossOnTheLinkIsTheSeededModelExactly() throws Exception {
        int n = 3000;
        long seed = 99;
        Set<Integer> delivered = deliveredOutbound(EmulatedLinkSettings.clean("ge").withSeed(seed).withBurstLoss(BURSTS), n);
        // The outbound direction uses the seed's stream after the inbound one was split off: one loss
        // and one transition draw, then one jitter draw per datagram.
        SplittableRandom r = new SplittableRandom(seed);
        r.split();
        GilbertElliott model = new GilbertElliott(BURSTS);
        Set<Integer> predicted = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (!model.drop(r)) {
                predicted.add(i);
            }
            r.nextDouble();
        }
        assertTrue(predicted.equals(delivered), "delivered " + delivered.size() + " datagrams, the model predicts "
                + predicted.size() + "; same size but other ones: " + (predicted.size() == delivered.size()));
        double loss = 1.0 - delivered.size() / (double) n;
        assertEquals(BURSTS.stationaryLoss(), loss, 0.06, "loss " + loss + " vs stationary " + BURSTS.stationaryLoss());
        assertTrue(delivered.equals(deliveredOutbound(EmulatedLinkSettings.clean("ge2").withSeed(seed).withBurstLoss(BURSTS), n)),
                "same seed, same traffic, same outcome");
    }

    @Test
    void burstyLossAppliesInboundToo() throws Exception {
        int n = 600;
        try (Peer peer = new Peer(false);
             EmulatedLink link = new EmulatedLink(EmulatedLinkSettings.clean("ge-in").withSeed(5).withBurstLoss(BURSTS))) {
            AtomicLong got = new AtomicLong();
            link.setHandler((l, src, d) -> got.incrementAndGet());
            for (int i = 0; i < n; i++) {
                peer.sendTo(link.localAddress().orElseThrow(), i);
                if (i % 100 == 99) {
                    int sent = i + 1;
                    await().atMost(Duration.ofSeconds(5))
                            .until(() -> link.counters().datagramsReceived() + link.counters().droppedInbound() == sent);
                }
            }
            double rate = link.counters().droppedInbound() / (double) n;
            assertTrue(rate > 0.1 && rate < 0.4, "inbound bursty loss " + rate + " should be near 0.25");
            assertEquals(link.counters().datagramsReceived(), got.get());
        }
    }

    /** Records state changes and, on each DOWN, whether a send in that instant is refused. */
    static final class StateRecorder implements LinkHandler {
        final List<LinkState> states = new CopyOnWriteArrayList<>();
        final List<Long> atNanos = new CopyOnWriteArrayList<>();
        final List<Boolean> sendRefusedWhenDown = new CopyOnWriteArrayList<>();
        final InetSocketAddress target;

        StateRecorder(InetSocketAddress target) {
            this.target = target;
        }

        @Override
        public void received(LinkDriver link, InetSocketAddress source, byte[] datagram) {
        }

        @Override
        public void stateChanged(LinkDriver link, LinkState state) {
            atNanos.add(System.nanoTime());
            states.add(state);
            if (state == LinkState.DOWN) {
                try {
                    link.send(target, EmulatedLinkTest.index(0));
                    sendRefusedWhenDown.add(false);
                } catch (IOException refused) {
                    sendRefusedWhenDown.add(true);
                }
            }
        }
    }

    @Test
    void scheduledOutagesGoDownAndUpAndTellTheHandler() throws Exception {
        try (Peer peer = new Peer(false)) {
            StateRecorder recorder = new StateRecorder(peer.address());
            long start = System.nanoTime();
            try (EmulatedLink link = new EmulatedLink(
                    EmulatedLinkSettings.clean("flaky").withOutages(new OutageSchedule(150, 60)))) {
                link.setHandler(recorder);
                await().atMost(Duration.ofSeconds(5)).until(() -> recorder.states.size() >= 4);
                List<LinkState> first = List.copyOf(recorder.states.subList(0, 4));
                assertEquals(List.of(LinkState.DOWN, LinkState.UP, LinkState.DOWN, LinkState.UP), first);
                double firstDownMs = (recorder.atNanos.get(0) - start) / 1e6;
                double outageMs = (recorder.atNanos.get(1) - recorder.atNanos.get(0)) / 1e6;
                double periodMs = (recorder.atNanos.get(2) - recorder.atNanos.get(0)) / 1e6;
                assertTrue(firstDownMs >= 150, "first outage after one period, was " + firstDownMs + " ms");
                assertTrue(outageMs >= 50 && outageMs < 1000, "outage lasted " + outageMs + " ms");
                assertTrue(periodMs >= 140 && periodMs < 1500, "period " + periodMs + " ms");
                assertTrue(recorder.sendRefusedWhenDown.stream().allMatch(b -> b), "sends refused during outages");
                await().atMost(Duration.ofSeconds(5)).until(() -> link.state() == LinkState.UP);
                link.send(peer.address(), EmulatedLinkTest.index(7));
                await().atMost(Duration.ofSeconds(5)).until(() -> peer.indices.contains(7));
            }
        }
    }

    @Test
    void closeCancelsTheOutageScheduleOnASharedScheduler() throws Exception {
        ScheduledThreadPoolExecutor shared = new ScheduledThreadPoolExecutor(1);
        shared.setRemoveOnCancelPolicy(true);
        try {
            EmulatedLink link = new EmulatedLink(
                    EmulatedLinkSettings.clean("sched").withOutages(new OutageSchedule(60_000, 1_000)), shared);
            assertEquals(2, shared.getQueue().size(), "outage start and end are scheduled");
            link.close();
            assertEquals(0, shared.getQueue().size(), "nothing left behind on the shared scheduler");
            assertEquals(LinkState.DOWN, link.state());
        } finally {
            shared.shutdownNow();
        }
    }
}
