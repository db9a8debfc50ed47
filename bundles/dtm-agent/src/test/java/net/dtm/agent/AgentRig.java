package net.dtm.agent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import net.dtm.link.emulated.EmulatedLink;
import net.dtm.link.emulated.EmulatedLinkSettings;
import net.dtm.spi.link.LinkKind;
import net.dtm.transport.MultiLinkTransport;
import net.dtm.transport.TransportSettings;

/** What an agent test runs on: a scheduler, a transport, emulated links and fake servers, closed in reverse order. */
final class AgentRig implements AutoCloseable {

    final ScheduledExecutorService ses = Executors.newScheduledThreadPool(2);
    final MultiLinkTransport transport = new MultiLinkTransport(TransportSettings.defaults(), ses);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** Closes {@code c} with the rig (the last added first). */
    <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    /** A fake server sealing with {@code key}. */
    FakeServer server(byte[] key, String node) throws IOException {
        return closeLater(new FakeServer(key, node));
    }

    /** An emulated link on loopback with this round trip and loss (per cent), added to the transport. */
    EmulatedLink link(String id, double rttMs, double loss, long seed) throws IOException {
        EmulatedLink l = closeLater(new EmulatedLink(
                new EmulatedLinkSettings(id, LinkKind.EMULATED, rttMs, 0, loss, seed, "127.0.0.1")));
        transport.addLink(l);
        return l;
    }

    @Override
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        transport.close();
        ses.shutdownNow();
    }
}
