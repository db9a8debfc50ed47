package net.dtm.spi.link;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One WAN link of a device, published as an OSGi service by a link driver bundle (one service per
 * link, usually from a factory configuration) with the service properties {@link #PROP_LINK_ID},
 * {@link #PROP_LINK_KIND} and, optionally, {@link #PROP_USAGE}. The multi-link transport tracks
 * these services and sends every control message over each usable link.
 * <p>
 * What every driver guarantees (checked by the contract suite {@code dtm-link-tck}):
 * <ul>
 * <li>{@link #id()} is non-blank and the same for the life of the object; {@link #kind()} is
 * {@code LinkKind.forLabel(kindLabel())}.</li>
 * <li>Every change of {@link #state()} is reported to the current handler's
 * {@link LinkHandler#stateChanged}, with this object as the link.</li>
 * <li>While the link is not DOWN it has a {@link #localAddress()}, datagrams of up to {@link #mtu()}
 * bytes sent to a destination leave from it, and datagrams arriving there are handed to the current
 * handler with this object as the link and the sender as the source.</li>
 * <li>While DOWN, {@link #send} throws {@link IOException} and nothing is delivered.</li>
 * <li>A handler that throws does not stop the link: the driver goes on delivering.</li>
 * <li>When the driver is withdrawn (its service unregistered, its component deactivated) it reports
 * DOWN to the handler, releases its socket and delivers nothing more.</li>
 * </ul>
 */
@ConsumerType
public interface LinkDriver {

    /** Service property: the link id (string, unique on the device), as {@link #id()}. */
    String PROP_LINK_ID = "dtm.link.id";
    /** Service property: the link kind label, as {@link #kindLabel()}. */
    String PROP_LINK_KIND = "dtm.link.kind";
    /**
     * Service property: when the transport may use the link, {@link #USAGE_ALWAYS} (also when the
     * property is absent) or {@link #USAGE_BACKUP}.
     *
     * @since 1.1
     */
    String PROP_USAGE = "dtm.link.usage";
    /** {@link #PROP_USAGE} value: the link carries every request, like any other. @since 1.1 */
    String USAGE_ALWAYS = "always";
    /**
     * {@link #PROP_USAGE} value: the link (typically metered, satellite) carries requests only while
     * no unmetered primary link is up and reasonably clean.
     *
     * @since 1.1
     */
    String USAGE_BACKUP = "backup";

    /** Unique id of this link on the device, e.g. {@code lte0}. Non-blank, never changes. */
    String id();

    /** What kind of link it is; {@link LinkKind#OTHER} for a kind the enum does not name. */
    LinkKind kind();

    /**
     * The kind as shown to operators and sent to servers: {@code kind().label()} unless the driver
     * names a kind the enum does not know (then {@link #kind()} is {@link LinkKind#OTHER}). A
     * {@linkplain LinkKind#isValidLabel valid label}, also published as {@link #PROP_LINK_KIND}.
     *
     * @since 1.1
     */
    default String kindLabel() {
        return kind().label();
    }

    /** Current usability. */
    LinkState state();

    /** The local socket address datagrams leave from, if bound (always while not DOWN). */
    Optional<InetSocketAddress> localAddress();

    /** The address servers see (after NAT), where known. */
    default Optional<InetSocketAddress> publicAddress() {
        return Optional.empty();
    }

    /** Largest datagram payload the link carries; positive. */
    default int mtu() {
        return 1400;
    }

    /** True if traffic on this link costs money per byte (satellite, roaming). */
    default boolean metered() {
        return false;
    }

    /**
     * Sends one datagram. Returns without blocking for delivery; a lossy link may drop it.
     *
     * @throws IOException if the link is down or the datagram cannot be sent
     */
    void send(InetSocketAddress destination, byte[] datagram) throws IOException;

    /**
     * Starts delivering received datagrams and state changes to {@code handler}, replacing any
     * previous handler: what arrives after this returns goes to {@code handler} only.
     */
    void setHandler(LinkHandler handler);
}
