package net.dtm.testkit.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class PingerTest {

    @Test
    void onlyEchoRepliesCountAsTraffic() {
        assertEquals(Optional.of(1796254893.428024),
                Pinger.replyTime("[1796254893.428024] 64 bytes from 10.64.0.1: icmp_seq=7 ttl=64 time=0.061 ms"));
        // unreachable and error lines carry a time stamp and a sequence number too, but are no traffic
        assertEquals(Optional.empty(), Pinger.replyTime("[1796254893.478024] From 10.64.0.2 icmp_seq=8 Destination Host Unreachable"));
        assertEquals(Optional.empty(), Pinger.replyTime("ping: sendmsg: Network is unreachable"));
        assertEquals(Optional.empty(), Pinger.replyTime("PING 10.64.0.1 (10.64.0.1) 56(84) bytes of data."));
    }

    @Test
    void theLongestGapStartsAtOrAfterTheGivenTime() {
        List<Double> replies = List.of(100.00, 100.05, 100.10, 101.00, 101.05, 101.10, 103.10, 103.15);
        Pinger.Gap all = Pinger.longestGap("x", replies, 0);
        assertEquals(2000, all.ms(), 1e-6);
        assertEquals(101.10, all.lastReply(), 1e-9);
        // from 100.5 on the gap that began at 100.10 does not count; the one at 101.10 still does
        assertEquals(2000, Pinger.longestGap("x", replies, 100.5).ms(), 1e-6);
        assertEquals(900, Pinger.longestGap("x", replies.subList(0, 6), 0).ms(), 1e-6);
        assertEquals(0, Pinger.longestGap("x", List.of(100.0), 0).ms());
    }
}
