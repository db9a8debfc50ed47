package net.dtm.systest;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import net.dtm.agent.AgentSettings;
import net.dtm.agent.TunnelAgent;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.TunnelStatus;
import net.dtm.api.TunnelStatus.State;
import net.dtm.link.emulated.EmulatedLink;
import net.dtm.link.emulated.EmulatedLinkSettings;
import net.dtm.spi.link.LinkKind;
import net.dtm.transport.LinkStats;
import net.dtm.transport.MultiLinkTransport;
import net.dtm.transport.TransportSettings;

/**
 * One agent as a process, for the namespace test: a multi-link transport over emulated links with
 * no delay and no loss of their own, each bound to one agent-side veth address (the kernel does the
 * loss), and a tunnel agent that re-establishes every {@code <period ms>} once established. It prints
 * one line per establishment or renewal:
 * {@code EVENT kind=established|renewed n=<establishments> address=<inner ip> server=<host:port> rx=<link>:<datagrams received>,...}
 * and serves until its standard input closes.
 *
 * <p>Arguments: {@code <key file> <device id> <server host:port> <period ms> <link id>=<bind host>...}.
 */
public final class AgentMain {

    private AgentMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: AgentMain <key file> <device id> <server host:port> <period ms> <link>=<bind host>...");
            System.exit(2);
        }
        byte[] key = DeviceCredential.parseKey(Files.readString(Path.of(args[0]), StandardCharsets.US_ASCII));
        DeviceId device = DeviceId.of(args[1]);
        int colon = args[2].lastIndexOf(':');
        InetSocketAddress server = new InetSocketAddress(args[2].substring(0, colon),
                Integer.parseInt(args[2].substring(colon + 1)));
        long period = Long.parseLong(args[3]);

        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
        MultiLinkTransport transport = new MultiLinkTransport(TransportSettings.defaults(), scheduler);
        List<EmulatedLink> links = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            String[] spec = args[i].split("=", 2);
            EmulatedLink link = new EmulatedLink(
                    new EmulatedLinkSettings(spec[0], LinkKind.EMULATED, 0, 0, 0, 0, spec[1]), scheduler);
            links.add(link);
            transport.addLink(link);
        }
        TunnelAgent agent = new TunnelAgent(AgentSettings.of(device, key, List.of(server))
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofMillis(100), Duration.ofSeconds(1)),
                transport, scheduler, Clock.systemUTC());
        agent.addListener(new Printer(agent, transport));
        agent.start();
        scheduler.scheduleWithFixedDelay(() -> {
            if (agent.status().state() == State.ESTABLISHED) {
                agent.reestablish();
            }
        }, period, period, TimeUnit.MILLISECONDS);

        ServerMain.drain(System.in);
        agent.close();
        transport.close();
        links.forEach(EmulatedLink::close);
        scheduler.shutdownNow();
        System.exit(0);
    }

    /** Prints a line when the agent becomes established by a new establishment or by a renewal. */
    private static final class Printer implements java.util.function.Consumer<TunnelStatus> {
        private final TunnelAgent agent;
        private final MultiLinkTransport transport;
        private long printed;
        private State previous = State.IDLE;

        Printer(TunnelAgent agent, MultiLinkTransport transport) {
            this.agent = agent;
            this.transport = transport;
        }

        @Override
        public synchronized void accept(TunnelStatus s) {
            State was = previous;
            previous = s.state();
            if (s.state() != State.ESTABLISHED || s.parameters().isEmpty()) {
                return;
            }
            long n = agent.establishments();
            String kind;
            if (n > printed) {
                kind = "established";
                printed = n;
            } else if (was == State.RENEWING) {
                kind = "renewed";
            } else {
                return;
            }
            StringJoiner rx = new StringJoiner(",");
            for (LinkStats l : transport.stats()) {
                rx.add(l.id() + ":" + l.datagramsReceived());
            }
            System.out.println(String.format(Locale.ROOT, "EVENT kind=%s n=%d address=%s server=%s time=%.1f rx=%s",
                    kind, n, s.parameters().get().innerAddress().getHostAddress(), s.server().orElse("?"),
                    s.lastEstablishMs(), rx));
            System.out.flush();
        }
    }
}
