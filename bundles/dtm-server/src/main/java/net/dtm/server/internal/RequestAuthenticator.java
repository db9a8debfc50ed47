package net.dtm.server.internal;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Header;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.ReplayWindow;

/**
 * Authentication and freshness of received datagrams: the device is looked up from the header,
 * a disabled device's datagram dropped ({@code dropped.disabled}), the datagram decoded and its
 * MAC checked with the device's key (or, after a re-key and until its overlap ends, with its
 * previous key: {@code accepted.previous-key}), and only a request towards the server passes
 * ({@link #open}); if the device registry's store cannot be read, a WARN at most once a minute
 * says how many datagrams were dropped for it; then the device's {@link ReplayWindow} judges its sequence number
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

    /** Where the request path finds a device: empty if it is not enrolled; may throw if the registry is unavailable. */
    @FunctionalInterface
    interface Devices {
        Optional<DeviceCredential> find(DeviceId id);
    }

    /** Devices known by their keys alone (tests and tools): each enabled, with one key. */
    static Devices keysOnly(Function<DeviceId, Optional<byte[]>> keys) {
        Objects.requireNonNull(keys, "keys");
        return id -> keys.apply(id).map(k -> new DeviceCredential(id, k, Instant.EPOCH));
    }

    private final Devices devices;
    private final Clock clock;
    private final ThrottledWarning lookupFailures;
    private final Counters counters;
    private final ConcurrentHashMap<DeviceId, ReplayWindow> windows = new ConcurrentHashMap<>();

    /**
     * @param keys     a device's key, empty if it is not enrolled; may throw if the registry is unavailable
     * @param counters where drops are counted
     */
    RequestAuthenticator(Function<DeviceId, Optional<byte[]>> keys, Counters counters) {
        this(keysOnly(keys), Clock.systemUTC(), counters);
    }

    /**
     * @param devices  the devices of the registry
     * @param clock    judges the end of a re-keyed device's overlap
     * @param counters where drops are counted
     */
    RequestAuthenticator(Devices devices, Clock clock, Counters counters) {
        this(devices, clock, counters, new ThrottledWarning(clock, Duration.ofMinutes(1), LOG::warn));
    }

    /** @param lookupFailures where a failed look-up is reported (tests collect it) */
    RequestAuthenticator(Devices devices, Clock clock, Counters counters, ThrottledWarning lookupFailures) {
        this.devices = Objects.requireNonNull(devices, "devices");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.lookupFailures = Objects.requireNonNull(lookupFailures, "lookupFailures");
    }

    /** The authenticated request in {@code datagram}, or empty (counted) if it is not one. */
    Optional<Authentic> open(byte[] datagram, InetSocketAddress source) {
        Header header;
        try {
            header = Codec.peek(datagram);
        } catch (ProtocolException e) {
            return drop(e.kind());
        }
        return open(header, datagram, source);
    }

    /** Like {@link #open(byte[], InetSocketAddress)}, with the datagram's header already read. */
    Optional<Authentic> open(Header header, byte[] datagram, InetSocketAddress source) {
        Optional<DeviceCredential> device;
        try {
            device = devices.find(header.device());
        } catch (RuntimeException e) {
            // The device registry's store is down: we cannot authenticate, so we cannot answer.
            counters.increment("dropped.key-lookup-failed");
            if (!lookupFailures.occurred("datagram(s) dropped unanswered since the last warning: the device registry "
                    + "cannot read its store (latest: device=" + header.device() + " from " + source + "): " + e)) {
                LOG.debug("cannot look up key of device={} from {}: {}", header.device(), source, e.toString());
            }
            return Optional.empty();
        }
        if (device.isEmpty()) {
            counters.increment("dropped.unknown-device");
            LOG.debug("dropped datagram from {}: unknown device={}", source, header.device());
            return Optional.empty();
        }
        if (device.get().disabled()) {
            counters.increment("dropped.disabled");
            LOG.debug("dropped datagram from {}: device={} is disabled", source, header.device());
            return Optional.empty();
        }
        byte[] key = device.get().key();
        Envelope request;
        try {
            request = Codec.decode(datagram, key);
        } catch (ProtocolException e) {
            Optional<byte[]> previous = device.get().previousKeyAt(clock.instant());
            request = previous.isEmpty() ? null : decodeOrNull(datagram, previous.get());
            if (request == null) {
                LOG.debug("dropped datagram from {} claiming device={}: {}", source, header.device(), e.kind());
                return drop(e.kind());
            }
            key = previous.get(); // the answer goes out under the key the request came with
            counters.increment("accepted.previous-key");
        }
        if (request.direction() != Direction.TO_SERVER) {
            counters.increment("dropped.direction");
            return Optional.empty();
        }
        return Optional.of(new Authentic(request, key));
    }

    private static Envelope decodeOrNull(byte[] datagram, byte[] key) {
        try {
            return Codec.decode(datagram, key);
        } catch (ProtocolException e) {
            return null;
        }
    }

    /**
     * Judges the request's sequence number in its device's replay window: a REPLAY (older than the
     * window) is dropped ({@code dropped.replay}) and gets empty; otherwise {@code reservation} runs
     * in the same step as the verdict (no other copy of the device's requests is judged meanwhile)
     * and its result is returned.
     */
    <T> Optional<T> admit(Envelope request, InetSocketAddress source, Reservation<T> reservation) {
        return admit(request, source, reservation, highest -> null);
    }

    /**
     * Like {@link #admit(Envelope, InetSocketAddress, Reservation)}, but a REPLAY goes to
     * {@code replayed} with the highest sequence number the window has seen of the device (the mark
     * of a resync NAK); only if that returns null is it dropped ({@code dropped.replay}).
     */
    <T> Optional<T> admit(Envelope request, InetSocketAddress source, Reservation<T> reservation,
                          LongFunction<T> replayed) {
        ReplayWindow window = windows.computeIfAbsent(request.device(), d -> new ReplayWindow());
        long highest;
        synchronized (window) {
            ReplayWindow.Verdict verdict = window.check(request.sequence());
            if (verdict != ReplayWindow.Verdict.REPLAY) {
                return Optional.of(reservation.reserve(verdict == ReplayWindow.Verdict.NEW));
            }
            highest = window.highest();
        }
        LOG.debug("replayed {} from device={} via {}", request.type(), request.device(), source);
        T answer = replayed.apply(highest);
        if (answer == null) {
            counters.increment("dropped.replay");
        }
        return Optional.ofNullable(answer);
    }

    private <T> Optional<T> drop(ProtocolException.Kind kind) {
        counters.increment("dropped." + kind.name().toLowerCase(Locale.ROOT));
        return Optional.empty();
    }
}
