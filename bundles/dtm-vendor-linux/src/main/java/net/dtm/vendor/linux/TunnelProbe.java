package net.dtm.vendor.linux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;

/**
 * Sends traffic through a tunnel: {@code ping [-6] -c 1 -w S -i 0.2 -I NAME PEER}. With a deadline
 * ({@code -w}) ping sends again every 0.2 s until one answer comes or the deadline passes, so a
 * first packet lost to ARP or to WireGuard's handshake does not fail the probe.
 */
final class TunnelProbe {
    /** Slack between ping's own deadline and the kill of a ping that hangs. */
    private static final Duration SLACK = Duration.ofSeconds(5);

    private final LinuxHost host;

    TunnelProbe(LinuxHost host) {
        this.host = host;
    }

    /** True if the peer answered within {@code timeout}, false if it did not. */
    boolean probe(TunnelIntent intent, Duration timeout) throws ConfigException {
        if (intent.peerInner().isAnyLocalAddress()) {
            throw new ConfigException("intent " + intent.name() + " has no peer inner address to probe", true);
        }
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        List<String> args = new ArrayList<>();
        if (IpSyntax.isIpv6(intent.peerInner())) {
            args.add("-6");
        }
        args.addAll(List.of("-c", "1", "-w", Long.toString(seconds), "-i", "0.2", "-I", intent.name(),
                IpSyntax.address(intent.peerInner())));
        CommandRunner.Result r = host.run(Tool.PING, args, "", Duration.ofSeconds(seconds).plus(SLACK), Set.of());
        return switch (r.exitCode()) {
            case 0 -> true;
            case 1 -> false;
            default -> throw new ConfigException(LinuxHost.display(Tool.PING, args) + " failed in " + host.where() + " (exit "
                    + r.exitCode() + "): " + LinuxHost.firstLines(r.stderr()), false);
        };
    }
}
