package net.dtm.server.internal;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceId;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Header;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.ReplayWindow;

/**
 * Authentication and freshness of received datagrams: the device's key is looked up from the
 * header, the datagram decoded and its MAC checked with it, and only a request towards the server
 * passes ({@link #open}); then the device's {@link ReplayWindow} judges its sequence number
 * ({@link #admit}). Whatever fails is counted as {@code dropped.<reason>} and never answered.
 */
final class RequestAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);

    /** An authenticated request and the key of its device (to encode the answer with). */
    record Authentic(Envelope request, byte[] key) {
    }

    /** Done in one step with the replay window's verdict on a fresh (NEW or DUPLICATE) copy. */
    @FunctionalInterface
    interface Reservation<T> {
        T reserve(boolean isNew);
    }

    private final Function<DeviceId, Optional<byte[]>> keys;
    private final Counters counters;
    private final ConcurrentHashMap<DeviceId, ReplayWindow> windows = new ConcurrentHashMap<>();

    /**
     * @param keys     a device's key, empty if it is not enrolled; may throw if the registry is unavailable
     * @param counters where drops are counted
     */
    RequestAuthenticator(Function<DeviceId, Optional<byte[]>> keys, Counters counters) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    /** The authenticated request in {@code datagram}, or empty (counted) if it is not one. */
    Optional<Authentic> open(byte[] datagram, InetSocketAddress source) {
        Header header;
        try {
            header = Codec.peek(datagram);
        } catch (ProtocolException e) {
            return drop(e.kind());
        }
        Optional<byte[]> key;
        try {
            key = keys.apply(header.device());
        } catch (RuntimeException e) {
            // The device registry's store is down: we cannot authenticate, so we cannot answer.
            counters.increment("dropped.key-lookup-failed");
            LOG.debug("cannot look up key of device={} from {}: {}", header.device(), source, e.toString());
            return Optional.empty();
        }
        if (key.isEmpty()) {
            counters.increment("dropped.unknown-device");
            LOG.debug("dropped datagram from {}: unknown device={}", source, header.device());
            return Optional.empty();
        }
        Envelope request;
        try {
            request = Codec.decode(datagram, key.get());
        } catch (ProtocolException e) {
            LOG.debug("dropped datagram from {} claiming device={}: {}", source, header.device(), e.kind());
            return drop(e.kind());
        }
        if (request.direction() != Direction.TO_SERVER) {
            counters.increment("dropped.direction");
            return Optional.empty();
        }
        return Optional.of(new Authentic(request, key.get()));
    }

    /**
     * Judges the request's sequence number in its device's replay window: a REPLAY (older than the
     * window) is dropped ({@code dropped.replay}) and gets empty; otherwise {@code reservation} runs
     * in the same step as the verdict (no other copy of the device's requests is judged meanwhile)
     * and its result is returned.
     */
    <T> Optional<T> admit(Envelope request, InetSocketAddress source, Reservation<T> reservation) {
        ReplayWindow window = windows.computeIfAbsent(request.device(), d -> new ReplayWindow());
        synchronized (window) {
            ReplayWindow.Verdict verdict = window.check(request.sequence());
            if (verdict == ReplayWindow.Verdict.REPLAY) {
                counters.increment("dropped.replay");
                LOG.debug("dropped replayed {} from device={} via {}", request.type(), request.device(), source);
                return Optional.empty();
            }
            return Optional.of(reservation.reserve(verdict == ReplayWindow.Verdict.NEW));
        }
    }

    private <T> Optional<T> drop(ProtocolException.Kind kind) {
        counters.increment("dropped." + kind.name().toLowerCase(Locale.ROOT));
        return Optional.empty();
    }
}
