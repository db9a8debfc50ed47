package net.dtm.link.tck;

import java.net.InetSocketAddress;
import java.util.Optional;

import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;

/**
 * A link that only describes itself (id, kind, label, state, local address) and sends nothing: for
 * tests of code that reads links, such as the transport's link list or the addresses an agent names.
 */
public final class DescribedLink implements LinkDriver {

    private final String id;
    private final LinkKind kind;
    private final String label;
    private final LinkState state;
    private final InetSocketAddress local;

    private DescribedLink(String id, LinkKind kind, String label, LinkState state, InetSocketAddress local) {
        this.id = id;
        this.kind = kind;
        this.label = label;
        this.state = state;
        this.local = local;
    }

    /** An UP link of {@code kind} labelled {@code label}, bound to {@code local} (null: not bound). */
    public static DescribedLink of(String id, LinkKind kind, String label, InetSocketAddress local) {
        return new DescribedLink(id, kind, label, LinkState.UP, local);
    }

    /** The same link in {@code newState}. */
    public DescribedLink in(LinkState newState) {
        return new DescribedLink(id, kind, label, newState, local);
    }

    @Override public String id() { return id; }
    @Override public LinkKind kind() { return kind; }
    @Override public String kindLabel() { return label; }
    @Override public LinkState state() { return state; }
    @Override public Optional<InetSocketAddress> localAddress() { return Optional.ofNullable(local); }
    @Override public void send(InetSocketAddress destination, byte[] datagram) { }
    @Override public void setHandler(LinkHandler handler) { }
}
