package net.dtm.server.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import net.dtm.api.DeviceId;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Header;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.ProtocolException;

/**
 * Sorts a received datagram before it is queued, from its clear header only and without blocking:
 * not a request to a server ({@code dropped.<kind>}, {@code dropped.direction}): dropped at once;
 * naming a device this node knows (its record in the device registry's memory, as every enrolled
 * device is once the node has started, or answered since): the priority lane; anything else (a
 * device's first request here, or garbage naming unknown devices, whose key look-up may read the
 * store): the normal lane. Nothing here authenticates: a datagram in the priority lane still has
 * its MAC checked by the worker, with the device's key already in memory, so garbage naming a known
 * device costs one MAC check. The devices answered are kept in a bounded table, least recently
 * answered forgotten first; the registry's memory is asked as well, so a node serving more devices
 * than that table holds still puts every enrolled device first. An ENROL (zero-touch enrolment,
 * which anyone may send) always takes the normal lane, and its reply makes no device known; a
 * device granted a key by one is {@link #remember}ed by the enrolment path (its ESTABLISH, sealed
 * with that key, then goes first).
 */
public final class DatagramScreen implements UdpEndpoint.Screen {

    /** Devices remembered by default. */
    public static final int DEFAULT_DEVICES = 131_072;

    private final Counters counters;
    private final Map<DeviceId, Boolean> answered;
    private final Predicate<DeviceId> registry;

    /** A screen that knows only the devices {@link #remember}ed or answered. */
    public DatagramScreen(int devices, Counters counters) {
        this(devices, counters, id -> false);
    }

    /**
     * @param devices  how many answered devices are remembered at most
     * @param counters where drops are counted
     * @param registry whether the device registry holds a device in memory (e.g. {@link
     *                 DevicesInMemory#inMemory}); asked on the receiving thread, so it must not block
     */
    public DatagramScreen(int devices, Counters counters, Predicate<DeviceId> registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        if (devices < 1) {
            throw new IllegalArgumentException("remembered devices must be positive");
        }
        this.counters = Objects.requireNonNull(counters, "counters");
        this.answered = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<DeviceId, Boolean> eldest) {
                return size() > devices;
            }
        };
    }

    @Override
    public UdpEndpoint.Sorted sort(byte[] datagram) {
        Header header;
        try {
            header = Codec.peek(datagram);
        } catch (ProtocolException e) {
            counters.increment("dropped." + e.kind().name().toLowerCase(Locale.ROOT));
            return UdpEndpoint.Sorted.DROP;
        }
        if (header.direction() != Direction.TO_SERVER) {
            counters.increment("dropped.direction");
            return UdpEndpoint.Sorted.DROP;
        }
        if (header.type() == MessageType.ENROL) {
            return UdpEndpoint.Sorted.NORMAL;   // anyone may send one: counted against its source, never its device
        }
        DeviceId device = header.device();
        boolean known;
        synchronized (answered) {
            known = answered.containsKey(device);
        }
        // a known device is rate-limited as itself
        return known || registry.test(device)
                ? new UdpEndpoint.Sorted(UdpEndpoint.Lane.PRIORITY, device) : UdpEndpoint.Sorted.NORMAL;
    }

    /** Puts {@code device} in the priority lane from now on, e.g. an enrolled device when the node starts. */
    public void remember(DeviceId device) {
        synchronized (answered) {
            answered.put(device, Boolean.TRUE);
        }
    }

    @Override
    public void answered(byte[] datagram) {
        try {
            Header header = Codec.peek(datagram);
            if (header.type() == MessageType.ENROL) {
                return;   // a reply to an ENROL proves nothing about the device
            }
            DeviceId device = header.device();
            synchronized (answered) {
                answered.put(device, Boolean.TRUE);
            }
        } catch (ProtocolException e) {
            // screened before it was queued: cannot happen
        }
    }

    /** Devices remembered now. */
    int size() {
        synchronized (answered) {
            return answered.size();
        }
    }
}
